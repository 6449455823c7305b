"""`dewtui encrypt-file KEY SRC DST` and `dewtui decrypt-file SRC DST`: files by envelope encryption.

The cloud guide's large-data scenario from a shell: the engine (engine.envelope) asks KMS for
a data key per file and streams the file through it; this module only parses arguments,
opens the engine like the other headless commands (DEW_HOME / DEW_DATABASE_URL /
DEW_PASSPHRASE), and draws a progress bar on stderr (rich, which comes with Textual).
Exit codes: 0 done, 1 refused (the code and message on stderr), 2 usage.
"""
from __future__ import annotations

import argparse
import sys
from typing import Any, Sequence

COMMANDS = ("encrypt-file", "decrypt-file")
EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2


def add_file_commands(sub: Any) -> None:
    """Register the two commands on an argparse subparsers object (`dewtui`'s own or a test's)."""
    enc = sub.add_parser("encrypt-file", help="encrypt a file of any size under a KMS key (envelope)",
                         description="Encrypt SRC into DST under a fresh data key from KEY "
                                     "(create-datakey); DST holds the encrypted data key too.")
    enc.add_argument("key", metavar="KEY", help="the key id of an Enabled AES_256 key")
    enc.add_argument("src", metavar="SRC", help="the file to encrypt")
    enc.add_argument("dst", metavar="DST", help="the encrypted file to write (replaced if it exists)")
    dec = sub.add_parser("decrypt-file", help="decrypt a file written by encrypt-file",
                         description="Decrypt SRC (written by encrypt-file) into DST; the key is "
                                     "named in SRC and must be Enabled (decrypt-datakey).")
    dec.add_argument("src", metavar="SRC", help="the encrypted file")
    dec.add_argument("dst", metavar="DST", help="the plaintext file to write (replaced if it exists)")
    for p in (enc, dec):
        p.add_argument("--aad", help="associated data (text) the file is bound to; needed again to decrypt")
        p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
        p.set_defaults(file_command=run)


def run(args: argparse.Namespace) -> int:
    """Run a parsed encrypt-file / decrypt-file command; the exit code."""
    from engine import DewError, Engine
    from engine.envelope import decrypt_file, encrypt_file

    try:
        eng = Engine.open(home=getattr(args, "home", None), source="cli", run_due=False)
    except DewError as e:
        return _refused(e)
    try:
        if eng.sealed:
            print("dewtui: the root key is passphrase-sealed: set DEW_PASSPHRASE", file=sys.stderr)
            return EXIT_REFUSED
        with _ProgressBar(args.command, quiet=args.quiet) as bar:
            if args.command == "encrypt-file":
                encrypt_file(eng, args.key, args.src, args.dst, aad=args.aad, progress=bar)
            else:
                decrypt_file(eng, args.src, args.dst, aad=args.aad, progress=bar)
        return EXIT_OK
    except DewError as e:
        return _refused(e)
    except KeyboardInterrupt:
        print("dewtui: interrupted: nothing was written", file=sys.stderr)
        return EXIT_REFUSED
    finally:
        eng.close()


def main(argv: Sequence[str] | None = None) -> int:
    """`dewtui [--home DIR] encrypt-file|decrypt-file ...` on its own; the exit code."""
    parser = argparse.ArgumentParser(prog="dewtui", description="Files by envelope encryption")
    parser.add_argument("--home", help="data directory (default: DEW_HOME or the platform's user data dir)")
    add_file_commands(parser.add_subparsers(dest="command", required=True))
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse: usage errors exit 2, --help exits 0
        return e.code if isinstance(e.code, int) else EXIT_USAGE
    return run(args)


def _refused(e: Exception) -> int:
    code, message = getattr(e, "code", "DEW"), getattr(e, "message", str(e))
    print(f"dewtui: {code}: {message}", file=sys.stderr)
    return EXIT_REFUSED


class _ProgressBar:
    """The engine's progress(done_bytes, total_bytes) drawn as a rich bar on stderr."""

    def __init__(self, command: str, quiet: bool) -> None:
        from rich.console import Console
        from rich.progress import (BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn,
                                   TransferSpeedColumn)

        self.label = "encrypting" if command == "encrypt-file" else "decrypting"
        self.progress = Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                                 TransferSpeedColumn(), TimeRemainingColumn(),
                                 console=Console(stderr=True), disable=quiet)
        self.task: Any = None

    def __enter__(self) -> "_ProgressBar":
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def __call__(self, done: int, total: int) -> None:
        if self.task is None:
            self.task = self.progress.add_task(self.label, total=total)
        self.progress.update(self.task, completed=done)
