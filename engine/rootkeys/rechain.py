"""Re-chaining the audit trail under a new chain key (part of root key rotation).

The chain key is derived from the root key, so a new root means a new chain. The choice made
here is to re-chain rather than keep old keys: the trail is first verified under the old key
(a trail that is not intact is refused: re-chaining would launder the tampering), then every
trace's `prev`/`chain` is computed again under the new key in `seq` order, the pruning
anchor's MAC likewise, and the head in `meta` moved to the new last chain value. Afterwards
`verify()` checks the whole trail under the new key, and no old root's key remains. A head
saved before rotation (`audit.head()`) no longer matches: the rotation's response gives the
new one.
"""
from __future__ import annotations

from sqlalchemy import bindparam, update
from sqlmodel import Session, col, select

from engine.audit.verify import AUDIT_ANCHOR, anchor_value, read_anchor, verify_chain
from engine.audit.writer import AUDIT_HEAD, chain_value
from engine.errors import DewError
from engine.models.core import AuditTrace, Meta

BATCH = 1000
_TRACE = AuditTrace.__table__  # type: ignore[attr-defined]


def rechain_trail(s: Session, old_key: bytes, new_key: bytes) -> int:
    """Re-chain every trace under `new_key`; → traces re-chained. DEW.0010 if not intact."""
    result = verify_chain(s, old_key)
    if not result.ok:
        raise DewError("DEW.0010", f"the audit trail is not intact ({result.status}"
                       f"{'' if result.seq is None else f' at seq {result.seq}'}): the root key is "
                       "not rotated, so the damage stays visible", 409)
    anchor_seq, anchor_chain, _ = read_anchor(s, old_key)
    if anchor_seq or anchor_chain:
        anchor = s.get(Meta, AUDIT_ANCHOR)
        assert anchor is not None
        anchor.value = anchor_value(new_key, anchor_seq, anchor_chain)
        s.add(anchor)
    prev, last, count = anchor_chain, -1, 0
    stmt = update(_TRACE).where(_TRACE.c.seq == bindparam("b_seq")).values(
        prev=bindparam("b_prev"), chain=bindparam("b_chain"))
    while True:
        batch = s.exec(select(AuditTrace).where(col(AuditTrace.seq) > last)
                       .order_by(col(AuditTrace.seq)).limit(BATCH)).all()
        if not batch:
            break
        params = []
        for t in batch:
            chain = chain_value(new_key, t, prev)  # covers prev and the stored fields
            params.append({"b_seq": t.seq, "b_prev": prev, "b_chain": chain})
            prev = chain
            s.expunge(t)  # the rows are written by the UPDATE below, not by the ORM
        s.connection().execute(stmt, params)
        last, count = int(batch[-1].seq or 0), count + len(batch)
    head = s.get(Meta, AUDIT_HEAD)
    if head is not None and count:
        head.value = prev
        s.add(head)
    return count
