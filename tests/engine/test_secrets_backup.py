"""Secret backup blobs, and the proof that no secret value is at rest in clear."""
from __future__ import annotations

import base64
from datetime import timedelta

import pytest

from engine import DewError, Engine, SeededRng
from engine.csms.backup import PREFIX
from refusals import code_of


def forms(value: bytes) -> list[bytes]:
    """Encodings a value could leak in: raw, hex, and base64 (std/urlsafe) at each alignment."""
    out = [value, value.hex().encode(), value.hex().upper().encode()]
    for k in range(3):
        for enc in (base64.b64encode, base64.urlsafe_b64encode):
            out.append(enc(b"\0" * k + value)[4:-4])  # the part fixed by the value alone
    return out


def leaks(data: bytes, values: list[bytes]) -> list[bytes]:
    return [f for v in values for f in forms(v) if f in data]


def make_secret(eng) -> None:
    eng.csms.create_secret("app", secret_string="first-Value-of-the-APP-secret-0001",
                           tags={"env": "prod"})
    eng.csms.create_secret_version("app", secret_string="second-Value-of-the-APP-secret-02")
    eng.csms.update_secret_stage("app", "BLUE", "v1")


def test_backup_delete_restore_round_trip(eng):
    make_secret(eng)
    before = eng.csms.show_secret("app")
    blob = eng.csms.download_secret_blob("app")
    assert blob.startswith(PREFIX)
    eng.csms.delete_secret("app")
    restored = eng.csms.upload_secret_blob(blob)
    assert (restored.id, restored.name, restored.kms_key_id, restored.state) == \
        (before.id, "app", before.kms_key_id, "ENABLED")
    assert [(t.key, t.value) for t in restored.tags] == [("env", "prod")]
    assert {v.id: v.version_stages for v in eng.csms.list_secret_versions("app")} == \
        {"v2": ("SYSCURRENT",), "v1": ("SYSPREVIOUS", "BLUE")}
    assert eng.csms.show_secret_version("app").secret_string == "second-Value-of-the-APP-secret-02"
    assert eng.csms.show_secret_version("app", "v1").secret_string == "first-Value-of-the-APP-secret-0001"
    assert eng.csms.create_secret_version("app", secret_string="third").id == "v3"


def test_restore_of_pending_secret_comes_back_enabled(eng):
    make_secret(eng)
    eng.csms.schedule_secret_deletion("app", 7)
    blob = eng.csms.download_secret_blob("app")
    eng.csms.delete_secret("app")
    assert eng.csms.upload_secret_blob(blob).state == "ENABLED"


def test_restore_refuses_existing_name(eng):
    make_secret(eng)
    blob = eng.csms.download_secret_blob("app")
    assert code_of(eng.csms.upload_secret_blob, blob) == "CSMS.0002"
    eng.csms.schedule_secret_deletion("app", 7)
    assert code_of(eng.csms.upload_secret_blob, blob) == "CSMS.0002"  # pending still holds the name


@pytest.mark.parametrize("mangle", [
    lambda b: b[:len(PREFIX) + 40] + ("A" if b[len(PREFIX) + 40] != "A" else "B") + b[len(PREFIX) + 41:],
    lambda b: b[:-8],
    lambda b: b.replace(PREFIX, "OTHERBLOB1:"),
    lambda b: PREFIX + "!!!not base64!!!",
    lambda b: "",
    lambda b: None,
])
def test_tampered_or_malformed_blob_refused(eng, mangle):
    make_secret(eng)
    blob = eng.csms.download_secret_blob("app")
    eng.csms.delete_secret("app")
    with pytest.raises(DewError) as ei:
        eng.csms.upload_secret_blob(mangle(blob))
    assert ei.value.code == "CSMS.0004" and "cannot be restored" in ei.value.message
    assert eng.csms.list_secrets().total == 0


def test_blob_from_another_installation_refused(eng, tmp_path, clock):
    make_secret(eng)
    blob = eng.csms.download_secret_blob("app")
    other = Engine.open(home=tmp_path / "other", clock=clock, rng=SeededRng(9))
    try:
        assert code_of(other.csms.upload_secret_blob, blob) == "CSMS.0004"
    finally:
        other.close()


def test_restore_respects_quota(home, clock):
    from dataclasses import replace
    from engine import Settings
    e = Engine.open(home=home, clock=clock, rng=SeededRng(2), settings=replace(Settings(), secret_quota=1))
    e.csms.create_secret("a", secret_string="v")
    blob = e.csms.download_secret_blob("a")
    e.csms.delete_secret("a")
    e.csms.create_secret("b", secret_string="v")
    assert code_of(e.csms.upload_secret_blob, blob) == "CSMS.0202"
    e.close()


def test_no_secret_value_at_rest(eng, home, clock):
    """Scan dew.db, its WAL and SHM, the backup blob and every audit trace for any value."""
    values = [b"first-Value-of-the-APP-secret-0001", b"second-Value-of-the-APP-secret-02",
              b'"password": "kv-PASSWORD-value-1234567"', b"kv-PASSWORD-value-1234567",
              bytes(range(256)) * 2]
    make_secret(eng)
    eng.csms.create_secret("kv", secret_string={"user": "app", "password": "kv-PASSWORD-value-1234567"})
    eng.csms.create_secret("bin", secret_binary=values[4])
    eng.csms.configure_rotation("kv", "6h", {"type": "kv", "template": {"user": "TEMPLATE-user-name-xyz"},
                                             "field": "password", "length": 40})
    clock.advance(timedelta(hours=7))
    eng.run_due()
    rotated = eng.csms.show_secret_version("kv").secret_string
    assert "TEMPLATE-user-name-xyz" in rotated
    values += [rotated.encode(), rotated.split('"password": "')[1][:-2].encode(),
               b"TEMPLATE-user-name-xyz"]
    for name in ("app", "kv", "bin"):
        eng.csms.show_secret_version(name, "v1")
    blobs = [eng.csms.download_secret_blob(n).encode() for n in ("app", "kv", "bin")]
    for b in blobs:
        assert leaks(b, values) == []
        assert leaks(base64.urlsafe_b64decode(b[len(PREFIX):]), values) == []
    files = [home / n for n in ("dew.db", "dew.db-wal", "dew.db-shm")]
    assert (home / "dew.db-wal").exists()
    data = b"".join(p.read_bytes() for p in files if p.exists())
    assert b"csms_version" in data  # the scan reads the real database
    assert leaks(data, values) == []
    eng.close()
    data = (home / "dew.db").read_bytes()
    assert leaks(data, values) == []


def test_scan_detects_a_leak():
    """The scanner itself can fail: a value in any form is found."""
    v = b"first-Value-of-the-APP-secret-0001"
    for enc in (v, v.hex().encode(), b"xx" + base64.b64encode(b"ab" + v) + b"yy"):
        assert leaks(b"....." + enc + b".....", [v])
