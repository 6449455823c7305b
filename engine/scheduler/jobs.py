"""Every due job of every service, in the order `Engine.run_due(now)` runs them.

Due times live in the database; a job is `job(engine, now) -> int` (how many items it
handled), idempotent, claiming its rows in one transaction. A failing job does not stop
the others; its error is logged and reported in the result.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable

from engine.audit import jobs as audit_jobs
from engine.csms import jobs as csms_jobs
from engine.events import jobs as events_jobs
from engine.kms import jobs as kms_jobs

log = logging.getLogger("engine.scheduler")


def all_jobs() -> list[Callable[[Any, datetime], int]]:
    return [*kms_jobs.DUE_JOBS, *csms_jobs.DUE_JOBS, *events_jobs.DUE_JOBS, *audit_jobs.DUE_JOBS]


@dataclass
class DueReport:
    now: datetime
    done: dict[str, int] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.done.values())


def run_due(engine: Any, now: datetime) -> DueReport:
    report = DueReport(now)
    for job in all_jobs():
        try:
            report.done[job.__name__] = int(job(engine, now) or 0)
        except Exception as e:  # one job's fault must not starve the others
            log.exception("due job %s failed", job.__name__)
            report.failed[job.__name__] = f"{type(e).__name__}: {getattr(e, 'message', e)}"
    return report
