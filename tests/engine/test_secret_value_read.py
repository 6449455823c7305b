"""Reading a secret's value reads the secret, the version, the version's stages and its key
in one SELECT, and keeps every check the rows read one by one had: each protected row is
MAC-checked (DEW.0010 for a row changed in the database, even one verified before), every
refusal keeps its code and its precedence and is audited, and a caller without the KMS
permission on a custom key is refused.

A version's data key is unwrapped once while the root key is open (engine.csms.openedkeys);
the KMS key's checks, the caller's permission and the value's own AES-GCM still decide every
read, and a changed data key or value is refused after it was read as before it.

Rows are changed behind the engine's back through its own SQLAlchemy engine (plain SQL on a
connection, no ORM events), so the same tests run on SQLite and PostgreSQL.
"""
from __future__ import annotations

import re

import pytest
from sqlalchemy import event, text
from sqlmodel import select

from engine import DewError
from engine.integrity import INTEGRITY_CODE
from engine.models.core import AuditTrace
from refusals import code_of

NO_KEY = "00000000-0000-0000-0000-000000000000"


def behind_the_engine(eng, sql: str, **params) -> None:
    with eng.context.db.engine.begin() as conn:
        conn.execute(text(sql), params)


def statements(eng, fn) -> list[str]:
    fn()  # the first call may fill caches
    seen: list[str] = []

    def record(_conn, _cur, statement, *_):
        seen.append(statement)
    event.listen(eng.context.db.engine, "before_cursor_execute", record)
    try:
        fn()
    finally:
        event.remove(eng.context.db.engine, "before_cursor_execute", record)
    return seen


def traced_codes(eng) -> list[str]:
    with eng.context.db.session(write=False) as s:
        rows = s.exec(select(AuditTrace).where(AuditTrace.trace_name == "showSecretVersion")
                      .order_by(AuditTrace.seq)).all()
        return [r.code for r in rows]


def secret_id(eng, name: str) -> str:
    return eng.csms.show_secret(name).id


@pytest.fixture
def two_versions(eng):
    """Secret `a` under a custom key: v1 (SYSPREVIOUS), v2 (SYSCURRENT and BLUE)."""
    key = eng.kms.create_key("app").key_id
    eng.csms.create_secret("a", secret_string="one", kms_key_id=key)
    eng.csms.create_secret_version("a", secret_string="two")
    eng.csms.update_secret_stage("a", "BLUE", "v2")
    return key


# --- one statement -----------------------------------------------------------------------
@pytest.mark.parametrize("version", ["latest", "v1"])
def test_the_value_is_read_in_one_select(eng, two_versions, version):
    sql = statements(eng, lambda: eng.csms.show_secret_version("a", version))
    selects = [s for s in sql if s.lstrip().upper().startswith("SELECT")]
    if not eng.context.db.is_sqlite:  # PostgreSQL: the secret's row is locked first
        assert selects[0].endswith("FOR UPDATE")
        selects = selects[1:]
    assert len(selects) == 1
    for table in ("csms_secret", "csms_version", "csms_stage", "cmk"):
        assert re.search(rf"\b{table}\b", selects[0]), table


def test_the_version_and_its_stages_from_one_read(eng, two_versions):
    latest = eng.csms.show_secret_version("a")
    assert latest.secret_string == "two"
    assert latest.version_metadata.id == "v2"
    assert latest.version_metadata.version_stages == ("SYSCURRENT", "BLUE")
    assert latest.version_metadata.kms_key_id == two_versions
    older = eng.csms.show_secret_version("a", "v1")
    assert older.secret_string == "one" and older.version_metadata.version_stages == ("SYSPREVIOUS",)
    eng.csms.create_secret_version("a", secret_string="three", version_stages=["GREEN"])
    unstaged_yet = eng.csms.show_secret_version("a", "v3")
    assert unstaged_yet.secret_string == "three" and unstaged_yet.version_metadata.version_stages == ("GREEN",)
    assert eng.csms.show_secret_version("a").version_metadata.id == "v2"


def test_a_binary_value_reads_back(eng):
    eng.csms.create_secret("bin", secret_binary=b"\x00\xff")
    v = eng.csms.show_secret_version("bin")
    assert v.secret_binary == b"\x00\xff" and v.secret_string is None


# --- rows changed in the database ----------------------------------------------------------
TAMPERED = {
    "secret": "UPDATE csms_secret SET description = 'edited' WHERE name = 'a'",
    "current stage": "UPDATE csms_stage SET version_id = 'v1' WHERE stage_name = 'SYSCURRENT'",
    "custom stage": "UPDATE csms_stage SET stage_name = 'RED' WHERE stage_name = 'BLUE'",
    "key": "UPDATE cmk SET key_alias = 'renamed' WHERE key_alias = 'app'",
}


@pytest.mark.parametrize("row", sorted(TAMPERED))
def test_a_row_changed_after_it_was_verified_is_refused(eng, two_versions, row):
    assert eng.csms.show_secret_version("a").secret_string == "two"  # every row verified once
    behind_the_engine(eng, TAMPERED[row])
    with pytest.raises(DewError) as ei:
        eng.csms.show_secret_version("a")
    assert ei.value.code == INTEGRITY_CODE
    assert "two" not in ei.value.message and "one" not in ei.value.message


def test_a_changed_key_row_is_refused_when_a_named_version_is_read(eng, two_versions):
    eng.csms.show_secret_version("a", "v1")
    behind_the_engine(eng, "UPDATE cmk SET key_state = '2', key_alias = 'x' WHERE key_alias = 'app'")
    assert code_of(eng.csms.show_secret_version, "a", "v1") == INTEGRITY_CODE


# --- refusals: codes, precedence, audit -----------------------------------------------------
def test_refusals_keep_their_codes_and_are_audited(eng, two_versions):
    sid = secret_id(eng, "a")
    assert code_of(eng.csms.show_secret_version, "ghost") == "CSMS.0106"
    assert code_of(eng.csms.show_secret_version, "ghost", "x1") == "CSMS.0106"  # the secret first
    assert code_of(eng.csms.show_secret_version, "a", "v9") == "CSMS.0005"
    assert code_of(eng.csms.show_secret_version, "a", "x1") == "CSMS.0002"
    assert code_of(eng.csms.show_secret_version, "bad name!") == "CSMS.0002"
    behind_the_engine(eng, "DELETE FROM csms_version WHERE secret_id = :s AND version_id = 'v2'", s=sid)
    err = pytest.raises(DewError, eng.csms.show_secret_version, "a").value
    assert err.code == "CSMS.0005" and "no version v2" in err.message
    behind_the_engine(eng, "DELETE FROM csms_stage WHERE secret_id = :s AND stage_name = 'SYSCURRENT'", s=sid)
    err = pytest.raises(DewError, eng.csms.show_secret_version, "a").value
    assert err.code == "CSMS.0005" and "no SYSCURRENT version" in err.message
    assert eng.csms.show_secret_version("a", "v1").secret_string == "one"
    assert traced_codes(eng)[-8:] == ["CSMS.0106", "CSMS.0106", "CSMS.0005", "CSMS.0002", "CSMS.0002",
                                      "CSMS.0005", "CSMS.0005", "200"]


def test_pending_deletion_is_refused_before_the_version_and_key_are_looked_at(eng, two_versions):
    eng.csms.show_secret_version("a")
    eng.csms.schedule_secret_deletion("a", 7)
    behind_the_engine(eng, "UPDATE cmk SET key_alias = 'renamed' WHERE key_alias = 'app'")
    assert code_of(eng.csms.show_secret_version, "a") == "CSMS.0103"
    assert code_of(eng.csms.show_secret_version, "a", "x1") == "CSMS.0103"
    assert code_of(eng.csms.show_secret_version, "a", "v9") == "CSMS.0103"
    assert traced_codes(eng)[-3:] == ["CSMS.0103"] * 3


def test_the_key_of_the_version_decides(eng, two_versions):
    sid = secret_id(eng, "a")
    assert eng.csms.show_secret_version("a").secret_string == "two"  # its data key opened
    eng.kms.disable_key(two_versions)
    err = pytest.raises(DewError, eng.csms.show_secret_version, "a").value
    assert err.code == "CSMS.0401" and "Disabled" in err.message and "two" not in err.message
    eng.kms.enable_key(two_versions)
    behind_the_engine(eng, "UPDATE csms_version SET kms_key_id = :k WHERE secret_id = :s AND version_id = 'v2'",
                      k=NO_KEY, s=sid)
    err = pytest.raises(DewError, eng.csms.show_secret_version, "a").value
    assert err.code == "CSMS.0401" and f"KMS key {NO_KEY} does not exist" in err.message
    assert eng.csms.show_secret_version("a", "v1").secret_string == "one"  # v1's key is untouched
    assert traced_codes(eng)[-3:] == ["CSMS.0401", "CSMS.0401", "200"]
    eng.kms.schedule_key_deletion(two_versions, pending_days=7)
    assert code_of(eng.csms.show_secret_version, "a", "v1") == "CSMS.0401"


def test_a_user_needs_the_kms_permission_on_a_custom_key(eng, two_versions):
    eng.iam.create_user("bob")
    eng.iam.create_policy("secrets-only", {"Version": "1.1", "Statement": [
        {"Effect": "Allow", "Action": ["csms:*"], "Resource": ["*"]}]})
    eng.iam.attach_policy("bob", "secrets-only")
    bob = eng.as_user("bob")
    assert code_of(bob.csms.show_secret_version, "a") == "CSMS.0302"
    eng.iam.create_policy("keys", {"Version": "1.1", "Statement": [
        {"Effect": "Allow", "Action": ["kms:dek:crypto"], "Resource": ["*"]}]})
    eng.iam.attach_policy("bob", "keys")
    assert bob.csms.show_secret_version("a").secret_string == "two"
    eng.iam.detach_policy("bob", "keys")  # after its data key was opened
    assert code_of(bob.csms.show_secret_version, "a") == "CSMS.0302"
    assert traced_codes(eng)[-3:] == ["CSMS.0302", "200", "CSMS.0302"]


# --- data keys opened once ------------------------------------------------------------------
@pytest.fixture
def unwraps(monkeypatch):
    """Data keys unwrapped under a KMS key, as (KMS key id)."""
    from engine.csms import versions

    seen: list[str] = []
    real = versions.kms.unwrap_data_key

    def counting(s, hsm, blob, aad, key_id, code):
        seen.append(key_id)
        return real(s, hsm, blob, aad, key_id, code)
    monkeypatch.setattr(versions.kms, "unwrap_data_key", counting)
    return seen


def test_a_data_key_is_unwrapped_once_while_the_root_key_is_open(eng, two_versions, unwraps):
    for _ in range(3):
        assert eng.csms.show_secret_version("a").secret_string == "two"
        assert eng.csms.show_secret_version("a", "v1").secret_string == "one"
    assert unwraps == [two_versions, two_versions]  # v2's, then v1's
    eng.rotate_root_key()  # a new root key starts with none opened
    assert eng.csms.show_secret_version("a").secret_string == "two"
    assert len(unwraps) == 3


def _flip_last_hex_digit(text: str) -> str:
    return text[:-1] + ("0" if text[-1] != "0" else "1")


def test_a_data_key_changed_after_it_was_opened_is_refused(eng, two_versions, unwraps):
    sid = secret_id(eng, "a")
    eng.csms.show_secret_version("a")
    with eng.context.db.engine.connect() as conn:
        wrapped = conn.execute(text("SELECT wrapped_dek FROM csms_version WHERE secret_id = :s "
                                    "AND version_id = 'v2'"), {"s": sid}).scalar_one()
    behind_the_engine(eng, "UPDATE csms_version SET wrapped_dek = :w WHERE secret_id = :s AND version_id = 'v2'",
                      w=_flip_last_hex_digit(wrapped), s=sid)
    err = pytest.raises(DewError, eng.csms.show_secret_version, "a").value
    assert err.code == "CSMS.0401" and "cannot be decrypted" in err.message
    assert len(unwraps) == 2  # opened again, and refused
    behind_the_engine(eng, "UPDATE csms_version SET wrapped_dek = :w WHERE secret_id = :s AND version_id = 'v2'",
                      w=wrapped, s=sid)
    assert eng.csms.show_secret_version("a").secret_string == "two"


def test_a_value_changed_after_it_was_read_is_refused(eng, two_versions):
    sid = secret_id(eng, "a")
    eng.csms.show_secret_version("a")
    with eng.context.db.engine.connect() as conn:
        sealed = bytes(conn.execute(text("SELECT sealed_value FROM csms_version WHERE secret_id = :s "
                                         "AND version_id = 'v2'"), {"s": sid}).scalar_one())
    behind_the_engine(eng, "UPDATE csms_version SET sealed_value = :v WHERE secret_id = :s AND version_id = 'v2'",
                      v=sealed[:-1] + bytes([sealed[-1] ^ 1]), s=sid)
    err = pytest.raises(DewError, eng.csms.show_secret_version, "a").value
    assert err.code == "CSMS.0401" and "cannot be decrypted" in err.message and "two" not in err.message


def test_a_version_copied_onto_another_version_does_not_open(eng, two_versions):
    sid = secret_id(eng, "a")
    eng.csms.show_secret_version("a")  # v2's data key opened
    with eng.context.db.engine.connect() as conn:
        wrapped, sealed = conn.execute(text("SELECT wrapped_dek, sealed_value FROM csms_version "
                                            "WHERE secret_id = :s AND version_id = 'v2'"), {"s": sid}).one()
    behind_the_engine(eng, "UPDATE csms_version SET wrapped_dek = :w, sealed_value = :v "
                           "WHERE secret_id = :s AND version_id = 'v1'", w=wrapped, v=bytes(sealed), s=sid)
    assert code_of(eng.csms.show_secret_version, "a", "v1") == "CSMS.0401"
