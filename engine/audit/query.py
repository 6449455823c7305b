"""Searching the audit trail: filters, paging and the cloud's trace JSON.

Filters become one SQL WHERE clause, so a trail of any size is filtered, counted and paged
in the database. Every query is bounded to the caller's account and to the retention
window (`audit_retention_days`): `since` earlier than the window is moved up to it, as the
cloud's trace list shows only the last seven days.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlmodel import col, select

from engine.errors import DewError
from engine.models.core import AuditTrace

RATINGS = ("normal", "warning", "incident")
TRACE_TYPES = ("ApiCall", "ConsoleAction")  # the console's "Trace Type": a UI action or an API call
SOURCES = ("tui", "api", "cli", "scheduler")  # the entry point that made the call ("Trace Source")
MAX_PAGE = 5000


@dataclass(frozen=True)
class Trace:
    """One trace as stored (request/response are sanitized JSON strings)."""

    seq: int
    trace_id: str
    trace_name: str
    trace_type: str
    trace_rating: str
    resource_type: str
    resource_id: str
    resource_name: str
    code: str
    domain_id: str
    user: str
    source: str
    time: datetime
    request: str
    response: str
    message: str
    source_ip: str = ""  # the caller's address for calls over HTTP


@dataclass(frozen=True)
class TraceFilter:
    trace_name: str | None = None
    resource_type: str | None = None
    resource_id: str | None = None
    resource_name: str | None = None
    user: str | None = None
    trace_rating: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    trace_type: str | None = None
    source: str | None = None


def bad(message: str) -> DewError:
    return DewError("CTS.0002", message, 400)


def _text(name: str, value: object) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > 255:
        raise bad(f"{name} must be text of at most 255 characters")
    return value


def _time(name: str, value: object) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise bad(f"{name} must be an aware datetime")
    return value.astimezone(timezone.utc)


def _one_of(name: str, value: object, allowed: tuple[str, ...]) -> str | None:
    """None for no filter (None or ""), else one of `allowed` exactly (CTS.0002 otherwise)."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or value not in allowed:
        shown = repr(value)[:64]
        raise bad(f"invalid {name} {shown}; one of {', '.join(allowed)}")
    return value


def make_filter(trace_name=None, resource_type=None, resource_id=None, resource_name=None,
                user=None, trace_rating=None, since=None, until=None, trace_type=None,
                source=None) -> TraceFilter:
    """Validated filters; refuses (CTS.0002) what is not a valid value."""
    f = TraceFilter(_text("trace_name", trace_name), _text("resource_type", resource_type),
                    _text("resource_id", resource_id), _text("resource_name", resource_name),
                    _text("user", user), _one_of("trace_rating", trace_rating, RATINGS),
                    _time("since", since), _time("until", until),
                    _one_of("trace_type", trace_type, TRACE_TYPES),
                    _one_of("source", source, SOURCES))
    if f.since and f.until and f.since > f.until:
        raise bad("since must not be after until")
    return f


def check_page(limit: object, offset: object) -> tuple[int, int]:
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_PAGE:
        raise bad(f"limit must be 1-{MAX_PAGE}")
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        raise bad("offset must be 0 or more")
    return limit, offset


def where(stmt: Any, f: TraceFilter, domain_id: str, now: datetime, retention_days: int) -> Any:
    """Apply the filters, the account and the retention window to `stmt`."""
    window = now - timedelta(days=retention_days)
    since = max(f.since, window) if f.since else window
    stmt = stmt.where(AuditTrace.domain_id == domain_id, AuditTrace.time >= since)
    if f.until is not None:
        stmt = stmt.where(AuditTrace.time <= f.until)
    if f.trace_name:
        stmt = stmt.where(AuditTrace.trace_name == f.trace_name)
    if f.resource_type:
        stmt = stmt.where(AuditTrace.resource_type == f.resource_type)
    if f.resource_id:
        stmt = stmt.where(AuditTrace.resource_id == f.resource_id)
    if f.resource_name:  # names: case-insensitive substring
        stmt = stmt.where(col(AuditTrace.resource_name).icontains(f.resource_name, autoescape=True))
    if f.user:
        stmt = stmt.where(AuditTrace.user == f.user)
    if f.trace_rating:
        stmt = stmt.where(AuditTrace.trace_rating == f.trace_rating)
    if f.trace_type:
        stmt = stmt.where(AuditTrace.trace_type == f.trace_type)
    if f.source:
        stmt = stmt.where(AuditTrace.source == f.source)
    return stmt


def newest_first(stmt: Any) -> Any:
    return stmt.order_by(col(AuditTrace.seq).desc())


def page(s: Any, f: TraceFilter, domain_id: str, now: datetime, retention_days: int,
         limit: int, offset: int) -> list[Trace]:
    stmt = newest_first(where(select(AuditTrace), f, domain_id, now, retention_days))
    return [to_trace(t) for t in s.exec(stmt.offset(offset).limit(limit)).all()]


def to_trace(t: AuditTrace) -> Trace:
    return Trace(seq=int(t.seq or 0), trace_id=t.trace_id, trace_name=t.trace_name,
                 trace_type=t.trace_type, trace_rating=t.trace_rating,
                 resource_type=t.resource_type, resource_id=t.resource_id,
                 resource_name=t.resource_name, code=t.code, domain_id=t.domain_id, user=t.user,
                 source=t.source, time=t.time, request=t.request, response=t.response,
                 message=t.message, source_ip=t.source_ip)


def iso_ms(t: datetime) -> str:
    t = t.astimezone(timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def _parsed(text: str) -> Any:
    try:
        return json.loads(text) if text else {}
    except ValueError:
        return text


def cloud_json(t: Trace, account_name: str = "") -> dict:
    """The trace with the cloud's (CTS) field names; request/response parsed from JSON."""
    return {
        "trace_id": t.trace_id, "trace_name": t.trace_name, "trace_rating": t.trace_rating,
        "trace_type": t.trace_type, "service_type": "DEW", "resource_type": t.resource_type,
        "resource_id": t.resource_id, "resource_name": t.resource_name, "code": t.code,
        "message": t.message,
        "user": {"name": t.user, "domain": {"id": t.domain_id, "name": account_name}},
        "domain_id": t.domain_id, "source_ip": t.source_ip or "localhost", "source": t.source,
        "time": iso_ms(t.time), "request": _parsed(t.request), "response": _parsed(t.response),
        "seq": t.seq,
    }
