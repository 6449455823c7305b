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
from datetime import datetime
from typing import Any

from sqlalchemy import insert, update
from sqlmodel import Session, select

from engine.audit.sanitize import bounded_text, to_json
from engine.codec import canonical
from engine.models.core import AuditTrace, Meta

AUDIT_HEAD = "audit_head"
MAX_MESSAGE = 1024  # characters of a trace's message (an error message may quote the input)


def _column_size(name: str) -> int:
    length = getattr(AuditTrace.__table__.c[name].type, "length", None)  # type: ignore[attr-defined]
    return int(length) if length else MAX_MESSAGE


SIZES = {name: _column_size(name) for name in (
    "trace_id", "trace_name", "trace_type", "resource_type", "resource_id", "resource_name",
    "trace_rating", "code", "domain_id", "user", "source", "message")}


def _fit(name: str, value: Any) -> str:
    return bounded_text(value, SIZES[name])


def trace_digest_input(t: AuditTrace, prev: str) -> bytes:
    return canonical(prev, t.trace_id, t.trace_name, t.trace_type, t.resource_type,
                     t.resource_id, t.resource_name, t.trace_rating, t.code, t.domain_id,
                     t.user, t.source, t.time.isoformat(), t.request, t.response, t.message)


def chain_value(key: bytes, t: AuditTrace, prev: str) -> str:
    return hmac.new(key, trace_digest_input(t, prev), hashlib.sha256).hexdigest()


_TRACE = AuditTrace.__table__  # type: ignore[attr-defined]
_META = Meta.__table__  # type: ignore[attr-defined]
_HEADS: "weakref.WeakKeyDictionary[Any, str]" = weakref.WeakKeyDictionary()  # db -> head it last wrote (a hint, checked)


def _move_head(s: Session, db: Any, prev: str, new: str) -> bool:
    """Move the head from `prev` to `new` if it still is `prev` (the row locked either way)."""
    result = s.connection().execute(update(_META).where(_META.c.name == AUDIT_HEAD,
                                                        _META.c.value == prev).values(value=new))
    return bool(result.rowcount)


def _read_head(s: Session, db: Any) -> str | None:
    """The stored head, locked for update on PostgreSQL; None before the first trace."""
    row = s.connection().execute(db.for_update(select(_META.c.value).where(
        _META.c.name == AUDIT_HEAD))).first()
    return None if row is None else str(row[0])


def write_trace(s: Session, db: Any, chain_key: bytes, *, trace_id: str, trace_name: str,
                resource_type: str, resource_id: str, resource_name: str, rating: str,
                code: str, domain_id: str, user: str, source: str, time: datetime,
                request: dict | None, response: dict | None, message: str = "") -> AuditTrace:
    t = AuditTrace(
        trace_id=_fit("trace_id", trace_id), trace_name=_fit("trace_name", trace_name),
        trace_type="ConsoleAction" if source == "tui" else "ApiCall",
        resource_type=_fit("resource_type", resource_type),
        resource_id=_fit("resource_id", resource_id), resource_name=_fit("resource_name", resource_name),
        trace_rating=_fit("trace_rating", rating), code=_fit("code", code),
        domain_id=_fit("domain_id", domain_id), user=_fit("user", user),
        source=_fit("source", source), time=time,
        request=to_json(request or {}), response=to_json(response or {}),
        message=_fit("message", message),
    )
    hint = _HEADS.get(db)
    if hint is not None:
        t.prev = hint
        t.chain = chain_value(chain_key, t, hint)
    if hint is None or not _move_head(s, db, hint, t.chain):
        stored = _read_head(s, db)
        t.prev = stored or ""
        t.chain = chain_value(chain_key, t, t.prev)
        if stored is None:
            s.connection().execute(insert(_META).values(name=AUDIT_HEAD, value=t.chain))
        else:
            _move_head(s, db, stored, t.chain)
    row = {c.name: getattr(t, c.name) for c in _TRACE.columns if c.name != "seq"}
    s.connection().execute(insert(_TRACE).values(row))
    _HEADS[db] = t.chain
    return t
