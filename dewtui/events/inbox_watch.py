"""The header's unread counter and the "new notification" toast, app-wide.

Notifications are written by engine calls (this app's, another process's, or `run_due`),
so the app polls the cheap `eng.events.unread_count()` every few seconds through the
bridge (a thread worker, never the event loop). The count goes into the header's
sub-title; when it grows, the newest unread records are fetched and shown as toasts, and
an open Notifications screen reloads. The first poll only sets the baseline: notifications
that arrived while the app was closed are counted, not toasted.

Hooked into the app with one call, `InboxWatch.start(app)`, once the engine is unsealed.
"""
from __future__ import annotations

from typing import Any

from dewtui.events.format import type_label

INTERVAL = 3.0  # seconds between polls
MAX_TOASTS = 3  # more new notifications than this become one summary toast


class InboxWatch:
    def __init__(self, app: Any) -> None:
        self.app = app
        self.base = str(app.sub_title)  # principal · data location, set by the app
        self.count: int | None = None

    @classmethod
    def start(cls, app: Any, interval: float = INTERVAL) -> "InboxWatch":
        watch = cls(app)
        app._inbox_watch = watch
        watch.poll()
        app.set_interval(interval, watch.poll, name="inbox-watch")
        return watch

    @classmethod
    def of(cls, app: Any) -> "InboxWatch | None":
        return getattr(app, "_inbox_watch", None)

    @classmethod
    def poke(cls, app: Any) -> None:
        """Poll now (after marking read, or in tests)."""
        watch = cls.of(app)
        if watch is not None:
            watch.poll()

    def poll(self) -> None:
        engine = self.app.engine
        if engine.sealed:
            return
        self.app.call_engine(engine.events.unread_count, label="unread count", quiet=True,
                             group="inbox-watch", exclusive=True, done=self._counted)

    def _counted(self, n: int) -> None:
        before, self.count = self.count, n
        self.app.sub_title = f"{self.base} · ✉ {n} unread" if n else self.base
        if before is not None and n > before:
            self._arrived(n - before)

    def _arrived(self, new: int) -> None:
        events = self.app.engine.events
        self.app.call_engine(lambda: events.list_notification_records(unread_only=True, limit=min(new, MAX_TOASTS)),
                             label="new notifications", quiet=True, done=lambda recs: self._toast(recs, new))
        from dewtui.events.notifications import NotificationsScreen
        screen = self.app.screen
        if isinstance(screen, NotificationsScreen):
            screen.reload()

    def _toast(self, records, new: int) -> None:
        if new > MAX_TOASTS:
            self.app.notify(f"{new} new notifications: see the Notifications area (4)",
                            title="Notifications", timeout=6)
            return
        for r in reversed(records):  # oldest first, so the newest toast is on top
            self.app.notify(f"{type_label(r.trigger_event_type)}: {r.secret_name} {r.version_id}".rstrip()
                            + f"  (event {r.event_name})", title="New notification",
                            severity="warning" if r.level == "warning" else "information", timeout=6)
