"""Reading one version's value in one SELECT: the secret by name, the version asked for
(`latest`: the one SYSCURRENT names), that version's stages and the KMS key that sealed it,
joined, instead of one statement each.

Rows are made into objects in the order the call checks them, so every refusal keeps the
code and the precedence it has when each row is read on its own: the secret (CSMS.0106,
then the caller's pending-deletion check), the version's stages and the version (CSMS.0002
for a malformed id, CSMS.0005), then the key, which the session then holds, so opening the
value reads it no more (its own checks, CSMS.0401, are the caller's). Each protected row is
MAC-checked as it is made (`engine.rowload.joined`, DEW.0010). On PostgreSQL the secret's
row is locked first, by a statement of its own, and the join reads after the lock is held,
as when the rows were read one by one (SQLite's BEGIN IMMEDIATE already holds the database).
"""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from engine import rowload
from engine.csms.rules import (BUILTIN_STAGES, LATEST, NO_SECRET, SYSCURRENT, bad, check_version_id,
                               no_version)
from engine.db import run
from engine.models.csms import Secret, SecretStage, SecretVersion
from engine.models.kms import Cmk

# the tables of the SELECT, in the order of its columns: (model, alias)
_TABLES: tuple[tuple[type, str], ...] = (
    (Secret, "s"), (SecretVersion, "v"), (Cmk, "k"), (SecretStage, "st"))
_SELECT = "SELECT " + ", ".join(rowload.columns(m, a) for m, a in _TABLES)


def _spans() -> list[tuple[int, int]]:
    """Where each table's columns are in a row of the SELECT: [start, end) per table."""
    spans, start = [], 0
    for model, _alias in _TABLES:
        end = start + len(getattr(model, "__table__").columns)
        spans.append((start, end))
        start = end
    return spans


_SPANS = _spans()

# the version SYSCURRENT names, its stages and its key (params: SYSCURRENT, domain, name)
_LATEST_SQL = (
    f"{_SELECT} FROM csms_secret s"
    " LEFT JOIN csms_stage cur ON cur.secret_id = s.secret_id AND cur.stage_name = ?"
    " LEFT JOIN csms_version v ON v.secret_id = s.secret_id AND v.version_id = cur.version_id"
    " LEFT JOIN cmk k ON k.key_id = v.kms_key_id"
    " LEFT JOIN csms_stage st ON st.secret_id = s.secret_id AND st.version_id = cur.version_id"
    " WHERE s.domain_id = ? AND s.name = ?")
# a named version, its stages and its key (params: version, version, domain, name)
_NAMED_SQL = (
    f"{_SELECT} FROM csms_secret s"
    " LEFT JOIN csms_version v ON v.secret_id = s.secret_id AND v.version_id = ?"
    " LEFT JOIN cmk k ON k.key_id = v.kms_key_id"
    " LEFT JOIN csms_stage st ON st.secret_id = s.secret_id AND st.version_id = ?"
    " WHERE s.domain_id = ? AND s.name = ?")
_LOCK_SQL = "SELECT secret_id FROM csms_secret WHERE domain_id = ? AND name = ? FOR UPDATE"


class VersionRead:
    """One call's read of a version: `secret` runs the SELECT and makes the secret's row;
    `version` then makes the version, its stages and its key."""

    def __init__(self, version_id: str) -> None:
        self.version_id = version_id
        self._rows: list[Any] = []
        self._secret: Secret | None = None
        self.key: Cmk | None = None  # the version's key, once `version` made it

    def secret(self, s: Session, domain_id: str, name: str, db: Any = None) -> Secret:
        """The secret's row or CSMS.0106 (`name` already checked); with `db` on PostgreSQL,
        its row locked for update before anything is read."""
        if s.autoflush:
            s.flush()  # as a query would: this transaction's own changes are seen
        if db is not None and not db.is_sqlite:
            run(s, _LOCK_SQL, (domain_id, name)).fetchall()
        if self.version_id == LATEST:
            cur = run(s, _LATEST_SQL, (SYSCURRENT, domain_id, name))
        else:
            cur = run(s, _NAMED_SQL, (self.version_id, self.version_id, domain_id, name))
        rows = cur.fetchall()
        # (one secret per name and account; were there two, the first one's rows only)
        self._rows = [r for r in rows if r[0] == rows[0][0]] if len(rows) > 1 else rows
        row = self._made(s, Secret, 0, 0) if self._rows else None
        if row is None:
            raise bad(f"secret {name} does not exist", NO_SECRET)
        self._secret = row
        return row

    def version(self, s: Session) -> tuple[SecretVersion, dict[str, tuple[str, ...]]]:
        """(the version, {its id: its stages}) or CSMS.0002 / CSMS.0005; its key row, when
        there is one, is then held by the session."""
        secret = self._secret
        assert secret is not None, "secret() first"
        staged = [st for i in range(len(self._rows)) if (st := self._made(s, SecretStage, i, 3)) is not None]
        version_id = self.version_id
        if version_id == LATEST:
            current = [st.version_id for st in staged if st.stage_name == SYSCURRENT]
            if not current:
                raise no_version(secret.name, LATEST)
            version_id = current[0]
        else:
            check_version_id(version_id)
        v = self._made(s, SecretVersion, 0, 1)
        if v is None:
            raise no_version(secret.name, version_id)
        self.key = self._made(s, Cmk, 0, 2)  # held here: the session keeps only weak references
        names = sorted((st.stage_name for st in staged), key=lambda n: (n not in BUILTIN_STAGES, n))
        return v, {v.version_id: tuple(names)}

    def _made(self, s: Session, model: type, row: int, table: int) -> Any:
        start, end = _SPANS[table]
        return rowload.joined(s, model, self._rows[row][start:end])
