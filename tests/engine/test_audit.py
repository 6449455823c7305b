"""The audit trail: search, show, CSV export, retention and tamper evidence (verify)."""
from __future__ import annotations

import csv
import json
import os
import sqlite3
import stat
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlmodel import select

from engine import DewError, Engine, SeededRng, Settings
from engine.audit.export import MAX_ROWS, ExportResult
from engine.models.core import AuditTrace

MARKER = b"PLAINTEXT-MARKER-7f3a"


def db_file(home):
    return home / "dew.db"


def sql(home, statement, *args):
    con = sqlite3.connect(db_file(home))
    try:
        con.execute(statement, args)
        con.commit()
    finally:
        con.close()


def some_traces(eng):
    a = eng.kms.create_key("alpha")
    b = eng.kms.create_key("beta-key")
    eng.kms.disable_key(a.key_id)
    with pytest.raises(DewError):
        eng.kms.create_key("alpha")  # duplicate alias: a warning trace
    return a, b


# --- query -------------------------------------------------------------------------------
def test_list_newest_first_and_filters(eng, clock):
    a, b = some_traces(eng)
    names = [t.trace_name for t in eng.audit.list_traces()]
    assert names == ["createKey", "disableKey", "createKey", "createKey"]
    assert eng.audit.count_traces() == 4
    assert [t.resource_name for t in eng.audit.list_traces(trace_name="createKey")] == \
        ["alpha", "beta-key", "alpha"]
    assert [t.trace_name for t in eng.audit.list_traces(resource_id=a.key_id)] == ["disableKey", "createKey"]
    assert [t.resource_name for t in eng.audit.list_traces(resource_name="BETA")] == ["beta-key"]
    warn = eng.audit.list_traces(trace_rating="warning")
    assert [(t.trace_name, t.code) for t in warn] == [("createKey", "KMS.1104")]
    assert eng.audit.count_traces(resource_type="cmk", user="admin") == 4
    assert eng.audit.count_traces(user="bob") == 0
    assert eng.audit.count_traces(resource_type="csms") == 0


def test_paging_and_time_range(eng, clock):
    for i in range(5):
        eng.kms.create_key(f"k{i}")
        clock.advance(timedelta(hours=1))
    page1 = eng.audit.list_traces(limit=2)
    page2 = eng.audit.list_traces(limit=2, offset=2)
    assert [t.resource_name for t in page1 + page2] == ["k4", "k3", "k2", "k1"]
    t0 = eng.audit.list_traces(resource_name="k1")[0].time
    inside = eng.audit.list_traces(since=t0, until=t0 + timedelta(hours=1))
    assert [t.resource_name for t in inside] == ["k2", "k1"]


def test_retention_window_hides_then_prunes(eng, clock):
    eng.kms.create_key("old")
    clock.advance(timedelta(days=6))
    eng.kms.create_key("new")
    clock.advance(timedelta(days=2))  # "old" is now 8 days old
    assert [t.resource_name for t in eng.audit.list_traces(since=clock.now() - timedelta(days=30))] == ["new"]
    with db_session(eng) as s:
        assert len(s.exec(select(AuditTrace)).all()) == 2
    eng.run_due()
    with db_session(eng) as s:
        assert [t.resource_name for t in s.exec(select(AuditTrace)).all()] == ["new"]
    assert eng.audit.verify().ok
    eng.kms.create_key("after")
    assert eng.audit.verify().ok
    assert eng.run_due().done["prune_traces"] == 0


def test_retention_is_a_setting(home, clock):
    e = Engine.open(home=home, clock=clock, rng=SeededRng(1), settings=replace(Settings(), audit_retention_days=1))
    e.kms.create_key("a")
    clock.advance(timedelta(days=2))
    e.kms.create_key("b")
    assert [t.resource_name for t in e.audit.list_traces()] == ["b"]
    assert e.run_due().done["prune_traces"] == 1
    e.close()


def db_session(eng):
    return eng.context.db.session(write=False)


def test_invalid_filters_refused(eng):
    with pytest.raises(DewError) as ei:
        eng.audit.list_traces(trace_rating="bad")
    assert ei.value.code == "CTS.0002"
    with pytest.raises(DewError) as ei:
        eng.audit.list_traces(limit=0)
    assert ei.value.code == "CTS.0002"
    with pytest.raises(DewError) as ei:
        eng.audit.count_traces(since="yesterday")
    assert ei.value.code == "CTS.0002"
    with pytest.raises(DewError) as ei:
        eng.audit.show_trace("no-such-trace")
    assert ei.value.code == "CTS.0005"


def test_show_trace_has_cloud_fields(eng):
    eng.kms.create_key("alpha", key_description="hello")
    t = eng.audit.list_traces()[0]
    doc = eng.audit.show_trace(t.trace_id)
    for field in ("trace_id", "trace_name", "trace_rating", "trace_type", "resource_type", "resource_id",
                  "resource_name", "code", "user", "source_ip", "time", "request", "response"):
        assert field in doc
    assert doc["trace_name"] == "createKey" and doc["trace_rating"] == "normal" and doc["code"] == "200"
    assert doc["user"]["name"] == "admin"
    assert doc["request"]["key_alias"] == "alpha"  # parsed JSON, not a string
    assert doc["response"]["key_id"] == t.resource_id
    json.dumps(doc)


def test_other_user_needs_permission_and_refusal_is_traced(eng):
    eng.iam.create_user("bob")
    bob = eng.as_user("bob")
    with pytest.raises(DewError) as ei:
        bob.audit.list_traces()
    assert ei.value.code == "CTS.0302" and ei.value.http_status == 403
    with pytest.raises(DewError) as ei:
        bob.audit.verify()
    assert ei.value.code == "CTS.0302"
    refused = eng.audit.list_traces(user="bob")
    assert [(t.trace_name, t.trace_rating) for t in refused] == [("verifyTraces", "warning"),
                                                                  ("listTraces", "warning")]


def test_reads_are_not_traced(eng):
    eng.kms.create_key("a")
    eng.audit.list_traces()
    eng.audit.count_traces()
    eng.audit.show_trace(eng.audit.list_traces()[0].trace_id)
    eng.audit.verify()
    eng.audit.head()
    assert eng.audit.count_traces() == 1


# --- export --------------------------------------------------------------------------------
def test_export_csv_content_mode_and_trace(eng, tmp_path):
    a, b = some_traces(eng)
    path = tmp_path / "out" / "traces.csv"
    path.parent.mkdir()
    n = eng.audit.export_csv(str(path), trace_name="createKey")
    assert n == ExportResult(rows=3, matched=3, truncated=False)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    rows = list(csv.DictReader(path.open()))
    assert [r["resource_name"] for r in rows] == ["alpha", "beta-key", "alpha"]
    assert rows[0]["code"] == "KMS.1104" and rows[0]["trace_rating"] == "warning"
    assert rows[2]["resource_id"] == a.key_id and rows[2]["user"] == "admin"
    assert json.loads(rows[2]["request"])["key_alias"] == "alpha"
    assert set(rows[0]) >= {"time", "trace_name", "trace_rating", "resource_type", "resource_id",
                            "resource_name", "code", "user", "source", "trace_id"}
    last = eng.audit.list_traces()[0]
    assert (last.trace_name, last.resource_type, last.trace_rating) == ("exportTraces", "cts", "normal")
    assert json.loads(last.response) == {"rows": 3, "matched": 3, "truncated": False}
    # exporting again replaces the file, still private
    eng.audit.export_csv(str(path), resource_id=b.key_id)
    assert [r["resource_name"] for r in csv.DictReader(path.open())] == ["beta-key"]
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_export_neutralises_formulas(eng, tmp_path):
    with pytest.raises(DewError):
        eng.kms.create_key("=HYPERLINK(x)")  # refused, but traced with the name given
    path = tmp_path / "f.csv"
    eng.audit.export_csv(str(path))
    rows = list(csv.DictReader(path.open()))
    assert rows[0]["resource_name"] == "'=HYPERLINK(x)"


def bulk_traces(eng, n):
    """`n` genRandom traces at once (chain not needed for the limit), oldest first."""
    now = eng.now()
    with eng.context.db.session() as s:
        for i in range(n):
            s.add(AuditTrace(trace_id=f"bulk-{i}", trace_name="genRandom", resource_type="rng",
                             trace_rating="normal", code="200", domain_id=eng.principal.domain_id,
                             user="admin", time=now))


def test_export_over_5000_rows_writes_the_newest_5000(eng, tmp_path):
    bulk_traces(eng, MAX_ROWS + 1)
    path = tmp_path / "big.csv"
    result = eng.audit.export_csv(str(path))
    assert result == ExportResult(rows=MAX_ROWS, matched=MAX_ROWS + 1, truncated=True)
    ids = [r["trace_id"] for r in csv.DictReader(path.open())]
    assert ids == [f"bulk-{i}" for i in range(MAX_ROWS, 0, -1)]  # newest first; bulk-0 left out
    [done] = eng.audit.list_traces(trace_name="exportTraces")
    assert (done.trace_rating, done.code) == ("normal", "200")
    assert json.loads(done.response) == {"rows": MAX_ROWS, "matched": MAX_ROWS + 1, "truncated": True}


def test_export_exactly_5000_rows_allowed(eng, tmp_path):
    bulk_traces(eng, MAX_ROWS)
    path = tmp_path / "max.csv"
    assert eng.audit.export_csv(str(path)) == ExportResult(rows=MAX_ROWS, matched=MAX_ROWS,
                                                          truncated=False)
    assert len(path.read_text().splitlines()) == MAX_ROWS + 1


def test_export_unwritable_path_refused(eng, tmp_path):
    eng.kms.create_key("a")
    with pytest.raises(DewError) as ei:
        eng.audit.export_csv(str(tmp_path / "missing-dir" / "x.csv"))
    assert ei.value.code == "CTS.0007"
    with pytest.raises(DewError) as ei:
        eng.audit.export_csv(str(tmp_path))
    assert ei.value.code == "CTS.0007"


def test_no_plaintext_in_traces_or_csv(eng, home, tmp_path):
    k = eng.kms.create_key("marker-key")
    ct = eng.kms.encrypt_data(k.key_id, MARKER)
    assert eng.kms.decrypt_data(ct.cipher_text).plain_text == MARKER
    with pytest.raises(DewError):
        eng.kms.encrypt_data("no-such-key", MARKER)
    path = tmp_path / "all.csv"
    eng.audit.export_csv(str(path))
    assert MARKER not in path.read_bytes()
    for t in eng.audit.list_traces():
        assert MARKER.decode() not in json.dumps(eng.audit.show_trace(t.trace_id))
    eng.close()
    for f in home.iterdir():  # the database and its WAL
        assert MARKER not in f.read_bytes(), f.name


# --- tamper evidence ---------------------------------------------------------------------
def chain_of(eng, n=5):
    for i in range(n):
        eng.kms.create_key(f"k{i}")
    with db_session(eng) as s:
        return s.exec(select(AuditTrace).order_by(AuditTrace.seq)).all()


def test_verify_intact_chain(eng):
    chain_of(eng)
    r = eng.audit.verify()
    assert r.ok and r.checked == 5 and r.problem == "" and r.status == "intact"
    assert eng.audit.verify(expected_head=eng.audit.head()).ok


def test_verify_catches_an_edited_row(eng, home):
    rows = chain_of(eng)
    sql(home, "UPDATE audit_trace SET resource_name = 'evil' WHERE seq = ?", rows[2].seq)
    r = eng.audit.verify()
    assert not r.ok
    assert (r.problem, r.seq, r.trace_id) == ("altered", rows[2].seq, rows[2].trace_id)


def test_verify_catches_an_edited_last_row(eng, home):
    rows = chain_of(eng)
    sql(home, "UPDATE audit_trace SET code = '500' WHERE seq = ?", rows[-1].seq)
    r = eng.audit.verify()
    assert (r.ok, r.problem, r.seq) == (False, "altered", rows[-1].seq)


def test_verify_catches_a_deleted_row(eng, home):
    rows = chain_of(eng)
    sql(home, "DELETE FROM audit_trace WHERE seq = ?", rows[2].seq)
    r = eng.audit.verify()
    assert (r.ok, r.problem, r.seq) == (False, "removed", rows[3].seq)
    assert f"after seq {rows[1].seq}" in r.message


def test_verify_catches_a_deleted_first_row(eng, home):
    rows = chain_of(eng)
    sql(home, "DELETE FROM audit_trace WHERE seq = ?", rows[0].seq)
    r = eng.audit.verify()
    assert (r.ok, r.problem, r.seq) == (False, "removed", rows[1].seq)


def test_verify_catches_an_inserted_row(eng, home):
    rows = chain_of(eng)
    r3 = rows[2]
    # a forged trace between seq 3 and 4: copy of a real one, new id, chained to its neighbour
    sql(home, "UPDATE audit_trace SET seq = seq + 100 WHERE seq > ?", r3.seq)
    sql(home, "INSERT INTO audit_trace (seq, trace_id, trace_name, trace_type, resource_type, resource_id, "
              "resource_name, trace_rating, code, domain_id, user, source, time, request, response, message, "
              "prev, chain) SELECT seq + 1, 'forged', trace_name, trace_type, resource_type, resource_id, "
              "'forged', trace_rating, code, domain_id, user, source, time, request, response, message, "
              "chain, chain FROM audit_trace WHERE seq = ?", r3.seq)
    r = eng.audit.verify()
    assert (r.ok, r.problem, r.trace_id) == (False, "inserted", "forged")


def test_verify_catches_an_appended_row(eng, home):
    rows = chain_of(eng)
    last = rows[-1]
    sql(home, "INSERT INTO audit_trace (seq, trace_id, trace_name, trace_type, resource_type, resource_id, "
              "resource_name, trace_rating, code, domain_id, user, source, time, request, response, message, "
              "prev, chain) SELECT seq + 1, 'forged', trace_name, trace_type, resource_type, resource_id, "
              "'x', trace_rating, code, domain_id, user, source, time, request, response, message, "
              "chain, 'ab' FROM audit_trace WHERE seq = ?", last.seq)
    r = eng.audit.verify()
    assert (r.ok, r.problem, r.trace_id) == (False, "inserted", "forged")


def test_removing_newest_rows_needs_a_saved_head(eng, home):
    rows = chain_of(eng)
    saved = str(eng.audit.head())
    assert saved == f"{rows[-1].seq}:{rows[-1].chain}"
    sql(home, "DELETE FROM audit_trace WHERE seq >= ?", rows[3].seq)
    r = eng.audit.verify()
    assert (r.ok, r.problem) == (False, "removed")  # the head in meta still names the lost trace
    # the attacker also rewinds the head in meta: only the saved head tells
    sql(home, "UPDATE meta SET value = ? WHERE name = 'audit_head'", rows[2].chain)
    assert eng.audit.verify().ok
    r = eng.audit.verify(expected_head=saved)
    assert (r.ok, r.problem, r.seq) == (False, "removed", rows[-1].seq)
    # new traces reuse the seq numbers: the saved head still does not match
    eng.kms.create_key("new1")
    eng.kms.create_key("new2")
    assert eng.audit.verify().ok
    r = eng.audit.verify(expected_head=saved)
    assert (r.ok, r.problem) == (False, "removed")


def test_bad_saved_head_refused(eng):
    with pytest.raises(DewError) as ei:
        eng.audit.verify(expected_head="garbage")
    assert ei.value.code == "CTS.0002"


def test_pruning_anchor_cannot_be_forged(eng, home, clock):
    rows = chain_of(eng, 3)
    clock.advance(timedelta(days=8))
    eng.kms.create_key("recent")
    eng.run_due()
    assert eng.audit.verify().ok
    head = eng.audit.head()
    # removing the oldest remaining trace and pointing the anchor at it is caught
    with db_session(eng) as s:
        first = s.exec(select(AuditTrace).order_by(AuditTrace.seq)).first()
    sql(home, "DELETE FROM audit_trace WHERE seq = ?", first.seq)
    sql(home, "UPDATE meta SET value = ? WHERE name = 'audit_anchor'",
        json.dumps({"seq": first.seq, "chain": first.chain, "mac": "00" * 32}))
    r = eng.audit.verify()
    assert (r.ok, r.problem) == (False, "anchor")
    assert head.seq > rows[-1].seq


def test_malformed_saved_heads_refused(eng):
    from engine.audit.verify import AuditHead
    assert eng.audit.verify(expected_head="0:").ok  # the head of a trail without traces
    chain_of(eng, 2)
    head = eng.audit.head()
    hexchain = head.chain
    malformed = [f"{head.seq}:abc", f"{head.seq}:" + "g" * 64, f"{head.seq}:{hexchain}00",
                 f"-1:{hexchain}", f"1.5:{hexchain}", f"1e3:{hexchain}", f"١:{hexchain}",
                 f"1_0:{hexchain}", f"+1:{hexchain}", f"{2 ** 63}:{hexchain}", "9" * 5000 + ":x",
                 f"{head.seq}:", (-3, hexchain), (True, hexchain), (1.0, hexchain), ("1", 5),
                 (head.seq, hexchain, "x"), AuditHead(-1, hexchain), AuditHead(head.seq, "zz"),
                 {"seq": head.seq, "chain": hexchain}, 12345, b"1:ab"]
    for bad in malformed:
        with pytest.raises(DewError) as ei:
            eng.audit.verify(expected_head=bad)
        assert ei.value.code == "CTS.0002", bad
    # the well-formed shapes still verify, upper-case hex included
    for good in (head, str(head), (head.seq, hexchain), f" {head.seq}:{hexchain.upper()} "):
        assert eng.audit.verify(expected_head=good).ok, good

