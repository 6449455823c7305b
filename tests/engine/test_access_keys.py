"""Access keys (AK/SK) and signed requests: managing keys is audited IAM with its refusals,
the secret is shown once and never stored, traced or raised in clear, and
`eng.authenticate` accepts exactly a good signature of an active key, inside the clock
window, for the owner's project — every other request is refused with its gateway code
and writes nothing."""
from __future__ import annotations

import base64
import hashlib
import hmac
import sqlite3
from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlmodel import select

from engine import DewError, Engine, SeededRng
from engine.models.access_keys import AccessKey, AccountProject
from engine.models.core import AuditTrace, User
from policies import allow, count, traces
from refusals import refused

SDK_DATE = "%Y%m%dT%H%M%SZ"
BODY_HASH = hashlib.sha256(b"canonical request").hexdigest()


def string_to_sign(when) -> str:
    return f"SDK-HMAC-SHA256\n{when.strftime(SDK_DATE)}\n{BODY_HASH}"


def sign(secret: str, text: str) -> str:
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()


def trace_count(eng) -> int:
    with eng.context.db.session(write=False) as s:
        return int(s.exec(select(func.count()).select_from(AuditTrace)).one())


def key_row(eng, access: str) -> AccessKey | None:
    with eng.context.db.session(write=False) as s:
        return s.get(AccessKey, access)


def encodings(secret: str) -> list[bytes]:
    raw = secret.encode()
    return [raw, raw.hex().encode(), base64.b64encode(raw)[:-4], base64.urlsafe_b64encode(raw)[:-4]]


@pytest.fixture
def alice(eng):
    """User `alice` of the local account (no policy) and one access key of hers."""
    eng.iam.create_user("alice")
    return eng.iam.create_access_key(user_name="alice", description="ci runner")


# --- managing keys -----------------------------------------------------------------------
def test_create_list_update_delete(eng, alice):
    local = eng.principal.domain_id
    assert len(alice.access) == 20 and alice.access.isupper() and alice.access.isalnum()
    assert len(alice.secret) == 40 and alice.secret.isalnum()
    assert (alice.user_name, alice.status, alice.description) == ("alice", "active", "ci runner")
    [info] = eng.iam.list_access_keys("alice")
    assert (info.access, info.status, info.description, info.last_used_at) == \
        (alice.access, "active", "ci runner", None)
    assert not hasattr(info, "secret")
    assert eng.iam.update_access_key(alice.access, "inactive").status == "inactive"
    assert [k.status for k in eng.iam.list_access_keys("alice")] == ["inactive"]
    eng.iam.delete_access_key(alice.access)
    assert eng.iam.list_access_keys("alice") == [] and count(eng, AccessKey) == 0
    for name in ("createAccessKey", "updateAccessKey", "deleteAccessKey"):
        [t] = traces(eng, local, name)
        assert (t.trace_rating, t.code, t.resource_id, t.resource_name, t.user) == \
            ("normal", "200", alice.access, "alice", "admin")


def test_the_secret_is_sealed_and_shown_once(eng, alice, home):
    """Nothing the engine writes or raises holds it, in clear, hex or base64."""
    row = key_row(eng, alice.access)
    assert eng.context.hsm.open(row.secret_sealed, "access-key", alice.access) == alice.secret.encode()
    refused("KMS.0101", eng.context.hsm.open, row.secret_sealed, "access-key", "K" * 20)
    assert alice.secret not in repr(alice) and alice.secret not in str(eng.iam.list_access_keys("alice"))
    errors = []
    sts = string_to_sign(eng.now())
    eng.iam.create_access_key(user_name="alice")
    for fn in (lambda: eng.iam.update_access_key(alice.access, "disabled"),
               lambda: eng.iam.create_access_key(user_name="alice"),
               lambda: eng.authenticate(alice.access, sts, sign(alice.secret, sts), project_id="0" * 32),
               lambda: eng.authenticate(alice.access, sts, sign(alice.secret + "x", sts),
                                        project_id=eng.project_id)):
        with pytest.raises(DewError) as ei:
            fn()
        errors.append(f"{ei.value} {ei.value!r}")
    eng.iam.update_access_key(alice.access, "inactive")
    with eng.context.db.session(write=False) as s:
        trail = "".join(t.request + t.response + t.message for t in s.exec(select(AuditTrace)).all())
    eng.close()
    files = b"".join((home / n).read_bytes() for n in ("dew.db", "dew.db-wal") if (home / n).exists())
    assert alice.access.encode() in files and alice.access in trail  # the scan reads real content
    for enc in encodings(alice.secret):
        assert enc not in files
        assert enc.decode() not in trail
        assert all(enc.decode() not in e for e in errors)


def test_a_user_holds_at_most_two_keys(eng, alice):
    eng.iam.create_access_key(user_name="alice")
    refused("IAM.0010", eng.iam.create_access_key, user_name="alice")
    assert count(eng, AccessKey) == 2
    assert [t.code for t in traces(eng, eng.principal.domain_id, "createAccessKey")] == \
        ["200", "200", "IAM.0010"]


@pytest.mark.parametrize("call, code", [
    (lambda iam: iam.create_access_key(user_name="nobody"), "IAM.0404"),
    (lambda iam: iam.create_access_key(user_name="no such/user"), "IAM.0001"),
    (lambda iam: iam.create_access_key(user_name="alice", description="x" * 256), "IAM.0001"),
    (lambda iam: iam.create_access_key(user_name="alice", description="a\x07b"), "IAM.0001"),
    (lambda iam: iam.list_access_keys("nobody"), "IAM.0404"),
    (lambda iam: iam.update_access_key("A" * 20, "inactive"), "IAM.0404"),
    (lambda iam: iam.update_access_key("lower-case-is-wrong!", "inactive"), "IAM.0001"),
    (lambda iam: iam.delete_access_key("A" * 19), "IAM.0001"),
], ids=["unknown-user", "bad-user-name", "long-description", "control-in-description",
        "list-unknown-user", "unknown-key", "malformed-key", "short-key"])
def test_bad_requests_refused(eng, alice, call, code):
    before = count(eng, AccessKey)
    refused(code, call, eng.iam)
    assert count(eng, AccessKey) == before


def test_bad_status_refused(eng, alice):
    refused("IAM.0001", eng.iam.update_access_key, alice.access, "disabled")
    assert key_row(eng, alice.access).status == "active"
    [t] = traces(eng, eng.principal.domain_id, "updateAccessKey")
    assert (t.code, t.trace_rating) == ("IAM.0001", "warning")


# --- who may manage whose keys -------------------------------------------------------------
def test_a_user_manages_its_own_keys_without_a_policy(eng, alice):
    as_alice = eng.as_user("alice")
    second = as_alice.iam.create_access_key(user_name="alice")
    assert {k.access for k in as_alice.iam.list_access_keys("alice")} == {alice.access, second.access}
    as_alice.iam.update_access_key(second.access, "inactive")
    as_alice.iam.delete_access_key(second.access)
    [t] = traces(eng, eng.principal.domain_id, "deleteAccessKey")
    assert t.user == "alice" and t.code == "200"


def test_others_keys_need_the_credentials_actions(eng, alice):
    eng.iam.create_user("bob")
    bob = eng.as_user("bob")
    for fn, args in ((bob.iam.create_access_key, {"user_name": "alice"}),
                     (bob.iam.list_access_keys, {"user_name": "alice"}),
                     (bob.iam.update_access_key, {"access": alice.access, "status": "inactive"}),
                     (bob.iam.delete_access_key, {"access": alice.access})):
        err = refused("IAM.0403", fn, **args)
        assert "iam:credentials:" in err.message and "alice" in err.message
    assert key_row(eng, alice.access).status == "active" and count(eng, AccessKey) == 1
    assert [(t.code, t.user) for t in traces(eng, eng.principal.domain_id, "listAccessKeys")] == \
        [("IAM.0403", "bob")]
    eng.iam.create_policy("key-keepers", allow(["iam:credentials:*"]))
    eng.iam.attach_policy("bob", "key-keepers")
    bob.iam.update_access_key(alice.access, "inactive")
    assert [k.status for k in bob.iam.list_access_keys("alice")] == ["inactive"]


def test_a_deny_stops_a_user_managing_its_own_keys(eng, alice):
    eng.iam.create_policy("no-keys", allow(["iam:credentials:create"], effect="Deny"))
    eng.iam.attach_policy("alice", "no-keys")
    refused("IAM.0403", eng.as_user("alice").iam.create_access_key, user_name="alice")
    assert count(eng, AccessKey) == 1
    eng.as_user("alice").iam.update_access_key(alice.access, "inactive")  # not denied


def test_another_accounts_user_and_key_are_unknown(eng, alice, partner):
    local = eng.principal.domain_id
    refused("IAM.0404", partner.iam.create_access_key, user_name="alice")
    refused("IAM.0404", partner.iam.list_access_keys, "alice")
    refused("IAM.0404", partner.iam.update_access_key, alice.access, "inactive")
    refused("IAM.0404", partner.iam.delete_access_key, alice.access)
    refused("IAM.0404", eng.iam.create_access_key, user_name="mallory")
    assert key_row(eng, alice.access).status == "active" and count(eng, AccessKey) == 1
    # the refusals reach the trail of the account that holds the key
    assert [t.user for t in traces(eng, local, "deleteAccessKey")] == ["mallory"]
    assert [t.code for t in traces(eng, local, "updateAccessKey")] == ["IAM.0404"]


def test_a_user_owning_keys_cannot_be_deleted(eng, alice):
    err = refused("IAM.0403", eng.iam.delete_user, "alice")
    assert "access key" in err.message
    assert eng.iam.show_user("alice").name == "alice" and count(eng, AccessKey) == 1
    eng.iam.delete_access_key(alice.access)
    eng.iam.delete_user("alice")
    assert count(eng, User) == 1


def test_a_key_enabled_in_the_file_is_refused(home, clock):
    eng = Engine.open(home=home, clock=clock, rng=SeededRng(7))
    eng.iam.create_user("alice")
    created = eng.iam.create_access_key(user_name="alice")
    eng.iam.update_access_key(created.access, "inactive")
    project = eng.project_id
    eng.close()
    with sqlite3.connect(home / "dew.db") as db:
        db.execute("UPDATE access_keys SET status = 'active' WHERE access = ?", (created.access,))
    eng = Engine.open(home=home, clock=clock, rng=SeededRng(8))
    try:
        sts = string_to_sign(clock.now())
        refused("DEW.0010", eng.authenticate, created.access, sts, sign(created.secret, sts),
                project_id=project)
    finally:
        eng.close()


# --- the project id ------------------------------------------------------------------------
def test_project_id_is_fixed_per_account(home, clock, partner):
    eng = Engine.open(home=home, clock=clock, rng=SeededRng(7))
    try:
        local = eng.project_id
        assert len(local) == 32 and int(local, 16) >= 0 and local == local.lower()
        assert eng.as_user("admin").project_id == local
        theirs = eng.as_user("mallory").project_id
        assert theirs != local and eng.as_user("padmin").project_id == theirs
    finally:
        eng.close()
    again = Engine.open(home=home, clock=clock, rng=SeededRng(99))
    try:
        assert again.project_id == local
    finally:
        again.close()


# --- authenticating a signed request ----------------------------------------------------
def test_good_signature_acts_as_the_owner(eng, alice, clock):
    sts = string_to_sign(clock.now())
    view = eng.authenticate(alice.access, sts, sign(alice.secret, sts), project_id=eng.project_id,
                            client_ip="192.0.2.7")
    assert view.principal.name == "alice" and view.context.source == "api"
    assert view.context.client_ip == "192.0.2.7"
    refused("KMS.0306", view.kms.create_key, "from-the-sdk")  # alice holds no policy
    [t] = traces(eng, eng.principal.domain_id, "createKey")
    assert (t.user, t.source, t.source_ip, t.code) == ("alice", "api", "192.0.2.7", "KMS.0306")
    assert key_row(eng, alice.access).last_used_at == clock.now()


@pytest.mark.parametrize("skew", [timedelta(minutes=15), -timedelta(minutes=15)])
def test_dates_at_the_edge_of_the_window_pass(eng, alice, clock, skew):
    sts = string_to_sign(clock.now() + skew)
    assert eng.authenticate(alice.access, sts, sign(alice.secret, sts),
                            project_id=eng.project_id).principal.name == "alice"


REFUSALS = {
    "wrong-secret": lambda a, sts, pid: (a.access, sts, sign("x" * 40, sts), pid),
    "unknown-access": lambda a, sts, pid: ("A" * 20, sts, sign(a.secret, sts), pid),
    "malformed-access": lambda a, sts, pid: ("nope", sts, sign(a.secret, sts), pid),
    "tampered-string": lambda a, sts, pid: (a.access, sts + "0", sign(a.secret, sts), pid),
    "not-hex-signature": lambda a, sts, pid: (a.access, sts, "zz" * 32, pid),
    "non-ascii-signature": lambda a, sts, pid: (a.access, sts, "é" * 64, pid),
    "other-algorithm": lambda a, sts, pid: (a.access, sts.replace("SDK-HMAC-SHA256", "SDK-HMAC-SM3"),
                                            sign(a.secret, sts.replace("SDK-HMAC-SHA256", "SDK-HMAC-SM3")), pid),
    "no-date": lambda a, sts, pid: (a.access, "SDK-HMAC-SHA256\n\nabc", sign(a.secret, "SDK-HMAC-SHA256\n\nabc"), pid),
    "not-text": lambda a, sts, pid: (a.access, sts.encode(), sign(a.secret, sts), pid),
}


@pytest.mark.parametrize("name", sorted(REFUSALS))
def test_bad_credentials_refused_writing_nothing(eng, alice, clock, name):
    project = eng.project_id
    before = trace_count(eng)
    args = REFUSALS[name](alice, string_to_sign(clock.now()), project)
    err = refused("APIGW.0301", eng.authenticate, *args[:3], project_id=args[3])
    assert err.http_status == 401
    assert trace_count(eng) == before and key_row(eng, alice.access).last_used_at is None


def test_unknown_inactive_and_bad_signature_answer_alike(eng, alice, clock):
    sts = string_to_sign(clock.now())
    pid = eng.project_id
    unknown = refused("APIGW.0301", eng.authenticate, "B" * 20, sts, sign(alice.secret, sts), project_id=pid)
    bad = refused("APIGW.0301", eng.authenticate, alice.access, sts, sign("y" * 40, sts), project_id=pid)
    eng.iam.update_access_key(alice.access, "inactive")
    before = trace_count(eng)
    inactive = refused("APIGW.0301", eng.authenticate, alice.access, sts, sign(alice.secret, sts),
                       project_id=pid)
    assert unknown.message == bad.message == inactive.message
    assert trace_count(eng) == before


@pytest.mark.parametrize("skew", [timedelta(minutes=15, seconds=1), -timedelta(minutes=16)])
def test_stale_date_refused(eng, alice, clock, skew):
    pid = eng.project_id
    before = trace_count(eng)
    sts = string_to_sign(clock.now() + skew)
    err = refused("APIGW.0301", eng.authenticate, alice.access, sts, sign(alice.secret, sts), project_id=pid)
    assert "15 minutes" in err.message and err.http_status == 401
    assert trace_count(eng) == before and key_row(eng, alice.access).last_used_at is None


def test_a_request_signed_long_ago_is_refused_later(eng, alice, clock):
    sts = string_to_sign(clock.now())
    signature, pid = sign(alice.secret, sts), eng.project_id
    eng.authenticate(alice.access, sts, signature, project_id=pid)
    clock.advance(timedelta(minutes=16))
    refused("APIGW.0301", eng.authenticate, alice.access, sts, signature, project_id=pid)


def test_another_project_refused_writing_nothing(eng, alice, clock, partner):
    theirs = partner.project_id
    before = trace_count(eng)
    sts = string_to_sign(clock.now())
    for project in (theirs, "0" * 32, ""):
        err = refused("APIGW.0302", eng.authenticate, alice.access, sts, sign(alice.secret, sts),
                      project_id=project)
        assert err.http_status == 403
    assert trace_count(eng) == before and key_row(eng, alice.access).last_used_at is None


def test_an_account_without_a_project_id_yet_matches_nothing(eng, alice, clock):
    sts = string_to_sign(clock.now())
    refused("APIGW.0302", eng.authenticate, alice.access, sts, sign(alice.secret, sts), project_id="0" * 32)
    assert count(eng, AccessKey) == 1
    with eng.context.db.session(write=False) as s:
        assert s.exec(select(AccountProject)).all() == []


def test_a_deleted_key_signs_nothing(eng, alice, clock):
    pid = eng.project_id
    eng.iam.delete_access_key(alice.access)
    sts = string_to_sign(clock.now())
    refused("APIGW.0301", eng.authenticate, alice.access, sts, sign(alice.secret, sts), project_id=pid)


def test_a_key_still_signs_after_root_key_rotation(eng, alice, clock):
    pid = eng.project_id
    before = key_row(eng, alice.access).secret_sealed
    eng.rotate_root_key()
    assert key_row(eng, alice.access).secret_sealed != before
    sts = string_to_sign(clock.now())
    assert eng.authenticate(alice.access, sts, sign(alice.secret, sts), project_id=pid).principal.name == "alice"
    refused("APIGW.0301", eng.authenticate, alice.access, sts, sign("z" * 40, sts), project_id=pid)
