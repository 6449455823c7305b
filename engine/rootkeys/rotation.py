"""Root key rotation's database part: everything under the old root, under the new one, in
the caller's single write transaction.

In order: every protected row is loaded (its MAC checked under the old row key); every
column of `registry.SEALED` is opened with the old root and sealed with the new one (same
associated data); the rows of `registry.DROPPED` are deleted; the protected rows are
stamped again under the new row key; the audit trail is re-chained (rechain.py); the
carried sub-keys are sealed under the new root; and the database's fingerprint becomes the
new root's. Nothing is committed here: the caller commits, and only then replaces the key
file. `checkpoint(name)` marks the steps (tests stop a process there).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import SQLModel, Session, select
from sqlmodel.main import default_registry

from engine import integrity
from engine.db import ROW_MAC_INFO
from engine.facade import FINGERPRINT
from engine.hsm.seal import Hsm
from engine.models.core import Meta
from engine.models.kms import Cmk
from engine.rootkeys.carried import store_carried
from engine.rootkeys.rechain import rechain_trail
from engine.rootkeys.registry import CARRIED, DROPPED, SEALED, SealedColumn

AUDIT_PURPOSE = "audit-chain"


def checkpoint(name: str) -> None:
    """A named step of rotation (no-op; tests replace it to fail or stop there)."""


@dataclass(frozen=True)
class RotationCounts:
    resealed: int  # sealed values re-sealed (materials, secrets of webhooks, generators, ...)
    restamped: int  # protected rows MACed again
    traces: int  # audit traces re-chained
    dropped: int  # rows dropped (import tokens)


def model_of(table: str) -> Any | None:
    """The ORM class of a table of this build, or None when it does not exist."""
    if table not in SQLModel.metadata.tables:
        return None
    for mapper in default_registry.mappers:
        if getattr(mapper.local_table, "name", None) == table:
            return mapper.class_
    return None


def _reseal_column(s: Session, entry: SealedColumn, old: Hsm, new: Hsm, specs: dict[str, str]) -> int:
    model = model_of(entry.table)
    if model is None:
        return 0
    n = 0
    for row in s.exec(select(model)).all():
        value = getattr(row, entry.column)
        if not value:
            continue
        aad = entry.aad(row, specs)
        blob = bytes.fromhex(value) if entry.hex_text else value
        sealed = new.seal(old.open(blob, *aad), *aad)
        setattr(row, entry.column, sealed.hex() if entry.hex_text else sealed)
        s.add(row)
        n += 1
    return n


def _protected_rows(s: Session) -> list[Any]:
    rows: list[Any] = []
    for model in integrity.BOUND:
        rows.extend(s.exec(select(model)).all())
    return rows


def reseal_database(s: Session, old: Hsm, new: Hsm) -> RotationCounts:
    """Move everything in the database from the `old` root to the `new` one (not committed)."""
    protected = _protected_rows(s)  # loaded, so checked, under the old row key
    specs = {k.key_id: k.key_spec for k in protected if isinstance(k, Cmk)}
    resealed = 0
    for entry in SEALED:
        resealed += _reseal_column(s, entry, old, new, specs)
        checkpoint(f"resealed {entry.table}.{entry.column}")
    dropped = 0
    for table, _column in DROPPED:
        model = model_of(table)
        if model is not None:
            dropped += int(s.connection().execute(delete(model.__table__)).rowcount or 0)
    s.flush()
    s.info[ROW_MAC_INFO] = integrity.keyed_state(new.derive(integrity.PURPOSE))
    for row in protected:
        flag_modified(row, "mac")
    s.flush()  # before_update stamps each row under the new row key
    checkpoint("restamped")
    traces = rechain_trail(s, old.derive(AUDIT_PURPOSE), new.derive(AUDIT_PURPOSE))
    checkpoint("rechained")
    store_carried(s, new, {p: old.derive(p) for p in CARRIED})
    fp = s.get(Meta, FINGERPRINT)
    assert fp is not None
    fp.value = new.fingerprint()
    s.add(fp)
    s.flush()
    return RotationCounts(resealed, len(protected), traces, dropped)
