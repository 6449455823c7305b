"""Work that must not grow with the data: `run_due()` with nothing due and the key quota
check of `create_key`. Asserted through what the database is asked (statements, write
transactions, SQLite's query plans), never through time: `make bench` measures the time.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import event, insert, text

from engine import DewError, Engine, SeededRng
from engine.config import Settings
from engine.integrity import stamped
from engine.models.csms import Secret
from engine.models.kms import Cmk

BIG_TABLES = ("cmk", "csms_secret")


def fill(eng: Engine, n: int, *, rotation: bool = True) -> None:
    """`n` keys (some Disabled, half with rotation due in a year) and `n` secrets, none due."""
    domain, now = eng.principal.domain_id, eng.now()
    keys, secrets = [], []
    for i in range(n):
        keys.append(dict(
            key_id=f"{i:08x}-0000-4000-8000-{i:012x}", domain_id=domain, key_alias=f"bulk-{i:05d}",
            key_description="", key_spec="AES_256", key_usage="ENCRYPT_DECRYPT",
            key_state="2" if i % 3 else "3", origin="kms", default_key=False,
            enterprise_project_id="default", creation_date=now - timedelta(seconds=i),
            material_digest="", rotation_enabled=rotation and i % 2 == 0, rotation_interval=365,
            rotation_due=now + timedelta(days=365) if rotation and i % 2 == 0 else None,
            rotation_count=0, current_version=1))
        secrets.append(dict(
            secret_id=f"bulk-{i:08d}", domain_id=domain, name=f"bulk-{i:05d}",
            kms_key_id=keys[-1]["key_id"], update_time=now, create_time=now - timedelta(seconds=i),
            secret_type="COMMON", state="ENABLED", description="", enterprise_project_id="default",
            event_subscriptions="", auto_rotation=False, rotation_period="",
            rotation_generator="", rotation_error="", version_counter=0))
    with eng.context.db.session() as s:
        s.execute(insert(Cmk), stamped(s, Cmk, keys))
        s.execute(insert(Secret), stamped(s, Secret, secrets))


class Statements:
    """Every statement the engine's database runs while recording."""

    def __init__(self, eng: Engine) -> None:
        self.sql: list[tuple[str, object]] = []
        self.on = False
        event.listen(eng.context.db.engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn, _cursor, statement, parameters, _context, _many) -> None:
        if self.on:
            self.sql.append((statement, parameters))

    def during(self, fn) -> list[tuple[str, object]]:
        self.sql, self.on = [], True
        try:
            fn()
        finally:
            self.on = False
        return self.sql


def plans(eng: Engine, statements: list[tuple[str, object]]) -> list[str]:
    """SQLite's query plan lines of every SELECT among `statements`."""
    out = []
    with eng.context.db.engine.connect() as conn:
        for sql, params in statements:
            if sql.lstrip().upper().startswith("SELECT"):
                raw = conn.connection.dbapi_connection
                rows = raw.execute("EXPLAIN QUERY PLAN " + sql, params or ()).fetchall()
                out += [f"{r[-1]}   <- {sql[:80]}" for r in rows]
    return out


# indexes that find due work by (state, due time), or bound the quota count to one account
BOUNDED = ("ix_cmk_state_deletion", "ix_cmk_state_rotation", "ix_cmk_state_expiration",
           "ix_cmk_domain_default", "ix_csms_secret_state_delete", "ix_csms_secret_state_rotation",
           "ix_csms_secret_domain_id", "PRIMARY KEY", "sqlite_autoindex_")  # last two: unique


def unbounded_reads(lines: list[str]) -> list[str]:
    """Plan lines reading a big table other than through one of the bounded indexes: a whole
    table or index scan, or a search on a flag or state most rows share."""
    return [ln for ln in lines
            if any(ln.startswith((f"SCAN {t}", f"SEARCH {t}")) for t in BIG_TABLES)
            and not any(ix in ln.split("<-")[0]
                        for ix in BOUNDED)]


@pytest.fixture
def big(home, clock):
    e = Engine.open(home=home, clock=clock, rng=SeededRng(3),
                    settings=replace(Settings(), key_quota=10_000, secret_quota=10_000))
    fill(e, 3000)
    e.run_due()
    yield e
    e.close()


def test_run_due_with_nothing_due_opens_no_write_transaction(big):
    seen = Statements(big).during(big.run_due)
    report = big.run_due()
    assert report.total == 0 and not report.failed
    assert [sql for sql, _ in seen if "IMMEDIATE" in sql.upper()] == []
    assert not [sql for sql, _ in seen if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    due_work_is_still_done_when_due(big)


def test_run_due_finds_due_work_through_indexes(big):
    lines = plans(big, Statements(big).during(big.run_due))
    assert lines  # the probes were seen and explained
    assert unbounded_reads(lines) == []


def due_work_is_still_done_when_due(big: Engine) -> None:
    key = big.kms.create_key("going").key_id
    big.kms.schedule_key_deletion(key, 7)
    big.csms.create_secret("soon-gone", secret_string="x")
    big.csms.schedule_secret_deletion("soon-gone", 7)
    report = big.run_due(big.now() + timedelta(days=8))
    assert report.done["delete_due_keys"] == 1
    assert report.done["delete_due_secrets"] == 1
    assert report.done["rotate_due_keys"] == 0  # rotation is due in a year, not 8 days
    with pytest.raises(DewError) as e:
        big.kms.describe_key(key)
    assert e.value.code == "KMS.0207"


def test_key_quota_check_reads_a_bounded_index_range(home, clock, tmp_path):
    quota_counts_custom_keys_only(tmp_path / "small", clock)
    e = Engine.open(home=home, clock=clock, rng=SeededRng(4),
                    settings=replace(Settings(), key_quota=3))
    fill(e, 2000, rotation=False)  # far past the quota: the count must stop at the quota
    try:
        seen = Statements(e)
        with pytest.raises(DewError) as err:
            seen.during(lambda: e.kms.create_key("one-too-many"))
        assert err.value.code == "KMS.1105"
        lines = plans(e, seen.sql)
        assert unbounded_reads(lines) == []
        counts = [sql for sql, _ in seen.sql if "count(" in sql.lower()]
        assert counts and all("LIMIT" in sql.upper() for sql in counts)
    finally:
        e.close()


def quota_counts_custom_keys_only(home, clock) -> None:
    e = Engine.open(home=home, clock=clock, rng=SeededRng(4),
                    settings=replace(Settings(), key_quota=2))
    try:
        e.kms.get_default_key("obs")  # a default key is not counted
        a = e.kms.create_key("a").key_id
        e.kms.create_key("b")
        with pytest.raises(DewError) as err:
            e.kms.create_key("c")
        assert err.value.code == "KMS.1105"
        e.kms.schedule_key_deletion(a)  # pending deletion still counts
        with pytest.raises(DewError) as err:
            e.kms.create_key("c")
        assert err.value.code == "KMS.1105"
        assert [t.code for t in e.audit.list_traces(trace_name="createKey")][:2] == ["KMS.1105", "KMS.1105"]
    finally:
        e.close()
