"""Opening a database skips bringing its schema up to the models only when the full check
would change nothing (engine.schema_state): a new index, a dropped column, a deleted marker
row or other models all run it again, and what it refuses is still refused."""
from __future__ import annotations

import itertools
import sqlite3

import pytest

from engine import DewError, Engine, SeededRng
from engine import schema_state
from engine.db import Database
from engine.integrity import INTEGRITY_CODE, MARKER

_seeds = itertools.count(400)


def _open(home, clock) -> Engine:
    return Engine.open(home=home, clock=clock, rng=SeededRng(next(_seeds)), run_due=False)


def _sql(home, *statements: str) -> list[tuple]:
    con = sqlite3.connect(home / "dew.db")
    try:
        out: list[tuple] = []
        for sql in statements:
            out = con.execute(sql).fetchall()
        con.commit()
        return out
    finally:
        con.close()


@pytest.fixture
def full_checks(monkeypatch):
    """How many opens ran the full schema check (`Database.create_all`)."""
    calls = []
    real = Database.create_all

    def counted(self):
        calls.append(self)
        return real(self)

    monkeypatch.setattr(Database, "create_all", counted)
    return calls


def test_reopening_an_unchanged_database_skips_the_full_check(home, clock, full_checks):
    eng = _open(home, clock)
    key = eng.kms.create_key("kept").key_id
    eng.close()
    assert len(full_checks) == 1  # a new database: checked, and marked
    for _ in range(2):
        eng = _open(home, clock)
        assert eng.kms.describe_key(key).key_alias == "kept"
        assert eng.audit.verify().ok
        eng.close()
    assert len(full_checks) == 1


def test_a_missing_index_is_made_again(home, clock, full_checks):
    _open(home, clock).close()
    _sql(home, "DROP INDEX ix_cmk_domain_state_alias")
    _open(home, clock).close()
    assert len(full_checks) == 2
    assert _sql(home, "SELECT name FROM sqlite_master WHERE name = 'ix_cmk_domain_state_alias'") == [
        ("ix_cmk_domain_state_alias",)]
    _open(home, clock).close()  # and marked again: the next open skips it
    assert len(full_checks) == 2


def test_a_dropped_mac_column_is_still_refused(home, clock):
    _open(home, clock).close()
    _sql(home, "ALTER TABLE cmk DROP COLUMN mac")
    with pytest.raises(DewError) as ei:
        _open(home, clock)
    assert ei.value.code == INTEGRITY_CODE and "cmk" in ei.value.message


@pytest.mark.parametrize("row", [schema_state.SCHEMA_STATE, MARKER, "iam_generation"])
def test_a_deleted_meta_row_runs_the_full_check(home, clock, full_checks, row):
    _open(home, clock).close()
    _sql(home, f"DELETE FROM meta WHERE name = '{row}'")
    _open(home, clock).close()
    assert len(full_checks) == 2
    assert _sql(home, f"SELECT count(*) FROM meta WHERE name = '{row}'") == [(1,)]


def test_other_models_run_the_full_check(home, clock, full_checks, monkeypatch):
    _open(home, clock).close()
    monkeypatch.setattr(schema_state, "_models", "the digest of other models")
    _open(home, clock).close()
    assert len(full_checks) == 2
