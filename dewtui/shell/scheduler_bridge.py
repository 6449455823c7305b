"""The scheduler inside the TUI: a `SchedulerRunner` (APScheduler) the app starts and stops.

Due work runs in the scheduler's thread through the engine the app was opened with (run_due
acts as `system` whatever user the app acts as). After a pass that did something, the app
gets a `PassDone` message and the visible screens reload. The pass hands that to the UI with
`app.call_later`, which posts a callback message thread-safely and returns at once:
`call_from_thread` would block the scheduler thread until the UI ran it — and for ever if
the app were shutting down, which would also hang the interpreter's exit (APScheduler's pool
threads are joined at exit). Opt-in (`DewApp(scheduler=True)`, as `run_tui` does) so tests
stay deterministic.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message

from engine import Engine
from engine.catalog import DueReport, SchedulerRunner


class SchedulerBridge:
    @dataclass
    class PassDone(Message):
        """A pass did some due work (or some of it failed)."""
        report: DueReport

    def __init__(self, app: Any, engine: Engine, interval: float | None = None) -> None:
        self.app = app
        self.runner = SchedulerRunner(engine, interval=interval, on_pass=self._on_pass)
        self.worked = 0  # passes that did something (for tests)

    @classmethod
    def start(cls, app: Any, interval: float | None = None, run_now: bool = False) -> "SchedulerBridge":
        """Ask `app` to start its scheduler (the app owns it and stops it on exit)."""
        return app.start_scheduler(interval, run_now)

    @classmethod
    def of(cls, app: Any) -> "SchedulerBridge | None":
        """The app's running scheduler bridge, if any."""
        return app.scheduler_bridge

    def launch(self, run_now: bool = False) -> None:
        self.runner.start(run_now=run_now)

    def shutdown(self) -> None:
        """Stop, waiting for a running pass (it never waits on the UI)."""
        self.runner.stop(wait=True)

    def _on_pass(self, report: DueReport) -> None:  # scheduler thread
        if report.total or report.failed:
            self.app.call_later(self._after_pass, report)

    def _after_pass(self, report: DueReport) -> None:  # UI thread
        self.worked += 1
        done = ", ".join(f"{name} {n}" for name, n in report.done.items() if n)
        self.app.log.info(f"scheduler pass: {done or 'nothing'}; failed: {report.failed or 'none'}")
        if report.failed:
            self.app.notify(f"Scheduler: {len(report.failed)} job(s) failed; see the log",
                            severity="warning", timeout=6)
        self.app.post_message(self.PassDone(report))
