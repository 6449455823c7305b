"""Typed requests and queries of the Events, Notifications and Audit areas (no Textual).

Dialogs return these through `dismiss()`; screens turn them into engine calls. The query
dataclasses hold what a list shows (filters and the page window) and build the keyword
arguments of the engine's listing calls, which filter, count and page in the database.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


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
    file: str = ""  # "" = inbox only; else also append one JSON line per notification here


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


# Time ranges of the audit filter: (label, key, how far back; None = the whole retention).
# "custom" uses the query's own `since` / `until` (either may be open).
TIME_RANGES: tuple[tuple[str, str, timedelta | None], ...] = (
    ("last hour", "1h", timedelta(hours=1)),
    ("last 24 hours", "1d", timedelta(days=1)),
    ("last 3 days", "3d", timedelta(days=3)),
    ("whole retention", "all", None),
    ("custom range", "custom", None),
)
CUSTOM_RANGE = "custom"
RANGE_DELTAS = {key: delta for _label, key, delta in TIME_RANGES}


@dataclass(frozen=True)
class TraceQuery:
    """The audit list's filters; `search_by` says whether `resource` is an id or a name."""
    trace_name: str = ""
    resource_type: str | None = None
    search_by: str = "name"  # "name" (substring) or "id" (exact)
    resource: str = ""
    user: str = ""
    trace_rating: str | None = None
    time_range: str = "all"
    since: datetime | None = None  # the custom range's ends (UTC), used when time_range is "custom"
    until: datetime | None = None
    limit: int = 30
    offset: int = 0

    def filters(self, now: datetime) -> dict:
        """Keyword filters of list_traces / count_traces / export_csv at engine time `now`."""
        kw: dict = {}
        if self.trace_name.strip():
            kw["trace_name"] = self.trace_name.strip()
        if self.resource_type:
            kw["resource_type"] = self.resource_type
        if self.resource.strip():
            kw["resource_id" if self.search_by == "id" else "resource_name"] = self.resource.strip()
        if self.user.strip():
            kw["user"] = self.user.strip()
        if self.trace_rating:
            kw["trace_rating"] = self.trace_rating
        delta = RANGE_DELTAS.get(self.time_range)
        if delta is not None:
            kw["since"] = now - delta
        elif self.time_range == CUSTOM_RANGE:
            kw.update((k, v) for k, v in (("since", self.since), ("until", self.until)) if v is not None)
        return kw

    def filtered(self) -> bool:
        return bool(self.trace_name.strip() or self.resource_type or self.resource.strip()
                    or self.user.strip() or self.trace_rating or self.time_range_filters())

    def time_range_filters(self) -> bool:
        if self.time_range == CUSTOM_RANGE:
            return self.since is not None or self.until is not None
        return self.time_range != "all"


@dataclass(frozen=True)
class ExportRequest:
    path: str


@dataclass(frozen=True)
class VerifyRequest:
    """Verify the audit chain again, against a chain head saved earlier (`seq:chain`)."""
    expected_head: str
