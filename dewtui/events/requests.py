"""Typed requests and queries of the Events and Notifications areas (no Textual).

Dialogs return these through `dismiss()`; screens turn them into engine calls. The query
dataclasses hold what a list shows (filters and the page window) and build the keyword
arguments of the engine's listing calls, which filter, count and page in the database.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EventRequest:
    """Create (editing=False) or edit an event; the engine re-checks every field."""
    name: str
    event_types: tuple[str, ...]
    state: str = "ENABLED"
    topic: str = ""
    editing: bool = False


@dataclass(frozen=True)
class TopicRequest:
    name: str
    file: bool = False  # also append one JSON line per notification to topics/<name>.jsonl


@dataclass(frozen=True)
class NotificationQuery:
    event_name: str | None = None
    event_type: str | None = None
    secret_name: str | None = None
    unread_only: bool = False
    limit: int = 30
    offset: int = 0

    def filters(self) -> dict:
        return {"event_name": self.event_name or None, "event_type": self.event_type or None,
                "secret_name": self.secret_name or None, "unread_only": self.unread_only}

    def kwargs(self) -> dict:
        return {**self.filters(), "limit": self.limit, "offset": self.offset}
