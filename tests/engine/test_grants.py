"""Grants: creation rules, enforcement, hand-on, revoke, retire, and every refusal."""
from __future__ import annotations

import re
from dataclasses import replace

import pytest
from sqlmodel import select

from engine import Engine, SeededRng, Settings
from engine.models.core import AuditTrace
from refusals import code_of


def trace_names(eng, rating="normal"):
    with eng.context.db.session(write=False) as s:
        return [t.trace_name for t in s.exec(select(AuditTrace).where(AuditTrace.trace_rating == rating)
                                             .order_by(AuditTrace.seq)).all()]


@pytest.fixture
def people(eng):
    users = {n: eng.iam.create_user(n) for n in ("bob", "dave", "erin")}
    users["carol"] = eng.iam.create_user("carol", domain="partner")
    return users


def test_grant_opens_exactly_its_operations_and_revoke_closes(eng, people):
    k = eng.kms.create_key("shared")
    bob = eng.as_user("bob")
    assert code_of(bob.kms.describe_key, k.key_id) == "KMS.0306"
    assert "describeKey" in trace_names(eng, "warning")
    gid = eng.kms.create_grant(k.key_id, "bob", ["describe-key"], name="read-only")
    assert re.fullmatch(r"[0-9a-f]{64}", gid)
    assert bob.kms.describe_key(k.key_id).key_id == k.key_id
    assert code_of(bob.kms.create_grant, k.key_id, "dave", ["describe-key"]) == "KMS.0306"
    (g,) = eng.kms.list_grants(k.key_id)
    assert (g.grant_id, g.grantee_principal, g.grantee_principal_type, g.operations, g.name) == \
        (gid, people["bob"].user_id, "user", ("describe-key",), "read-only")
    assert g.issuing_principal == eng.principal.user_id and g.creation_date == eng.now()
    eng.kms.revoke_grant(k.key_id, gid)
    assert code_of(bob.kms.describe_key, k.key_id) == "KMS.0306"
    assert eng.kms.list_grants(k.key_id) == []
    names = trace_names(eng)
    assert {"createGrant", "listGrants", "revokeGrant"} <= set(names)


def test_grantee_by_user_id_and_grant_to_account(eng, people):
    k = eng.kms.create_key("acct")
    carol = eng.as_user("carol")
    # another account's key without a grant answers like an unknown key (no existence oracle)
    assert code_of(carol.kms.describe_key, k.key_id) == "KMS.0207"
    gid = eng.kms.create_grant(k.key_id, "partner", ["describe-key"], grantee_principal_type="domain")
    assert carol.kms.describe_key(k.key_id).key_alias == "acct"
    (g,) = eng.kms.list_grants(k.key_id)
    assert g.grantee_principal == people["carol"].domain_id
    eng.kms.revoke_grant(k.key_id, gid)
    eng.kms.create_grant(k.key_id, people["carol"].domain_id, ["describe-key"], grantee_principal_type="domain")
    eng.kms.create_grant(k.key_id, people["bob"].user_id, ["describe-key"])
    assert eng.as_user("bob").kms.describe_key(k.key_id).key_id == k.key_id
    assert carol.kms.describe_key(k.key_id).key_id == k.key_id


def test_operation_refusals(eng, people):
    k = eng.kms.create_key("ops")
    cg = eng.kms.create_grant
    assert code_of(cg, k.key_id, "bob", ["create-grant"]) == "KMS.2401"
    assert code_of(cg, k.key_id, "bob", ["create-grant", "create-grant"]) == "KMS.2401"
    assert code_of(cg, k.key_id, "bob", []) == "KMS.0308"
    assert code_of(cg, k.key_id, "bob", "describe-key") == "KMS.0308"
    assert code_of(cg, k.key_id, "bob", ["describe-key", "delete-key"]) == "KMS.0308"
    assert code_of(cg, k.key_id, "bob", ["describe-key"], grantee_principal_type="agency") == "KMS.0308"
    assert code_of(cg, k.key_id, "bob", ["describe-key"], name="bad name!") == "KMS.0308"
    assert code_of(cg, k.key_id, "nobody", ["describe-key"]) == "KMS.2402"
    assert code_of(cg, k.key_id, "bob", ["describe-key"], grantee_principal_type="domain") == "KMS.2402"
    assert code_of(cg, k.key_id, "bob", ["describe-key"], retiring_principal="nobody") == "KMS.2402"
    assert code_of(cg, "00000000-0000-4000-8000-000000000000", "bob", ["describe-key"]) == "KMS.0207"
    assert eng.kms.list_grants(k.key_id) == []


def test_key_refusals(eng, people):
    default = eng.kms.get_default_key("obs")
    assert code_of(eng.kms.create_grant, default.key_id, "bob", ["describe-key"]) == "KMS.0211"
    k = eng.kms.create_key("off")
    eng.kms.disable_key(k.key_id)
    assert code_of(eng.kms.create_grant, k.key_id, "bob", ["describe-key"]) == "KMS.0209"
    eng.kms.schedule_key_deletion(k.key_id, 7)
    assert code_of(eng.kms.create_grant, k.key_id, "bob", ["describe-key"]) == "KMS.0210"
    ext = eng.kms.create_key("ext", origin="external")
    assert code_of(eng.kms.create_grant, ext.key_id, "bob", ["describe-key"]) == "KMS.0310"


def test_grant_quota(home, clock):
    eng = Engine.open(home=home, clock=clock, rng=SeededRng(3),
                      settings=replace(Settings(), grants_per_key=2))
    try:
        eng.iam.create_user("bob")
        k = eng.kms.create_key("q")
        eng.kms.create_grant(k.key_id, "bob", ["describe-key"])
        eng.kms.create_grant(k.key_id, "bob", ["encrypt-data"])
        assert code_of(eng.kms.create_grant, k.key_id, "bob", ["decrypt-data"]) == "KMS.2404"
        assert len(eng.kms.list_grants(k.key_id)) == 2
    finally:
        eng.close()


def test_grantee_hands_on_only_what_it_holds(eng, people):
    k = eng.kms.create_key("chain")
    eng.kms.create_grant(k.key_id, "bob", ["create-grant", "describe-key"])
    bob_gid = eng.kms.create_grant(k.key_id, "bob", ["encrypt-data"])
    bob = eng.as_user("bob")
    assert code_of(bob.kms.create_grant, k.key_id, "dave", ["decrypt-data"]) == "KMS.0306"
    assert code_of(bob.kms.create_grant, k.key_id, "dave", ["describe-key", "retire-grant"]) == "KMS.0306"
    dave_gid = bob.kms.create_grant(k.key_id, "dave", ["describe-key", "encrypt-data"])  # union of bob's
    by_id = {g.grant_id: g for g in eng.kms.list_grants(k.key_id)}
    assert by_id[dave_gid].issuing_principal == people["bob"].user_id
    # bob is not the owner: he cannot list or revoke
    assert code_of(bob.kms.list_grants, k.key_id) == "KMS.0306"
    assert code_of(bob.kms.revoke_grant, k.key_id, dave_gid) == "KMS.0306"
    # revoking bob's grants leaves the grant he made for dave alone
    for gid in list(by_id):
        if by_id[gid].grantee_principal == people["bob"].user_id:
            eng.kms.revoke_grant(k.key_id, gid)
    assert bob_gid not in {g.grant_id for g in eng.kms.list_grants(k.key_id)}
    assert eng.as_user("dave").kms.describe_key(k.key_id).key_id == k.key_id
    assert code_of(bob.kms.describe_key, k.key_id) == "KMS.0306"


def test_revoke_refusals(eng, people):
    a = eng.kms.create_key("a")
    b = eng.kms.create_key("b")
    gid = eng.kms.create_grant(a.key_id, "bob", ["describe-key"])
    assert code_of(eng.kms.revoke_grant, a.key_id, "f" * 64) == "KMS.2501"
    assert code_of(eng.kms.revoke_grant, a.key_id, None) == "KMS.2501"
    assert code_of(eng.kms.revoke_grant, b.key_id, gid) == "KMS.2502"
    eng.kms.revoke_grant(a.key_id, gid)
    assert code_of(eng.kms.revoke_grant, a.key_id, gid) == "KMS.2501"


def test_retire_by_retiring_principal_grantee_or_issuer(eng, people):
    k = eng.kms.create_key("retire")
    g1 = eng.kms.create_grant(k.key_id, "bob", ["describe-key"], retiring_principal="dave")
    g2 = eng.kms.create_grant(k.key_id, "bob", ["describe-key", "retire-grant"])
    g3 = eng.kms.create_grant(k.key_id, "erin", ["describe-key"])
    bob, dave, erin = (eng.as_user(n) for n in ("bob", "dave", "erin"))
    assert [g.grant_id for g in dave.kms.list_retirable_grants()] == [g1]
    assert [g.grant_id for g in bob.kms.list_retirable_grants()] == [g2]
    assert erin.kms.list_retirable_grants() == []
    assert {g.grant_id for g in eng.kms.list_retirable_grants()} == {g1, g2, g3}  # the issuer
    assert code_of(bob.kms.retire_grant, k.key_id, g1) == "KMS.0306"
    assert code_of(erin.kms.retire_grant, k.key_id, g3) == "KMS.0306"
    assert code_of(dave.kms.retire_grant, k.key_id, "0" * 64) == "KMS.2501"
    dave.kms.retire_grant(k.key_id, g1)
    bob.kms.retire_grant(k.key_id, g2)
    eng.kms.retire_grant(k.key_id, g3)
    assert eng.kms.list_grants(k.key_id) == []
    assert trace_names(eng).count("retireGrant") == 3


def test_grants_cover_crypto_operations_exactly(eng, people):
    k = eng.kms.create_key("crypto")
    bob = eng.as_user("bob")
    assert code_of(bob.kms.encrypt_data, k.key_id, b"hi") == "KMS.0306"
    eng.kms.create_grant(k.key_id, "bob", ["encrypt-data"])
    ct = bob.kms.encrypt_data(k.key_id, b"hi").cipher_text
    assert code_of(bob.kms.decrypt_data, ct) == "KMS.0306"
    assert code_of(bob.kms.create_datakey, k.key_id) == "KMS.0306"
    gid = eng.kms.create_grant(k.key_id, "bob", ["decrypt-data", "create-datakey"])
    assert bob.kms.decrypt_data(ct).plain_text == b"hi"  # the union of bob's grants
    assert len(bob.kms.create_datakey(k.key_id).plain_text) == 32
    eng.kms.revoke_grant(k.key_id, gid)
    assert code_of(bob.kms.decrypt_data, ct) == "KMS.0306"
