"""The due-deletion job: keys whose scheduled deletion date has passed are deleted for good.

Run by `Engine.run_due(now)` (and later the scheduler). In ONE write transaction it claims
every key in Pending deletion with `scheduled_deletion_date <= now`, deletes every row that
refers to it (material versions, tags, grants, import parameters, ... — found through the
foreign keys to `cmk`, so a table added later is covered too) and the key itself, and
writes a `deleteKey` trace per key as the `system` principal. Child rows are deleted
explicitly: SQLite's ON DELETE CASCADE depends on the connection's pragma and PostgreSQL
schemas may differ, and losing the material is the whole point of this job.

Once committed, the sealed material is gone: the key's ciphertexts can never be decrypted
again and describe gives KMS.0207. Idempotent: a second run finds nothing.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, Table, delete
from sqlmodel import Session, SQLModel, col, select

import engine.models  # noqa: F401  (every table registered, so every child table is found)
from engine.kms.states import KeyState
from engine.models.kms import Cmk


def _cmk_table() -> Table:
    return SQLModel.metadata.tables[Cmk.__tablename__]


def _child_columns() -> list[Column[Any]]:
    """Columns of every table holding a foreign key to cmk.key_id, children before parents."""
    cmk = _cmk_table()
    cols = []
    for table in reversed(SQLModel.metadata.sorted_tables):
        if table is cmk:
            continue
        for fk in table.foreign_keys:
            if fk.column.table is cmk:
                cols.append(fk.parent)
    return cols


def purge_key(s: Session, key_id: str) -> None:
    """Delete the key and every row referring to it, inside the caller's transaction."""
    for child in _child_columns():
        s.execute(delete(child.table).where(child == key_id))
    cmk = _cmk_table()
    s.execute(delete(cmk).where(cmk.c.key_id == key_id))


def _due(now: datetime) -> tuple[Any, ...]:
    """Keys pending deletion whose date has come (index ix_cmk_state_deletion)."""
    return (Cmk.key_state == KeyState.PENDING_DELETION.value,
            col(Cmk.scheduled_deletion_date).is_not(None), col(Cmk.scheduled_deletion_date) <= now)


def delete_due_keys(engine: Any, now: datetime) -> int:
    """Delete every key whose scheduled deletion date is at or before `now`. → how many."""
    ctx = engine.context
    if not engine.kms._anything_due(select(Cmk.key_id).where(*_due(now))):
        return 0
    # BEGIN IMMEDIATE: two processes never delete the same key twice
    with engine.kms._job("deleteKey", "cmk", now) as job:
        # whole rows, so their MACs are checked: a key edited into "pending deletion" in the
        # database is refused here, never destroyed
        stmt = select(Cmk).where(*_due(now)).order_by(col(Cmk.scheduled_deletion_date), col(Cmk.key_id))
        due = job.s.exec(ctx.db.for_update(stmt)).all()
        for key in due:
            key_id, when = key.key_id, key.scheduled_deletion_date
            job.trace(resource_id=key_id, resource_name=key.key_alias, domain_id=key.domain_id,
                      request={"key_id": key_id,
                               "scheduled_deletion_date": when.isoformat() if when else ""},
                      response={"key_id": key_id, "deleted": True})
            job.s.expunge(key)
            purge_key(job.s, key_id)
        return len(due)
