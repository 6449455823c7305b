"""Typed requests and the list query of the Audit area (no Textual).

`TraceQuery` holds the audit list's filters and page window and builds the keyword arguments
of `list_traces` / `count_traces` / `export_csv`; the export and verify dialogs return an
`ExportRequest` and a `VerifyRequest` through `dismiss()`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


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
# The trace types and sources `list_traces` filters on (the engine's own lists; a test keeps
# them equal): a UI action or an API call, and the entry point that made the call.
TRACE_TYPES = ("ApiCall", "ConsoleAction")
SOURCES = ("tui", "api", "cli", "scheduler")
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
    trace_type: str | None = None  # "ApiCall" or "ConsoleAction"
    source: str | None = None  # "tui", "api", "cli" or "scheduler"
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
        if self.trace_type:
            kw["trace_type"] = self.trace_type
        if self.source:
            kw["source"] = self.source
        delta = RANGE_DELTAS.get(self.time_range)
        if delta is not None:
            kw["since"] = now - delta
        elif self.time_range == CUSTOM_RANGE:
            kw.update((k, v) for k, v in (("since", self.since), ("until", self.until)) if v is not None)
        return kw

    def filtered(self) -> bool:
        return bool(self.trace_name.strip() or self.resource_type or self.resource.strip()
                    or self.user.strip() or self.trace_rating or self.trace_type or self.source
                or self.time_range_filters())

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
