"""Due work of the audit service, run by `Engine.run_due(now)`.

Each job is a plain, idempotent function `job(engine, now)` that claims its rows in one
write transaction, so two processes running it at once never do the same work twice.

`prune_traces` removes traces older than `audit_retention_days`, always a prefix of the
chain in `seq` order (a trace is kept while an older-`seq` one is still within retention,
and the newest trace is always kept so `seq` keeps growing). The chain value of the last
removed trace becomes the anchor in `meta`, MAC'd and written in the same transaction, so
`verify()` can tell pruning from tampering.

Nothing is due while the oldest trace is within retention: that is read first, through the
primary key, in a read transaction; the write transaction (and the walk from the oldest
trace to the first one still kept) happens only when there is something to prune.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func
from sqlmodel import col, select

from engine.audit.verify import AUDIT_ANCHOR, anchor_value
from engine.audit.writer import AUDIT_HEAD
from engine.models.core import AuditTrace, Meta


def prune_traces(engine, now: datetime) -> int:
    ctx = engine.context
    cutoff = now - timedelta(days=ctx.settings.audit_retention_days)
    with ctx.db.session(write=False) as s:
        oldest = s.exec(select(AuditTrace.time).order_by(col(AuditTrace.seq)).limit(1)).first()
    if oldest is None or oldest >= cutoff:
        return 0
    key = ctx.hsm.derive("audit-chain")
    with ctx.db.session() as s:
        # lock the head row as writers do, so pruning and writing never interleave
        s.exec(ctx.db.for_update(select(Meta).where(Meta.name == AUDIT_HEAD))).first()
        newest = s.exec(select(func.max(AuditTrace.seq))).one()
        if newest is None:
            return 0
        # the first trace still within retention, walking from the oldest (seq order)
        first_recent = s.exec(select(AuditTrace.seq).where(col(AuditTrace.time) >= cutoff)
                              .order_by(col(AuditTrace.seq)).limit(1)).first()
        upto = min(newest - 1, first_recent - 1 if first_recent is not None else newest)
        last = s.exec(select(AuditTrace).where(AuditTrace.seq <= upto)
                      .order_by(col(AuditTrace.seq).desc()).limit(1)).first()
        if last is None:
            return 0
        n = s.exec(delete(AuditTrace).where(AuditTrace.seq <= last.seq)).rowcount
        anchor = s.get(Meta, AUDIT_ANCHOR) or Meta(name=AUDIT_ANCHOR)
        anchor.value = anchor_value(key, int(last.seq or 0), last.chain)
        s.add(anchor)
        return int(n or 0)


DUE_JOBS: tuple = (prune_traces,)
