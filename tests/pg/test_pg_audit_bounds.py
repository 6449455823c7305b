"""On PostgreSQL a refusal is audited even when the caller's input could not be stored as is.

PostgreSQL refuses NUL in text and values longer than a varchar column: the trace keeps a
sanitized, bounded request, so the refusal is still refused cleanly and still audited.
"""
from __future__ import annotations

import json

import pytest
from sqlmodel import select

from engine import DewError, Engine, SeededRng
from engine.audit.writer import write_trace
from engine.models.core import AuditTrace


@pytest.fixture
def pg(pg_url, home, clock):
    e = Engine.open(home=home, url=pg_url, clock=clock, rng=SeededRng(13))
    yield e
    e.close()


def bob_traces(eng):
    with eng.context.db.session(write=False) as s:
        return s.exec(select(AuditTrace).where(AuditTrace.user == "bob")
                      .order_by(AuditTrace.seq.desc())).all()


def test_refusal_with_nul_and_100_kb_name_is_audited_on_postgres(pg):
    k = pg.kms.create_key("pg-key")
    pg.iam.create_user("bob")
    bob = pg.as_user("bob")
    name = "evil\x00" + "n" * 100_000 + "\ud800"
    with pytest.raises(DewError):
        bob.kms.create_key(name, key_description="d\x00" * 50_000)
    with pytest.raises(DewError):
        bob.kms.create_key("n" * 100_000 + "\x1b")  # reaches the key service: a 100 kB name
    with pytest.raises(DewError):
        bob.kms.encrypt_data(k.key_id + "\x00" + "x" * 100_000, b"p" * (1 << 20))
    traces = bob_traces(pg)
    assert [(t.trace_name, t.trace_rating) for t in traces] == [
        ("encryptData", "warning"), ("createKey", "warning"), ("createKey", "warning")]
    request = json.loads(traces[2].request)
    assert request["key_alias"].startswith("evil\\x00nnn") and request["key_alias"].endswith(" chars]")
    assert traces[1].resource_name.startswith("nnn") and len(traces[1].resource_name) <= 255
    assert all(len(t.request) < 4096 for t in traces)
    assert pg.audit.verify().ok


def test_write_trace_stores_nul_and_over_long_values_on_postgres(pg):
    long = "x\x00" * 50_000 + "\ud800"
    with pg.context.db.session() as s:
        write_trace(s, pg.context.db, pg.context.hsm.derive("audit-chain"), trace_id="t" * 100,
                    trace_name=long, resource_type=long, resource_id=long, resource_name=long,
                    rating="warning", code=long, domain_id=pg.principal.domain_id, user=long,
                    source="api", time=pg.now(), request={"name": long, long: b"raw"},
                    response={"error_code": long}, message=long)
    with pg.context.db.session(write=False) as s:
        t = s.exec(select(AuditTrace).order_by(AuditTrace.seq.desc())).first()
    assert t.resource_name.startswith("x\\x00x") and len(t.resource_name) <= 255
    assert "\x00" not in t.request + t.message and len(t.message) <= 1024
    assert pg.audit.verify().ok
