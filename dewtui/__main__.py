"""The `dewtui` command: the TUI by default; `run-due` and `scheduler` for headless machines."""
from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dewtui", description="Data Encryption Workshop in the terminal")
    parser.add_argument("--home", help="data directory (default: DEW_HOME or the platform's user data dir)")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run-due", help="do all due work once (for cron) and exit")
    sched = sub.add_parser("scheduler", help="run due work on an interval in the foreground")
    sched.add_argument("--interval", type=float, default=60.0, help="seconds between passes")
    from dewtui.file_commands import add_file_commands
    add_file_commands(sub)  # encrypt-file, decrypt-file
    args = parser.parse_args(argv)
    if getattr(args, "file_command", None):
        return args.file_command(args)
    if args.command == "run-due":
        from dewtui.cli import run_due_once
        return run_due_once(args.home)
    if args.command == "scheduler":
        from dewtui.cli import run_scheduler
        return run_scheduler(args.home, args.interval)
    from dewtui.shell.app import run_tui
    return run_tui(args.home)


if __name__ == "__main__":
    sys.exit(main())
