"""The facade, the root key and the audit trace of every call."""
from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest
from sqlmodel import select

from engine import DewError, Engine, SeededRng
from engine.models.core import AuditTrace


def traces(eng):
    with eng.context.db.session(write=False) as s:
        return s.exec(select(AuditTrace).order_by(AuditTrace.seq)).all()


def test_root_key_file_is_private_and_reused(home, clock):
    e = Engine.open(home=home, clock=clock)
    k = e.kms.create_key("a")
    e.close()
    mode = stat.S_IMODE(os.stat(home / "root.key").st_mode)
    assert mode == 0o600
    e2 = Engine.open(home=home, clock=clock)
    assert e2.kms.describe_key(k.key_id).key_alias == "a"
    e2.close()


def test_other_root_key_is_refused_and_nothing_touched(home, clock):
    e = Engine.open(home=home, clock=clock)
    e.kms.create_key("a")
    e.close()
    before = (home / "dew.db").read_bytes()
    Engine.open(home=home.parent / "other", clock=clock).close()
    os.replace(home.parent / "other" / "root.key", home / "root.key")
    with pytest.raises(DewError) as ei:
        Engine.open(home=home, clock=clock)
    assert ei.value.code == "DEW.0005"
    assert (home / "dew.db").read_bytes() == before


def test_passphrase_sealed_root_key(home, clock):
    e = Engine.open(home=home, clock=clock, passphrase="correct horse")
    k = e.kms.create_key("a")
    e.close()
    sealed = Engine.open(home=home, clock=clock, passphrase="")
    assert sealed.sealed
    with pytest.raises(DewError) as ei:
        sealed.kms.describe_key(k.key_id)
    assert ei.value.code == "DEW.0001"
    with pytest.raises(DewError) as ei:
        sealed.unseal("wrong")
    assert ei.value.code == "DEW.0002"
    sealed.unseal("correct horse")
    assert sealed.kms.describe_key(k.key_id).key_alias == "a"
    sealed.close()
    assert b"correct horse" not in (home / "root.key").read_bytes()


def test_every_call_is_traced_success_and_refusal(eng):
    k = eng.kms.create_key("a")
    with pytest.raises(DewError):
        eng.kms.create_key("a")
    rows = traces(eng)
    assert [(t.trace_name, t.trace_rating, t.code) for t in rows] == [
        ("createKey", "normal", "200"), ("createKey", "warning", "KMS.1104")]
    assert rows[0].resource_id == k.key_id and rows[0].resource_type == "cmk"
    assert rows[0].user == "admin" and rows[0].source == "api"


def test_other_user_is_refused_403_and_audited(eng):
    k = eng.kms.create_key("a")
    eng.iam.create_user("bob")
    bob = eng.as_user("bob")
    with pytest.raises(DewError) as ei:
        bob.kms.describe_key(k.key_id)
    assert (ei.value.code, ei.value.http_status) == ("KMS.0306", 403)
    with pytest.raises(DewError) as ei:
        bob.kms.create_key("b")
    assert ei.value.code == "KMS.0306"
    last = traces(eng)[-1]
    assert (last.user, last.trace_rating, last.code) == ("bob", "warning", "KMS.0306")


def test_unknown_user_cannot_be_acted_as(eng):
    with pytest.raises(DewError) as ei:
        eng.as_user("nobody")
    assert ei.value.code == "IAM.0404"


def test_sqlite_is_wal_and_full_sync(eng):
    with eng.context.db.engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert c.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_seeded_ids_are_deterministic(tmp_path, clock):
    ids = []
    for i in range(2):
        e = Engine.open(home=tmp_path / str(i), clock=clock, rng=SeededRng(3))
        ids.append(e.kms.create_key("a").key_id)
        e.close()
    assert ids[0] == ids[1]


def test_engine_does_not_import_textual():
    code = "import sys, engine; import engine.kms.service, engine.facade; " \
           "print('textual' in sys.modules or 'dewtui' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
