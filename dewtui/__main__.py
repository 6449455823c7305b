"""The `dewtui` command: the TUI when no subcommand is given; headless commands, the HTTP
server and the CLI of every cloud operation otherwise (dewtui.cli).

Subcommands are imported only when named (dewtui.cli.lazy), so `dewtui` alone starts the
TUI without loading the server, the operation table or Click commands it does not run; with
no arguments but `--home DIR` it does not load Click at all.
A command whose module is not part of this installation is simply not listed.
"""
from __future__ import annotations

import os
import sys

COMMANDS = {
    "run-due": "dewtui.cli.headless:run_due_command",
    "scheduler": "dewtui.cli.headless:scheduler_command",
    "encrypt-file": "dewtui.cli.file_commands:encrypt_file_command",
    "decrypt-file": "dewtui.cli.file_commands:decrypt_file_command",
    "kms": "dewtui.cli.operations:kms_group",
    "csms": "dewtui.cli.operations:csms_group",
    "iam": "dewtui.cli.iam:iam_group",
    "serve": "dewtui.serve.command:serve_command",
    "init": "dewtui.shell.rootkey_init:init_command",
    "completion": "dewtui.cli.completion:completion_command",
}


SHORT_HELP = {
    "run-due": "do all due work once (for cron) and exit",
    "scheduler": "run due work on an interval in the foreground",
    "encrypt-file": "encrypt a file of any size under a KMS key (envelope)",
    "decrypt-file": "decrypt a file written by encrypt-file",
    "kms": "every KMS operation of the cloud API (keys, data keys, sign, grants, ...)",
    "csms": "every CSMS operation of the cloud API (secrets, versions, stages, events)",
    "iam": "access keys (AK/SK) for the cloud SDKs",
    "serve": "serve the engine over HTTP for the official cloud SDKs",
    "init": "make the data directory and its root key",
    "completion": "print the shell completion script (bash, zsh, fish)",
}


def run_tui(home: str | None) -> int:
    from dewtui.shell import gc_pause
    gc_pause.pause()  # while the TUI starts (dewtui.shell.gc_pause)
    try:
        from dewtui.shell.app import run_tui as run
        return run(home)
    finally:
        gc_pause.resume()


def _build_cli():
    """The `dewtui` Click group (built on first use: `dewtui` alone never needs Click)."""
    import click

    from dewtui.cli.lazy import LazyGroup

    @click.group("dewtui", cls=LazyGroup, lazy=COMMANDS, short_help=SHORT_HELP, invoke_without_command=True,
                 context_settings={"help_option_names": ["-h", "--help"]})
    @click.option("--home", metavar="DIR", default=None,
                  help="data directory (default: DEW_HOME or the platform's user data dir)")
    @click.pass_context
    def cli(ctx: click.Context, home: str | None) -> None:
        """Data Encryption Workshop in the terminal: the TUI without a command."""
        if home:  # also the default of a command's own --home (commands that only read their own)
            names = [*COMMANDS, *getattr(ctx.command, "commands", {})]
            ctx.default_map = {**(ctx.default_map or {}), **{name: {"home": home} for name in names}}
        if ctx.invoked_subcommand is None:
            ctx.exit(run_tui(home))

    return cli


def __getattr__(name: str):
    if name == "cli":  # `from dewtui.__main__ import cli`
        group = globals()["cli"] = _build_cli()
        return group
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def tui_only(argv: list[str]) -> tuple[bool, str | None]:
    """Whether `argv` only starts the TUI (nothing, or `--home DIR`), and DIR: then Click is
    not needed (nor loaded) to read it. Shell completion asks through the environment."""
    if "_DEWTUI_COMPLETE" in os.environ:
        return False, None
    if not argv:
        return True, None
    if len(argv) == 2 and argv[0] == "--home" and not argv[1].startswith("-"):
        return True, argv[1] or None
    return False, None


def main(argv: list[str] | None = None) -> int:
    """Run `dewtui` with `argv` (default: the process's); → the exit code (0 ok, 1 refused,
    2 usage)."""
    tui, home = tui_only(sys.argv[1:] if argv is None else argv)
    if tui:
        try:
            return run_tui(home)
        except KeyboardInterrupt:  # as Click says it
            print("Aborted!", file=sys.stderr)
            return 1
    try:
        (globals().get("cli") or __getattr__("cli")).main(args=argv, prog_name="dewtui", standalone_mode=True)
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
