"""Writing one trace, inside the caller's transaction, chained to the one before.

chain = HMAC-SHA256(k_audit, canonical(prev, every stored field)); k_audit is derived from
the root key, so whoever edits the database without the root key cannot forge a chain.
The head (last chain value) lives in `meta`. Each database remembers the head it last wrote
(`_HEADS`); a trace is chained to it and the head moved with one compare-and-set
`UPDATE meta ... WHERE value = <remembered head>`, which also takes the row lock on
PostgreSQL (SQLite's BEGIN IMMEDIATE already serialises writers). When another process
(or a rolled-back transaction) moved the head, the update matches nothing: the head is then
read under the lock and the trace chained to it. The trace row is one Core INSERT on the
session's connection: the hot path pays no ORM unit of work for it.

Whatever a caller passes, what is stored is always storable on SQLite and PostgreSQL: every
text column is cut to its size with a visible marker, has no NUL or other control character
and is valid UTF-8; request and response are sanitized, bounded JSON (sanitize.py). The
chain covers the stored values, so `verify()` checks exactly what is in the database.
"""
from __future__ import annotations

import hashlib
import hmac
import weakref
from dataclasses import dataclass, fields
from datetime import datetime, timezone
from typing import Any

from sqlmodel import Session

from engine.audit.sanitize import bounded_text, to_json
from engine.codec import canonical
from engine.db import run
from engine.models.core import AuditTrace

AUDIT_HEAD = "audit_head"
MAX_MESSAGE = 1024  # characters of a trace's message (an error message may quote the input)


def _column_size(name: str) -> int:
    length = getattr(AuditTrace.__table__.c[name].type, "length", None)  # type: ignore[attr-defined]
    return int(length) if length else MAX_MESSAGE


SIZES = {name: _column_size(name) for name in (
    "trace_id", "trace_name", "trace_type", "resource_type", "resource_id", "resource_name",
    "trace_rating", "code", "domain_id", "user", "source", "source_ip", "message")}


def _fit(name: str, value: Any) -> str:
    return bounded_text(value, SIZES[name])


def trace_digest_input(t: Any, prev: str) -> bytes:
    """What the chain authenticates: every stored field; the caller's address only when there
    is one, so traces written before the column existed (and local calls) verify unchanged."""
    fields = (prev, t.trace_id, t.trace_name, t.trace_type, t.resource_type,
              t.resource_id, t.resource_name, t.trace_rating, t.code, t.domain_id,
              t.user, t.source, t.time.isoformat(), t.request, t.response, t.message)
    ip = getattr(t, "source_ip", "") or ""
    return canonical(*fields, "source_ip", ip) if ip else canonical(*fields)


def chain_value(key: bytes, t: Any, prev: str) -> str:
    return hmac.new(key, trace_digest_input(t, prev), hashlib.sha256).hexdigest()


@dataclass(slots=True)
class TraceRow:
    """The values of one trace as written (the stored row has them too, plus its `seq`)."""

    trace_id: str
    trace_name: str
    trace_type: str
    resource_type: str
    resource_id: str
    resource_name: str
    trace_rating: str
    code: str
    domain_id: str
    user: str
    source: str
    source_ip: str
    time: datetime
    request: str
    response: str
    message: str
    prev: str = ""
    chain: str = ""


_COLUMNS = tuple(f.name for f in fields(TraceRow))
_INSERT = (f"INSERT INTO audit_trace ({', '.join(f'{chr(34)}{c}{chr(34)}' for c in _COLUMNS)}) "
           f"VALUES ({', '.join('?' for _ in _COLUMNS)})")
_MOVE_HEAD = "UPDATE meta SET value = ? WHERE name = 'audit_head' AND value = ?"
_HEADS: "weakref.WeakKeyDictionary[Any, str]" = weakref.WeakKeyDictionary()  # db -> head it last wrote (a hint, checked)


def _move_head(s: Session, prev: str, new: str) -> bool:
    """Move the head from `prev` to `new` if it still is `prev` (the row locked either way)."""
    return bool(run(s, _MOVE_HEAD, (new, prev)).rowcount)


def _read_head(s: Session, db: Any) -> str | None:
    """The stored head, locked for update on PostgreSQL; None before the first trace."""
    lock = "" if db.is_sqlite else " FOR UPDATE"
    row = run(s, f"SELECT value FROM meta WHERE name = 'audit_head'{lock}").fetchone()
    return None if row is None else str(row[0])


def _stored_time(db: Any, time: datetime) -> Any:
    """The time as the `UTCDateTime` column stores it (naive UTC; SQLite: its text form)."""
    naive = time.astimezone(timezone.utc).replace(tzinfo=None)
    return naive.strftime("%Y-%m-%d %H:%M:%S.%f") if db.is_sqlite else naive


def write_trace(s: Session, db: Any, chain_key: bytes, *, trace_id: str, trace_name: str,
                resource_type: str, resource_id: str, resource_name: str, rating: str,
                code: str, domain_id: str, user: str, source: str, time: datetime,
                request: dict | None, response: dict | None, message: str = "",
                source_ip: str = "") -> TraceRow:
    t = TraceRow(
        trace_id=_fit("trace_id", trace_id), trace_name=_fit("trace_name", trace_name),
        trace_type="ConsoleAction" if source == "tui" else "ApiCall",
        resource_type=_fit("resource_type", resource_type),
        resource_id=_fit("resource_id", resource_id), resource_name=_fit("resource_name", resource_name),
        trace_rating=_fit("trace_rating", rating), code=_fit("code", code),
        domain_id=_fit("domain_id", domain_id), user=_fit("user", user),
        source=_fit("source", source), source_ip=_fit("source_ip", source_ip),
        time=time.astimezone(timezone.utc),
        request=to_json(request or {}), response=to_json(response or {}),
        message=_fit("message", message),
    )
    hint = _HEADS.get(db)
    if hint is not None:
        t.prev = hint
        t.chain = chain_value(chain_key, t, hint)
    if hint is None or not _move_head(s, hint, t.chain):
        stored = _read_head(s, db)
        t.prev = stored or ""
        t.chain = chain_value(chain_key, t, t.prev)
        if stored is None:
            run(s, "INSERT INTO meta (name, value) VALUES ('audit_head', ?)", (t.chain,))
        else:
            _move_head(s, stored, t.chain)
    values = [getattr(t, c) for c in _COLUMNS]
    values[_COLUMNS.index("time")] = _stored_time(db, t.time)
    run(s, _INSERT, values)
    _HEADS[db] = t.chain
    return t
