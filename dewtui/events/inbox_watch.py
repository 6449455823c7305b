"""The header's unread counter and the "new notification" toast, app-wide.

Notifications are written by engine calls (this app's, another process's, or `run_due`),
so the app's watcher polls the cheap `eng.events.unread_count()` every few seconds through
the bridge (a thread worker, never the event loop). Each count goes to the app as a
`Counted` message (the app keeps `unread` and shows it in the header); when it grows, the
newest unread records are fetched and shown as toasts. The first poll only sets the
baseline: notifications that arrived while the app was closed are counted, not toasted.

The app owns one watcher: it starts it once the engine is unsealed, restarts it when the
acting user changes and stops it on exit.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message
from textual.timer import Timer

from dewtui.events.format import type_label

INTERVAL = 3.0  # seconds between polls
MAX_TOASTS = 3  # more new notifications than this become one summary toast


class InboxWatch:
    @dataclass
    class Counted(Message):
        """A fresh count of unread notifications, for the app's header."""
        unread: int

    def __init__(self, app: Any, interval: float = INTERVAL) -> None:
        self.app = app
        self.interval = interval
        self.count: int | None = None  # the last count; None until the first poll (the baseline)
        self.timer: Timer | None = None

    def start(self) -> None:
        self.stop()
        self.poll()
        self.timer = self.app.set_interval(self.interval, self.poll, name="inbox-watch")

    def stop(self) -> None:
        if self.timer is not None:
            self.timer.stop()
            self.timer = None

    def restart(self) -> None:
        """Count again from a new baseline (another user acts now)."""
        self.count = None
        self.poll()

    @classmethod
    def poke(cls, app: Any) -> None:
        """Poll now, without waiting for the interval (after marking read, or in tests)."""
        app.inbox_watch.poll()

    def poll(self) -> None:
        engine = self.app.engine
        if engine.sealed:
            return
        self.app.call_engine(engine.events.unread_count, label="unread count", quiet=True,
                             group="inbox-watch", exclusive=True, done=self._counted)

    def _counted(self, n: int) -> None:
        before, self.count = self.count, n
        self.app.post_message(self.Counted(n))
        if before is not None and n > before:
            self._arrived(n - before)

    def _arrived(self, new: int) -> None:
        events = self.app.engine.events
        self.app.call_engine(lambda: events.list_notification_records(unread_only=True, limit=min(new, MAX_TOASTS)),
                             label="new notifications", quiet=True, done=lambda recs: self._toast(recs, new))

    def _toast(self, records, new: int) -> None:
        if new > MAX_TOASTS:
            self.app.notify(f"{new} new notifications: see the Notifications area (4)",
                            title="Notifications", timeout=6)
            return
        for r in reversed(records):  # oldest first, so the newest toast is on top
            self.app.notify(f"{type_label(r.trigger_event_type)}: {r.secret_name} {r.version_id}".rstrip()
                            + f"  (event {r.event_name})", title="New notification",
                            severity="warning" if r.level == "warning" else "information", timeout=6)
