"""Writing one trace, inside the caller's transaction, chained to the one before.

chain = HMAC-SHA256(k_audit, canonical(prev, every stored field)); k_audit is derived from
the root key, so whoever edits the database without the root key cannot forge a chain.
The head (last chain value) lives in `meta`, locked for update on PostgreSQL; SQLite's
BEGIN IMMEDIATE already serialises writers.
"""
from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from engine.audit.sanitize import sanitize
from engine.codec import canonical
from engine.models.core import AuditTrace, Meta

AUDIT_HEAD = "audit_head"


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
        trace_id=trace_id, trace_name=trace_name,
        trace_type="ConsoleAction" if source == "tui" else "ApiCall",
        resource_type=resource_type, resource_id=resource_id or "",
        resource_name=resource_name or "", trace_rating=rating, code=code,
        domain_id=domain_id, user=user, source=source, time=time,
        request=json.dumps(sanitize(request or {}), sort_keys=True, default=str),
        response=json.dumps(sanitize(response or {}), sort_keys=True, default=str),
        message=message, prev=prev,
    )
    t.chain = chain_value(chain_key, t, prev)
    if head is None:
        s.add(Meta(name=AUDIT_HEAD, value=t.chain))
    else:
        head.value = t.chain
        s.add(head)
    s.add(t)
    return t
