"""Whether opening a SQLite database can skip bringing its schema up to the models.

Opening a database runs `create_all` and the upgrade (`engine.db`), which read back every
table's columns and indexes one PRAGMA at a time (~10 ms warm, ~30 ms in a new process):
most of an open, paid by every launch of the TUI and every test. The result is the same
whenever neither the models nor the file's schema moved since the last full check, so
that check leaves a mark in `meta`: a digest of the models' tables, columns and indexes
together with the file's own schema as `sqlite_master` records it (its CREATE statements,
which SQLite rewrites on every ALTER). An open whose models and file still give that digest,
and whose meta rows the check writes are all there, skips it; any difference (a new index
in the models, a column dropped from the file, a deleted marker row, another engine version)
runs the full check, which refuses what it refuses today and writes the mark again.

PostgreSQL always runs the full check: its catalog is not one cheap read.
"""
from __future__ import annotations

import hashlib
from typing import Any

from sqlmodel import SQLModel

SCHEMA_STATE = "schema_state"  # meta row: the digest of the last full check
_FILE_SCHEMA = ("SELECT type, name, tbl_name, sql FROM sqlite_master "
                "WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite!_%' ESCAPE '!' ORDER BY type, name")
_models: str | None = None


def _models_digest() -> str:
    """What the full check brings a file to: every model table, column and index, the
    columns added since a table's first release and the MAC-protected tables (once per
    process: the models do not change while it runs)."""
    global _models
    if _models is None:
        import engine.models  # noqa: F401  (registers every table)
        from engine.db import ADDED_COLUMNS
        from engine.integrity import BOUND

        parts = []
        for table in SQLModel.metadata.sorted_tables:
            parts.append(f"T {table.name} {','.join(c.name for c in table.columns)}")
            for index in sorted(table.indexes, key=lambda ix: str(ix.name)):
                parts.append(f"I {index.name} {bool(index.unique)} {','.join(c.name for c in index.columns)}")
        parts.append(f"A {sorted(ADDED_COLUMNS.items())}")
        parts.append(f"B {sorted(m.__table__.name for m in BOUND)}")  # type: ignore[attr-defined]
        _models = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return _models


def _digest(conn: Any) -> str:
    rows = conn.exec_driver_sql(_FILE_SCHEMA).all()
    return hashlib.sha256(f"{_models_digest()}\n{[tuple(r) for r in rows]!r}".encode()).hexdigest()


def unchanged(engine: Any, needed_rows: tuple[str, ...]) -> bool:
    """True when the database at `engine` (SQLite) was fully checked against these models,
    nothing in its schema moved since, and the meta rows `needed_rows` (those the full check
    writes when missing) are all there: the full check would change nothing."""
    if engine.dialect.name != "sqlite":
        return False
    with engine.connect() as conn:
        if conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").first() is None:
            return False
        names = (SCHEMA_STATE, *needed_rows)
        marks = ", ".join("?" for _ in names)
        rows = dict(conn.exec_driver_sql(f"SELECT name, value FROM meta WHERE name IN ({marks})", names).all())
        return set(rows) == set(names) and rows[SCHEMA_STATE] == _digest(conn)


def remember(conn: Any) -> None:
    """Mark the schema just fully checked (SQLite), in the caller's write transaction."""
    if conn.dialect.name != "sqlite":
        return
    digest = _digest(conn)
    if conn.exec_driver_sql("UPDATE meta SET value = ? WHERE name = ?", (digest, SCHEMA_STATE)).rowcount == 0:
        conn.exec_driver_sql("INSERT INTO meta (name, value) VALUES (?, ?)", (SCHEMA_STATE, digest))
