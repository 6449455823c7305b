"""Injectable time: the only place the engine reads the wall clock.

`SystemClock` for real use, `FrozenClock` for tests and snapshots: a test travels seven
days with one line (`clock.advance(timedelta(days=7))`). All times are aware UTC.
"""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    """The machine's clock, in UTC."""

    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class FrozenClock:
    """A clock that moves only when told to."""

    def __init__(self, t0: datetime | None = None) -> None:
        t0 = t0 or datetime(2026, 1, 1, tzinfo=timezone.utc)
        if t0.tzinfo is None:
            t0 = t0.replace(tzinfo=timezone.utc)
        self._now = t0.astimezone(timezone.utc)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, delta: timedelta) -> datetime:
        with self._lock:
            self._now = self._now + delta
            return self._now

    def set(self, t: datetime) -> None:
        if t.tzinfo is None:
            t = t.replace(tzinfo=timezone.utc)
        with self._lock:
            self._now = t.astimezone(timezone.utc)


def utc(t: datetime | None) -> datetime | None:
    """Attach UTC to a naive datetime read back from the database."""
    if t is None:
        return None
    if t.tzinfo is None:
        return t.replace(tzinfo=timezone.utc)
    return t.astimezone(timezone.utc)
