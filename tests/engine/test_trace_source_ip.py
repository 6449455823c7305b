"""The caller's network address in the audit trail: stored per trace (calls over HTTP),
covered by the chain, shown by show_trace, exported in CSV; an older database gets the
column, and any index it lacks, when it is opened, and its traces still verify."""
from __future__ import annotations

import csv
import sqlite3

import pytest
from sqlmodel import select

from engine import DewError, Engine, SeededRng
from engine.models.core import AuditTrace

ADDRESS = "203.0.113.7"


def sql(home, *statements):
    con = sqlite3.connect(home / "dew.db")
    try:
        for statement in statements:
            con.execute(statement)
        con.commit()
    finally:
        con.close()


def indexes(home) -> set[str]:
    con = sqlite3.connect(home / "dew.db")
    try:
        return {r[1] for r in con.execute("PRAGMA index_list(audit_trace)")}
    finally:
        con.close()


def test_a_call_over_http_is_traced_with_its_address(eng, tmp_path):
    api = eng.with_source("api", client_ip=ADDRESS)
    key = api.kms.create_key("from-afar")
    t = eng.audit.list_traces(trace_name="createKey")[0]
    assert t.source_ip == ADDRESS and t.resource_id == key.key_id
    assert eng.audit.show_trace(t.trace_id)["source_ip"] == ADDRESS
    out = tmp_path / "trail.csv"
    eng.audit.export_csv(str(out))
    rows = list(csv.DictReader(out.open(newline="")))
    assert [r["source_ip"] for r in rows if r["trace_id"] == t.trace_id] == [ADDRESS]
    assert eng.audit.verify().ok


def test_a_refusal_over_http_is_traced_with_its_address(eng):
    api = eng.with_source("api", client_ip=ADDRESS)
    with pytest.raises(DewError):
        api.kms.describe_key("00000000-0000-4000-8000-000000000000")
    t = eng.audit.list_traces(trace_name="describeKey")[0]
    assert (t.trace_rating, t.source_ip) == ("warning", ADDRESS)


def test_a_local_call_has_no_address_and_shows_localhost(eng):
    eng.kms.create_key("local")
    t = eng.audit.list_traces(trace_name="createKey")[0]
    assert t.source_ip == ""
    assert eng.audit.show_trace(t.trace_id)["source_ip"] == "localhost"


def test_the_chain_covers_the_address(eng, home):
    eng.with_source("api", client_ip=ADDRESS).kms.create_key("from-afar")
    eng.kms.create_key("local")
    assert eng.audit.verify().ok
    sql(home, f"UPDATE audit_trace SET source_ip = '198.51.100.1' WHERE source_ip = '{ADDRESS}'")
    result = eng.audit.verify()
    assert not result.ok and result.problem == "altered"


def test_an_address_added_to_a_local_trace_is_caught(eng, home):
    eng.kms.create_key("local")
    sql(home, "UPDATE audit_trace SET source_ip = '198.51.100.1'")
    assert not eng.audit.verify().ok


def test_an_older_database_gets_the_column_and_its_indexes_at_open(home, clock):
    old = Engine.open(home=home, clock=clock, rng=SeededRng(3))
    old.kms.create_key("before")
    old.close()
    sql(home, "DROP INDEX ix_audit_trace_domain_seq", "ALTER TABLE audit_trace DROP COLUMN source_ip")
    assert "ix_audit_trace_domain_seq" not in indexes(home)
    eng = Engine.open(home=home, clock=clock, rng=SeededRng(4))
    try:
        assert "ix_audit_trace_domain_seq" in indexes(home)
        eng.with_source("api", client_ip=ADDRESS).kms.create_key("after")
        with eng.context.db.session(write=False) as s:
            assert {t.resource_name: t.source_ip for t in s.exec(select(AuditTrace)).all()
                    if t.trace_name == "createKey"} == {"before": "", "after": ADDRESS}
        assert eng.audit.verify().ok
    finally:
        eng.close()
