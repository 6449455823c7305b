"""The live scheduler: APScheduler calling `engine.run_due()` on an interval.

All due times live in the database and `run_due` is idempotent, so this wrapper only
decides *when* a pass happens; what is due is always read from the database. Passes
never overlap (one APScheduler instance at a time, plus a lock for the optional immediate
pass), and missed intervals are coalesced into one pass. The immediate pass (`run_now`) runs
in a thread of its own, not as a one-off APScheduler job: APScheduler removes such a job
after submitting it, and a shutdown coming in between (quitting at once) makes that removal
raise in the scheduler's thread. The optional `on_pass(report)` callback runs in the
scheduler's thread after each pass (the TUI hands it to its own thread with
`call_from_thread`).
"""
from __future__ import annotations

import logging
import threading
from typing import Any, Callable

from apscheduler.schedulers.background import BackgroundScheduler

from engine.scheduler.jobs import DueReport

log = logging.getLogger("engine.scheduler")
JOB_ID = "dew-run-due"


class SchedulerRunner:
    """Runs `engine.run_due()` every `interval` seconds in a background thread."""

    def __init__(self, engine: Any, interval: float | None = None,
                 on_pass: Callable[[DueReport], None] | None = None) -> None:
        self.engine = engine
        self.interval = float(interval if interval is not None
                              else engine.settings.scheduler_interval_seconds)
        if self.interval <= 0:
            raise ValueError("the scheduler interval must be positive")
        self.on_pass = on_pass
        self.passes = 0
        self.last_report: DueReport | None = None
        self.last_error: str = ""
        self._pass_lock = threading.Lock()
        self._scheduler = BackgroundScheduler(timezone="UTC", daemon=True)
        self._now_pass: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return bool(self._scheduler.running)

    def start(self, run_now: bool = False) -> None:
        """Start the interval; `run_now` also runs one pass at once (in the background)."""
        if self.running:
            return
        self._scheduler.add_job(self.run_once, "interval", seconds=self.interval, id=JOB_ID,
                                coalesce=True, max_instances=1, replace_existing=True,
                                misfire_grace_time=None)
        self._scheduler.start()
        if run_now:
            self._now_pass = threading.Thread(target=self.run_once, name=JOB_ID + "-now", daemon=True)
            self._now_pass.start()

    def stop(self, wait: bool = True) -> None:
        """Stop the interval; with `wait`, also until a pass under way (the immediate one too)
        has finished."""
        if self.running:
            self._scheduler.shutdown(wait=wait)
        now_pass, self._now_pass = self._now_pass, None
        if wait and now_pass is not None and now_pass is not threading.current_thread():
            now_pass.join()

    def run_once(self) -> DueReport | None:
        """One pass now; skipped (None) while another pass of this runner is running."""
        if not self._pass_lock.acquire(blocking=False):
            return None
        try:
            try:
                report = self.engine.run_due()
            except Exception as e:  # keep the scheduler alive; the next pass retries
                self.last_error = f"{type(e).__name__}: {getattr(e, 'message', e)}"
                log.exception("scheduler pass failed")
                return None
            self.passes += 1
            self.last_report, self.last_error = report, ""
            if self.on_pass is not None:
                try:
                    self.on_pass(report)
                except Exception:
                    log.exception("scheduler on_pass callback failed")
            return report
        finally:
            self._pass_lock.release()

    def __enter__(self) -> "SchedulerRunner":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
