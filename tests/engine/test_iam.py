"""Users, policies and the permission decision (SPEC §8)."""
from __future__ import annotations

import pytest

from engine import DewError
from policies import allow


def test_new_user_has_no_permission(eng):
    eng.iam.create_user("bob")
    with pytest.raises(DewError) as ei:
        eng.as_user("bob").kms.create_key("k")
    assert ei.value.code == "KMS.0306" and ei.value.http_status == 403


def test_policy_allows_and_deny_wins(eng):
    eng.iam.create_user("bob")
    eng.iam.create_policy("creators", allow(["kms:cmk:create", "kms:cmk:get"]))
    eng.iam.attach_policy("bob", "creators")
    bob = eng.as_user("bob")
    k = bob.kms.create_key("bobs-key")
    assert bob.kms.describe_key(k.key_id).key_alias == "bobs-key"
    eng.iam.create_policy("no-get", allow(["kms:cmk:get"], effect="Deny"))
    eng.iam.attach_policy("bob", "no-get")
    with pytest.raises(DewError) as ei:
        bob.kms.describe_key(k.key_id)
    assert ei.value.code == "KMS.0306"
    sim = eng.iam.simulate("bob", "kms:cmk:get", k.key_id)
    assert not sim.allowed and "no-get" in sim.reason
    eng.iam.detach_policy("bob", "no-get")
    assert eng.iam.simulate("bob", "kms:cmk:get", k.key_id).allowed


def test_policy_resource_scoped_to_one_key(eng):
    a = eng.kms.create_key("a")
    b = eng.kms.create_key("b")
    eng.iam.create_user("carol")
    eng.iam.create_policy("only-a", allow(["kms:cmk:get"], [f"KMS:*:*:KeyId:{a.key_id}"]))
    eng.iam.attach_policy("carol", "only-a")
    carol = eng.as_user("carol")
    assert carol.kms.describe_key(a.key_id).key_alias == "a"
    with pytest.raises(DewError) as ei:
        carol.kms.describe_key(b.key_id)
    assert ei.value.code == "KMS.0306"


def test_wildcard_action(eng):
    eng.iam.create_user("dave")
    eng.iam.create_policy("all-cmk", allow(["kms:cmk:*"]))
    eng.iam.attach_policy("dave", "all-cmk")
    assert eng.iam.simulate("dave", "kms:cmk:crypto").allowed
    assert not eng.iam.simulate("dave", "csms:secret:create").allowed


def test_system_policies_exist(eng):
    names = {p.name for p in eng.iam.list_policies()}
    assert {"KMS Administrator", "KMS CMKFullAccess"} <= names
    eng.iam.create_user("erin")
    eng.iam.attach_policy("erin", "KMS Administrator")
    assert eng.iam.simulate("erin", "csms:secret:create").allowed


@pytest.mark.parametrize("doc", [
    "not json", {"Statement": []}, {"Statement": [{"Effect": "Maybe", "Action": ["a"]}]},
    {"Statement": [{"Effect": "Allow", "Action": "kms:cmk:get"}]},
])
def test_invalid_policy_documents_refused(eng, doc):
    with pytest.raises(DewError) as ei:
        eng.iam.create_policy("bad", doc)
    assert ei.value.code == "IAM.0001"
    assert "bad" not in {p.name for p in eng.iam.list_policies()}


def test_user_rules(eng):
    eng.iam.create_user("bob")
    with pytest.raises(DewError) as ei:
        eng.iam.create_user("bob")
    assert ei.value.code == "IAM.0409"
    with pytest.raises(DewError) as ei:
        eng.iam.create_user("no spaces")
    assert ei.value.code == "IAM.0001"
    with pytest.raises(DewError) as ei:
        eng.as_user("bob").iam.create_user("mallory")
    assert ei.value.http_status == 403
    u = eng.iam.create_user("ext", domain="partner")
    assert u.domain_name == "partner" and u.domain_id != eng.principal.domain_id
    # IAM reads stay inside the caller's account; the operator's view sees every account
    assert [x.name for x in eng.iam.list_users()] == ["admin", "bob"]
    assert [x.name for x in eng.principals()] == ["admin", "bob", "ext"]


def test_admin_of_another_account_cannot_touch_keys(eng):
    k = eng.kms.create_key("a")
    eng.iam.create_user("other", domain="partner", admin=True)
    other = eng.as_user("other")
    other.iam.create_policy("all", allow(["kms:*:*"]))
    other.iam.create_user("worker")
    other.iam.attach_policy("worker", "all")
    # neither an administrator nor a policy of another account reaches this account's keys:
    # the key answers like an unknown one
    for who in ("other", "worker"):
        with pytest.raises(DewError) as ei:
            eng.as_user(who).kms.describe_key(k.key_id)
        assert ei.value.code == "KMS.0207"
