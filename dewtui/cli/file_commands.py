"""`dewtui encrypt-file KEY SRC DST` and `dewtui decrypt-file SRC DST`: files by envelope encryption.

The cloud guide's large-data scenario from a shell: the engine (engine.envelope) asks KMS for
a data key per file and streams the file through it; this module only parses arguments,
opens the engine like the other headless commands (DEW_HOME / DEW_DATABASE_URL /
DEW_PASSPHRASE), and draws a progress bar on stderr (rich, which comes with Textual).
Exit codes: 0 done, 1 refused (the code and message on stderr), 2 usage.
"""
from __future__ import annotations

import sys
from typing import Any

import click

from dewtui.cli.common import EXIT_OK, EXIT_REFUSED, home_of

COMMANDS = ("encrypt-file", "decrypt-file")


def _options(fn: Any) -> Any:
    fn = click.option("-q", "--quiet", is_flag=True, help="no progress bar")(fn)
    fn = click.option("--aad", default=None, help="associated data (text) the file is bound to; "
                                                  "needed again to decrypt")(fn)
    return fn


@click.command("encrypt-file", help="Encrypt SRC into DST under a fresh data key from KEY "
                                    "(create-datakey); DST holds the encrypted data key too.",
               short_help="encrypt a file of any size under a KMS key (envelope)")
@click.argument("key", metavar="KEY")
@click.argument("src", metavar="SRC")
@click.argument("dst", metavar="DST")
@_options
@click.pass_context
def encrypt_file_command(ctx: click.Context, key: str, src: str, dst: str, aad: str | None,
                         quiet: bool) -> None:
    """KEY: the key id of an Enabled AES_256 key; SRC: the file to encrypt; DST: the
    encrypted file to write (replaced if it exists)."""
    ctx.exit(run("encrypt-file", home_of(ctx), src, dst, aad, quiet, key=key))


@click.command("decrypt-file", help="Decrypt SRC (written by encrypt-file) into DST; the key is "
                                    "named in SRC and must be Enabled (decrypt-datakey).",
               short_help="decrypt a file written by encrypt-file")
@click.argument("src", metavar="SRC")
@click.argument("dst", metavar="DST")
@_options
@click.pass_context
def decrypt_file_command(ctx: click.Context, src: str, dst: str, aad: str | None, quiet: bool) -> None:
    ctx.exit(run("decrypt-file", home_of(ctx), src, dst, aad, quiet))


def run(command: str, home: str | None, src: str, dst: str, aad: str | None, quiet: bool,
        key: str = "") -> int:
    """Run encrypt-file / decrypt-file; the exit code."""
    from engine import DewError, Engine
    from engine.envelope import decrypt_file, encrypt_file

    try:
        eng = Engine.open(home=home, source="cli", run_due=False)
    except DewError as e:
        return _refused(e)
    try:
        if eng.sealed:
            print("dewtui: the root key is passphrase-sealed: set DEW_PASSPHRASE", file=sys.stderr)
            return EXIT_REFUSED
        with _ProgressBar(command, quiet=quiet) as bar:
            if command == "encrypt-file":
                encrypt_file(eng, key, src, dst, aad=aad, progress=bar)
            else:
                decrypt_file(eng, src, dst, aad=aad, progress=bar)
        return EXIT_OK
    except DewError as e:
        return _refused(e)
    except KeyboardInterrupt:
        print("dewtui: interrupted: nothing was written", file=sys.stderr)
        return EXIT_REFUSED
    finally:
        eng.close()


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
