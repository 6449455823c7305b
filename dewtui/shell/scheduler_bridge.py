"""The scheduler inside the TUI: a `SchedulerRunner` (APScheduler) started with the app.

Due work runs in the scheduler's thread through the engine the app was opened with (run_due
acts as `system` whatever user the app acts as). After a pass that did something, the
visible screen reloads. The pass hands that to the UI with `app.call_later`, which posts a
callback message thread-safely and returns at once: `call_from_thread` would block the
scheduler thread until the UI ran it — and for ever if the app were shutting down, which
would also hang the interpreter's exit (APScheduler's pool threads are joined at exit).
Opt-in (`DewApp(scheduler=True)`, as `run_tui` does) so tests stay deterministic.
"""
from __future__ import annotations

from typing import Any

from engine.catalog import SchedulerRunner


class SchedulerBridge:
    def __init__(self, app: Any, interval: float | None = None) -> None:
        from dewtui.iam.switch import root_engine
        self.app = app
        self.runner = SchedulerRunner(root_engine(app), interval=interval, on_pass=self._on_pass)
        self.worked = 0  # passes that did something (for the header and tests)

    @classmethod
    def start(cls, app: Any, interval: float | None = None, run_now: bool = False) -> "SchedulerBridge":
        bridge = cls(app, interval)
        app._scheduler_bridge = bridge
        bridge.runner.start(run_now=run_now)
        return bridge

    @classmethod
    def of(cls, app: Any) -> "SchedulerBridge | None":
        return getattr(app, "_scheduler_bridge", None)

    @classmethod
    def stop(cls, app: Any) -> None:
        """Stop the scheduler, waiting for a running pass (it never waits on the UI)."""
        bridge = cls.of(app)
        if bridge is not None:
            bridge.runner.stop(wait=True)
            app._scheduler_bridge = None

    def _on_pass(self, report) -> None:  # scheduler thread
        if report.total or report.failed:
            self.app.call_later(self._after_pass, report)

    def _after_pass(self, report) -> None:  # UI thread
        from dewtui.iam.switch import refresh_visible
        self.worked += 1
        done = ", ".join(f"{name} {n}" for name, n in report.done.items() if n)
        self.app.log.info(f"scheduler pass: {done or 'nothing'}; failed: {report.failed or 'none'}")
        if report.failed:
            self.app.notify(f"Scheduler: {len(report.failed)} job(s) failed; see the log",
                            severity="warning", timeout=6)
        if not self.app.engine.sealed:
            refresh_visible(self.app)
