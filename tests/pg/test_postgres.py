"""The engine on PostgreSQL: the same calls, the same guarantees (SPEC §5)."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from engine import DewError, Engine, SeededRng


@pytest.fixture
def pg(pg_url, home, clock):
    e = Engine.open(home=home, url=pg_url, clock=clock, rng=SeededRng(11))
    yield e
    e.close()


def test_keys_crypto_and_audit_on_postgres(pg):
    assert pg.database_url.startswith("postgresql")
    k = pg.kms.create_key("pg-key", tags={"team": "infra"})
    ct = pg.kms.encrypt_data(k.key_id, b"on postgres").cipher_text
    assert pg.kms.decrypt_data(ct).plain_text == b"on postgres"
    rsa = pg.kms.create_key("pg-ec", key_spec="EC_P256")
    sig = pg.kms.sign(rsa.key_id, b"m", "ECDSA_SHA_256").signature
    assert pg.kms.verify(rsa.key_id, b"m", sig, "ECDSA_SHA_256")
    pg.kms.disable_key(k.key_id)
    with pytest.raises(DewError) as ei:
        pg.kms.encrypt_data(k.key_id, b"x")
    assert ei.value.code == "KMS.0209"
    page = pg.kms.list_keys(tags={"team": "infra"})
    assert page.total == 1 and page.keys[0].key_alias == "pg-key"
    assert pg.audit.verify().ok
    names = [t.trace_name for t in pg.audit.list_traces(limit=100)]
    assert "encryptData" in names and "disableKey" in names


def test_pages_near_the_end_read_backwards_on_postgres(pg, monkeypatch):
    from engine.kms import keyquery

    for alias in ("b-2", "A-1", "c-3", "a-0", "B-4", "d-5", "C-6"):
        pg.kms.create_key(alias)
    forwards = [k.key_alias for k in pg.kms.list_keys(sort="key_alias", limit=100).keys]
    monkeypatch.setattr(keyquery, "FAR_OFFSET", 2)  # every offset from 2 on counts first
    for descending in (False, True):
        want = list(reversed(forwards)) if descending else forwards
        for limit, offset in [(2, 2), (2, 5), (3, 5), (5, 6), (1, 6), (2, 7), (2, 9)]:
            page = pg.kms.list_keys(sort="key_alias", descending=descending, limit=limit, offset=offset)
            assert [k.key_alias for k in page.keys] == want[offset:offset + limit], (descending, limit, offset)
            assert page.total == 7


def test_secrets_and_due_work_on_postgres(pg, clock):
    pg.csms.create_secret("db", secret_string="pg-secret-value")
    pg.csms.create_secret_version("db", secret_string="second")
    assert pg.csms.show_secret_version("db", "latest").secret_string == "second"
    k = pg.kms.create_key("rot")
    pg.kms.enable_key_rotation(k.key_id)
    pg.kms.schedule_key_deletion(pg.kms.create_key("gone").key_id, pending_days=7)
    clock.advance(timedelta(days=366))
    pg.run_due()
    assert pg.kms.get_key_rotation_status(k.key_id).number_of_rotations == 1
    assert pg.kms.list_keys(search="gone").total == 0


def test_one_rotation_when_two_engines_run_due_at_once(pg_url, pg, home, clock):
    k = pg.kms.create_key("rot")
    pg.kms.enable_key_rotation(k.key_id)
    clock.advance(timedelta(days=366))
    other = Engine.open(home=home, url=pg_url, clock=clock, rng=SeededRng(12))
    barrier = threading.Barrier(2)
    errors = []

    def go(e):
        try:
            barrier.wait()
            e.run_due()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=go, args=(e,)) for e in (pg, other)]
    [t.start() for t in threads]
    [t.join(60) for t in threads]
    other.close()
    assert not errors
    assert pg.kms.get_key_rotation_status(k.key_id).number_of_rotations == 1
