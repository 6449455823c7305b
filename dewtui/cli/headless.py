"""Headless commands: `dewtui run-due` (one pass, for cron) and `dewtui scheduler`
(passes on an interval in the foreground until Ctrl-C), for machines without a UI open.

Both open the engine like the TUI does (DEW_HOME / DEW_DATABASE_URL / DEW_PASSPHRASE), so
they work on the same data as a running TUI; the engine makes concurrent passes safe.
"""
from __future__ import annotations

import signal
import sys
import threading

import click

from dewtui.cli.common import home_of
from engine import DewError, Engine
from engine.catalog import DueReport


def summary(report: DueReport) -> str:
    """One line: when, how much was done, by which job, and any failures."""
    done = ", ".join(f"{name}={n}" for name, n in report.done.items() if n) or "nothing due"
    line = f"run-due at {report.now.isoformat(timespec='seconds')}: {report.total} done ({done})"
    if report.failed:
        line += "; FAILED: " + ", ".join(f"{name} ({err})" for name, err in report.failed.items())
    return line


def _open(home: str | None) -> Engine | None:
    try:
        eng = Engine.open(home=home, source="cli", run_due=False)
    except DewError as e:
        print(f"dewtui: {e.code}: {e.message}", file=sys.stderr)
        return None
    if eng.sealed:
        print("dewtui: the root key is passphrase-sealed: set DEW_PASSPHRASE", file=sys.stderr)
        eng.close()
        return None
    return eng


def run_due_once(home: str | None) -> int:
    """Do all due work once; exit 0 (1 when a job failed, 2 when the engine cannot open)."""
    eng = _open(home)
    if eng is None:
        return 2
    try:
        report = eng.run_due()
        print(summary(report), flush=True)
        return 1 if report.failed else 0
    finally:
        eng.close()


def run_scheduler(home: str | None, interval: float) -> int:
    """Run due work now and every `interval` seconds until Ctrl-C (or SIGTERM)."""
    from engine.catalog import SchedulerRunner

    eng = _open(home)
    if eng is None:
        return 2
    stop = threading.Event()
    runner = SchedulerRunner(eng, interval, on_pass=lambda r: print(summary(r), flush=True))
    previous = signal.getsignal(signal.SIGTERM)
    try:
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    except ValueError:  # not the main thread: Ctrl-C only
        previous = None
    from sqlalchemy.engine import make_url
    where = make_url(eng.database_url).render_as_string(hide_password=True)
    print(f"dewtui scheduler: a pass every {interval:g} s on {where}; Ctrl-C to stop", flush=True)
    try:
        runner.start(run_now=True)
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        runner.stop()
        eng.close()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    print("dewtui scheduler: stopped", flush=True)
    return 0


# --- as `dewtui` subcommands --------------------------------------------------------------
@click.command("run-due")
@click.pass_context
def run_due_command(ctx: click.Context) -> None:
    """Do all due work once (for cron) and exit: 0 done, 1 a job failed, 2 cannot open."""
    ctx.exit(run_due_once(home_of(ctx)))


@click.command("scheduler")
@click.option("--interval", type=float, default=60.0, show_default=True, help="seconds between passes")
@click.pass_context
def scheduler_command(ctx: click.Context, interval: float) -> None:
    """Run due work on an interval in the foreground (Ctrl-C to stop)."""
    ctx.exit(run_scheduler(home_of(ctx), interval))
