"""Writing one trace, inside the caller's transaction, chained to the one before.

chain = HMAC-SHA256(k_audit, canonical(prev, every stored field)); k_audit is derived from
the root key, so whoever edits the database without the root key cannot forge a chain.
The head (last chain value) lives in `meta`, locked for update on PostgreSQL; SQLite's
BEGIN IMMEDIATE already serialises writers.

Whatever a caller passes, what is stored is always storable on SQLite and PostgreSQL: every
text column is cut to its size with a visible marker, has no NUL or other control character
and is valid UTF-8; request and response are sanitized, bounded JSON (sanitize.py). The
chain covers the stored values, so `verify()` checks exactly what is in the database.
"""
from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from typing import Any

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


def write_trace(s: Session, db: Any, chain_key: bytes, *, trace_id: str, trace_name: str,
                resource_type: str, resource_id: str, resource_name: str, rating: str,
                code: str, domain_id: str, user: str, source: str, time: datetime,
                request: dict | None, response: dict | None, message: str = "") -> AuditTrace:
    head = s.exec(db.for_update(select(Meta).where(Meta.name == AUDIT_HEAD))).first()
    prev = head.value if head else ""
    t = AuditTrace(
        trace_id=_fit("trace_id", trace_id), trace_name=_fit("trace_name", trace_name),
        trace_type="ConsoleAction" if source == "tui" else "ApiCall",
        resource_type=_fit("resource_type", resource_type),
        resource_id=_fit("resource_id", resource_id), resource_name=_fit("resource_name", resource_name),
        trace_rating=_fit("trace_rating", rating), code=_fit("code", code),
        domain_id=_fit("domain_id", domain_id), user=_fit("user", user),
        source=_fit("source", source), time=time,
        request=to_json(request or {}), response=to_json(response or {}),
        message=_fit("message", message), prev=prev,
    )
    t.chain = chain_value(chain_key, t, prev)
    if head is None:
        s.add(Meta(name=AUDIT_HEAD, value=t.chain))
    else:
        head.value = t.chain
        s.add(head)
    s.add(t)
    return t
