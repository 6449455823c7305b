"""Row MACs: rows edited in the database file without the root key are refused (DEW.0010).

Each tampering test makes a state through the engine, closes it, edits `dew.db` with raw
sqlite3 as an attacker holding only the file would, reopens the engine and checks that the
edited row is refused with the integrity code instead of being honoured.
"""
from __future__ import annotations

import itertools
import json
import re
import sqlite3
from datetime import timedelta

import pytest
from sqlalchemy import insert, update

from engine import DewError, Engine, SeededRng
from engine.integrity import BOUND, INTEGRITY_CODE, MARKER, UNBOUND, stamped
from engine.models.kms import Cmk

DISABLED, ENABLED = "3", "2"


_seeds = itertools.count(11)


def _open(home, clock) -> Engine:
    """A (re)opened engine; every opening gets its own seed, so ids never repeat."""
    return Engine.open(home=home, clock=clock, rng=SeededRng(next(_seeds)))


def _tamper(home, *statements: tuple) -> None:
    con = sqlite3.connect(home / "dew.db")
    try:
        for sql, *args in statements:
            con.execute(sql, args)
        con.commit()
    finally:
        con.close()


def _query(home, sql: str, *args) -> list[tuple]:
    con = sqlite3.connect(home / "dew.db")
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def _refused(fn, *a, **kw) -> DewError:
    with pytest.raises(DewError) as ei:
        fn(*a, **kw)
    assert ei.value.code == INTEGRITY_CODE, ei.value
    return ei.value


def _policy(actions: list[str]) -> dict:
    return {"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": ["*"]}]}


def test_untouched_database_reopens_and_works(home, clock):
    eng = _open(home, clock)
    k = eng.kms.create_key("kept")
    eng.iam.create_user("bob")
    eng.iam.create_policy("readers", _policy(["kms:cmk:get"]))
    eng.iam.attach_policy("bob", "readers")
    eng.kms.create_grant(k.key_id, "bob", ["encrypt-data"])
    eng.csms.create_secret("db-password", secret_string="s3cret", kms_key_id=k.key_id)
    eng.kms.schedule_key_deletion(eng.kms.create_key("doomed").key_id, 7)
    eng.close()
    macs = _query(home, "SELECT mac FROM cmk UNION ALL SELECT mac FROM kms_grant UNION ALL "
                        "SELECT mac FROM iam_user UNION ALL SELECT mac FROM csms_stage")
    assert macs and all(re.fullmatch(r"[0-9a-f]{64}", m) for (m,) in macs)
    eng = _open(home, clock)
    try:
        bob = eng.as_user("bob")
        assert bob.kms.describe_key(k.key_id).key_alias == "kept"
        assert bob.kms.encrypt_data(k.key_id, b"hello").cipher_text
        assert eng.csms.show_secret_version("db-password").secret_string == "s3cret"
        clock.advance(timedelta(days=8))
        eng.run_due()
        assert [x.key_alias for x in eng.kms.list_keys().keys] == ["kept"]
    finally:
        eng.close()


def test_enabling_a_disabled_key_in_the_file_is_refused(home, clock):
    eng = _open(home, clock)
    k = eng.kms.create_key("off")
    eng.kms.disable_key(k.key_id)
    eng.close()
    _tamper(home, ("UPDATE cmk SET key_state = ? WHERE key_id = ?", ENABLED, k.key_id))
    eng = _open(home, clock)
    try:
        err = _refused(eng.kms.encrypt_data, k.key_id, b"hello")
        assert f"cmk row {k.key_id}" in err.message and err.http_status == 500
        _refused(eng.kms.describe_key, k.key_id)
    finally:
        eng.close()


def test_inserted_grant_row_is_refused(home, clock):
    eng = _open(home, clock)
    k = eng.kms.create_key("target")
    bob = eng.iam.create_user("bob")
    eng.close()
    _tamper(home, ("INSERT INTO kms_grant (grant_id, key_id, name, grantee_principal, "
                   "grantee_principal_type, operations, issuing_principal, retiring_principal, "
                   "creation_date, mac) VALUES (?, ?, '', ?, 'user', 'encrypt-data,describe-key', ?, '', "
                   "'2026-03-01 09:00:00.000000', ?)", "f" * 64, k.key_id, bob.user_id, bob.user_id, "0" * 64))
    eng = _open(home, clock)
    try:
        err = _refused(eng.as_user("bob").kms.encrypt_data, k.key_id, b"hello")
        assert f"kms_grant row {'f' * 64}" in err.message
        _refused(eng.kms.list_grants, k.key_id)
    finally:
        eng.close()


def test_grant_copied_to_another_grantee_is_refused(home, clock):
    eng = _open(home, clock)
    k = eng.kms.create_key("target")
    eng.iam.create_user("bob")
    mallory = eng.iam.create_user("mallory")
    eng.kms.create_grant(k.key_id, "bob", ["encrypt-data"])
    eng.close()
    # a valid MAC of bob's grant does not carry over to the same row naming mallory
    _tamper(home, ("UPDATE kms_grant SET grantee_principal = ?", mallory.user_id))
    eng = _open(home, clock)
    try:
        _refused(eng.as_user("mallory").kms.encrypt_data, k.key_id, b"hello")
    finally:
        eng.close()


def test_changed_policy_document_is_refused(home, clock):
    eng = _open(home, clock)
    eng.iam.create_user("bob")
    eng.iam.create_policy("readers", _policy(["kms:cmk:get"]))
    eng.iam.attach_policy("bob", "readers")
    eng.close()
    _tamper(home, ("UPDATE iam_policy SET document = ? WHERE name = 'readers'",
                   json.dumps(_policy(["kms:*:*"]))))
    eng = _open(home, clock)
    try:
        err = _refused(eng.as_user("bob").kms.create_key, "escalated")
        assert "iam_policy row" in err.message and "kms:" not in err.message  # no document in it
    finally:
        eng.close()


def test_changed_system_policy_refuses_to_open(home, clock):
    _open(home, clock).close()
    _tamper(home, ("UPDATE iam_policy SET document = ? WHERE name = 'KMS CMKFullAccess'",
                   json.dumps(_policy(["*"]))))
    _refused(_open, home, clock)


def test_added_attachment_row_is_refused(home, clock):
    eng = _open(home, clock)
    eng.iam.create_user("bob")
    eng.close()
    _tamper(home, ("INSERT INTO iam_policy_attachment (user_id, policy_id, mac) SELECT u.user_id, "
                   "p.policy_id, '' FROM iam_user u, iam_policy p WHERE u.name = 'bob' "
                   "AND p.name = 'KMS Administrator'",))
    eng = _open(home, clock)
    try:
        err = _refused(eng.iam.detach_policy, "bob", "KMS Administrator")
        assert "iam_policy_attachment row" in err.message
    finally:
        eng.close()


def test_added_attachment_row_grants_nothing(home, clock):
    eng = _open(home, clock)
    eng.iam.create_user("bob")
    eng.close()
    _tamper(home, ("INSERT INTO iam_policy_attachment (user_id, policy_id, mac) SELECT u.user_id, "
                   "p.policy_id, '' FROM iam_user u, iam_policy p WHERE u.name = 'bob' "
                   "AND p.name = 'KMS Administrator'",))
    eng = _open(home, clock)
    try:
        _refused(eng.as_user("bob").kms.create_key, "escalated")
    finally:
        eng.close()


def test_moved_stage_is_refused(home, clock):
    eng = _open(home, clock)
    eng.csms.create_secret("api-token", secret_string="old")
    eng.csms.create_secret_version("api-token", secret_string="new")
    eng.close()
    _tamper(home, ("UPDATE csms_stage SET version_id = 'v1' WHERE stage_name = 'SYSCURRENT'",))
    eng = _open(home, clock)
    try:
        err = _refused(eng.csms.show_secret_version, "api-token")
        assert "csms_stage row" in err.message and "SYSCURRENT" in err.message
    finally:
        eng.close()


def test_secret_pointed_at_another_key_is_refused(home, clock):
    eng = _open(home, clock)
    other = eng.kms.create_key("attacker-readable")
    eng.csms.create_secret("api-token", secret_string="old")
    eng.close()
    _tamper(home, ("UPDATE csms_secret SET kms_key_id = ?", other.key_id))
    eng = _open(home, clock)
    try:
        _refused(eng.csms.create_secret_version, "api-token", secret_string="new")
    finally:
        eng.close()


def test_an_edited_key_row_named_by_a_ciphertext_is_refused_not_called_a_bad_ciphertext(home, clock):
    """decrypt-data finds its key from the ciphertext: an edited key row there is refused with
    the integrity code, not as a ciphertext that cannot be decrypted."""
    eng = _open(home, clock)
    k = eng.kms.create_key("vault")
    blob = eng.kms.encrypt_data(k.key_id, b"hello").cipher_text
    eng.close()
    _tamper(home, ("UPDATE cmk SET key_alias = ? WHERE key_id = ?", "renamed", k.key_id))
    eng = _open(home, clock)
    try:
        _refused(eng.kms.decrypt_data, blob)
    finally:
        eng.close()


def test_an_edited_key_row_under_a_secret_is_refused_not_called_unusable(home, clock):
    """A secret's calls that check its KMS key refuse an edited key row with the integrity
    code, as KMS does: it is not reported as a key that merely cannot be used (CSMS.0401)."""
    eng = _open(home, clock)
    k = eng.kms.create_key("vault")
    eng.csms.create_secret("api-token", secret_string="old", kms_key_id=k.key_id)
    eng.kms.disable_key(k.key_id)
    eng.close()
    _tamper(home, ("UPDATE cmk SET key_state = ? WHERE key_id = ?", ENABLED, k.key_id))
    eng = _open(home, clock)
    try:
        _refused(eng.csms.create_secret_version, "api-token", secret_string="new")
        _refused(eng.csms.create_secret, "other", secret_string="x", kms_key_id=k.key_id)
        assert [v.id for v in eng.csms.list_secret_versions("api-token")] == ["v1"]
    finally:
        eng.close()


def test_user_made_administrator_in_the_file_is_refused(home, clock):
    eng = _open(home, clock)
    eng.iam.create_user("bob")
    eng.close()
    _tamper(home, ("UPDATE iam_user SET is_admin = 1 WHERE name = 'bob'",))
    eng = _open(home, clock)
    try:
        err = _refused(eng.as_user, "bob")
        assert "iam_user row" in err.message
    finally:
        eng.close()


def test_core_update_of_a_protected_table_is_refused(eng):
    with pytest.raises(RuntimeError, match="MAC-protected"):
        with eng.context.db.session() as s:
            s.exec(update(Cmk).values(key_state=ENABLED))


def test_bulk_insert_needs_stamped_rows(eng):
    row = dict(key_id="0000abcd-0000-4000-8000-000000000001", domain_id=eng.principal.domain_id,
               key_alias="bulk", key_spec="AES_256", key_usage="ENCRYPT_DECRYPT", key_state=ENABLED,
               creation_date=eng.now())
    with pytest.raises(RuntimeError, match="MAC-protected"):
        with eng.context.db.session() as s:
            s.execute(insert(Cmk), [row])
    with pytest.raises(RuntimeError, match="MAC-protected"):  # a MAC for other values
        with eng.context.db.session() as s:
            s.execute(insert(Cmk), [dict(stamped(s, Cmk, [row])[0], key_alias="other")])
    with eng.context.db.session() as s:
        s.execute(insert(Cmk), stamped(s, Cmk, [row]))
    assert eng.kms.describe_key(row["key_id"]).key_alias == "bulk"


def test_database_without_mac_columns_is_upgraded_once(home, clock):
    eng = _open(home, clock)
    k = eng.kms.create_key("old")
    eng.kms.create_grant(k.key_id, eng.iam.create_user("bob").name, ["encrypt-data"])
    eng.iam.create_policy("readers", _policy(["kms:cmk:get"]))
    eng.close()
    tables = [m.__table__.name for m in BOUND]
    # as written by a version without MACs, and without the policies' owner account
    _tamper(home, *((f"ALTER TABLE {t} DROP COLUMN mac",) for t in tables),
            ("DELETE FROM meta WHERE name = ?", MARKER),
            ("DROP INDEX ix_iam_policy_domain_id",), ("ALTER TABLE iam_policy DROP COLUMN domain_id",))
    eng = _open(home, clock)
    try:
        assert eng.as_user("bob").kms.encrypt_data(k.key_id, b"hello").cipher_text
        assert "readers" in [p.name for p in eng.iam.list_policies()]
    finally:
        eng.close()
    assert _query(home, "SELECT value FROM meta WHERE name = ?", MARKER) == [("v1",)]
    assert all(re.fullmatch(r"[0-9a-f]{64}", m) for (m,) in _query(home, "SELECT mac FROM cmk"))
    _tamper(home, ("UPDATE kms_grant SET operations = 'encrypt-data,decrypt-data'",))
    eng = _open(home, clock)
    try:
        _refused(eng.as_user("bob").kms.encrypt_data, k.key_id, b"hello")
    finally:
        eng.close()


def test_dropped_mac_column_is_not_trusted_again(home, clock):
    _open(home, clock).close()
    _tamper(home, ("ALTER TABLE iam_user DROP COLUMN mac",))
    err = _refused(_open, home, clock)
    assert "iam_user" in err.message


def test_every_column_of_a_protected_table_is_bound_or_explained():
    for model, fields in BOUND.items():
        columns = {c.name for c in model.__table__.columns} - {"mac"}
        explained = set(fields) | set(UNBOUND.get(model, {}))
        assert columns == explained, model.__table__.name


def test_key_edited_into_pending_deletion_is_not_destroyed(home, clock):
    eng = _open(home, clock)
    k = eng.kms.create_key("keep-me")
    eng.close()
    _tamper(home, (f"UPDATE cmk SET key_state = '4', scheduled_deletion_date = '2000-01-01 00:00:00' "
                   f"WHERE key_id = '{k.key_id}'",))
    eng = _open(home, clock)
    try:
        report = eng.run_due()
        assert report.done.get("delete_due_keys", 0) == 0 and "delete_due_keys" in report.failed
        with eng.context.db.session(write=False) as s:
            from sqlmodel import text
            assert s.exec(text(f"SELECT count(*) FROM cmk WHERE key_id = '{k.key_id}'")).one()[0] == 1
    finally:
        eng.close()
