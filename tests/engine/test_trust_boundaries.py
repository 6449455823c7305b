"""The permission model's boundaries: accounts, IAM reads, resource-scoped secret policies,
KMS rights on a secret's key, names that end in a line break, and the argument guard."""
from __future__ import annotations

import pytest

from engine import DewError
from engine.models.core import AuditTrace, Policy, PolicyAttachment, User
from engine.models.csms import Secret
from policies import allow, count, traces
from refusals import code_of


# --- IAM never acts across accounts ---------------------------------------------------
def test_iam_policy_in_another_account_cannot_take_over_this_one(eng, partner):
    local = eng.principal.domain_id
    k = eng.kms.create_key("crown-jewels")
    ct = eng.kms.encrypt_data(k.key_id, b"secret").cipher_text
    users_before = count(eng, User)
    assert code_of(partner.iam.create_user, "sleeper", domain="local") == "IAM.0403"
    eng.iam.create_user("bob")
    assert code_of(partner.iam.attach_policy, "bob", "KMS Administrator") == "IAM.0404"
    assert code_of(partner.iam.attach_policy, "bob", "iam-all") == "IAM.0404"
    assert code_of(partner.iam.show_user, "admin") == "IAM.0404"
    assert count(eng, User) == users_before + 1
    with pytest.raises(DewError):
        eng.as_user("bob").kms.decrypt_data(ct)
    # the local account's own audit view shows the attempts
    assert [t.trace_rating for t in traces(eng, local, "createUser") if t.user == "mallory"] == ["warning"]
    assert len([t for t in traces(eng, local, "attachPolicy") if t.user == "mallory"]) == 2
    partner_domain = partner.principal.domain_id
    assert any(t.user == "mallory" for t in traces(eng, partner_domain, "createUser"))


def test_a_new_account_is_made_only_by_an_administrator(eng):
    eng.iam.create_user("bob")
    eng.iam.create_policy("users", allow(["iam:users:create"]))
    eng.iam.attach_policy("bob", "users")
    bob = eng.as_user("bob")
    assert bob.iam.create_user("carol").domain_id == eng.principal.domain_id
    assert code_of(bob.iam.create_user, "dave", domain="elsewhere") == "IAM.0403"
    assert code_of(bob.iam.create_user, "erin", admin=True) == "IAM.0403"


# --- IAM reads need permissions -------------------------------------------------------
@pytest.mark.parametrize("call", [
    lambda iam: iam.list_users(), lambda iam: iam.show_user("admin"),
    lambda iam: iam.list_policies(), lambda iam: iam.simulate("admin", "kms:cmk:get"),
])
def test_iam_reads_need_permission(eng, call):
    eng.iam.create_user("nobody")
    assert code_of(call, eng.as_user("nobody").iam) == "IAM.0403"


def test_iam_reads_never_show_another_account(eng, partner):
    eng.iam.create_user("bob")
    eng.iam.create_policy("local-only", allow(["kms:cmk:get"]))
    names = {u.name for u in partner.iam.list_users()}
    assert names == {"padmin", "mallory"}
    policies = {p.name for p in partner.iam.list_policies()}
    assert "iam-all" in policies and "local-only" not in policies
    assert "KMS Administrator" in policies  # system policies are everyone's
    assert code_of(partner.iam.simulate, "bob", "kms:cmk:get") == "IAM.0404"


# --- secret-scoped policies -----------------------------------------------------------
def test_deny_on_one_secret_is_honoured(eng):
    for name in ("db", "web", "DB"):
        eng.csms.create_secret(name, secret_string="v-" + name)
    eng.iam.create_user("bob")
    eng.iam.create_policy("all-secrets", allow(["csms:secret:*"]))
    eng.iam.create_policy("not-db", allow(["csms:secret:*"], ["csms:*:*:secret:db"], "Deny"))
    eng.iam.attach_policy("bob", "all-secrets")
    eng.iam.attach_policy("bob", "not-db")
    bob = eng.as_user("bob")
    assert code_of(bob.csms.show_secret_version, "db") == "CSMS.0302"
    assert code_of(bob.csms.list_secret_versions, "db") == "CSMS.0302"
    assert code_of(bob.csms.create_secret_version, "db", secret_string="x") == "CSMS.0302"
    assert bob.csms.show_secret_version("web").secret_string == "v-web"
    assert bob.csms.show_secret_version("DB").secret_string == "v-DB"  # names keep their case
    assert eng.iam.simulate("bob", "csms:secret:getVersion", "secret:db").reason.startswith(
        "denied by policy not-db")


def test_allow_scoped_to_one_secret(eng):
    eng.csms.create_secret("app-db", secret_string="a")
    eng.csms.create_secret("payroll", secret_string="p")
    eng.iam.create_user("app")
    eng.iam.create_policy("app-secrets", allow(["csms:secret:getVersion"], ["CSMS:*:*:secret:app-*"]))
    eng.iam.attach_policy("app", "app-secrets")
    app = eng.as_user("app")
    assert app.csms.show_secret_version("app-db").secret_string == "a"
    assert code_of(app.csms.show_secret_version, "payroll") == "CSMS.0302"
    # a resource-scoped Allow does not open account-wide actions
    assert code_of(app.csms.list_secrets) == "CSMS.0302"


# --- a secret's custom key needs the caller's KMS rights --------------------------------
def test_custom_key_needs_kms_rights_default_key_does_not(eng):
    k = eng.kms.create_key("sealer")
    eng.csms.create_secret("owned", secret_string="x", kms_key_id=k.key_id)
    eng.iam.create_user("bob")
    eng.iam.create_policy("secrets-only", allow(["csms:secret:*"]))
    eng.iam.attach_policy("bob", "secrets-only")
    bob = eng.as_user("bob")
    before = count(eng, Secret)
    assert code_of(bob.csms.create_secret, "mine", secret_string="y", kms_key_id=k.key_id) == "CSMS.0302"
    assert count(eng, Secret) == before
    assert code_of(bob.csms.show_secret_version, "owned") == "CSMS.0302"
    assert code_of(bob.csms.create_secret_version, "owned", secret_string="z") == "CSMS.0302"
    bob.csms.create_secret("on-default", secret_string="d")  # csms/default is exempt
    assert bob.csms.show_secret_version("on-default").secret_string == "d"
    eng.kms.create_grant(k.key_id, "bob", ["create-datakey", "decrypt-datakey"])
    assert bob.csms.show_secret_version("owned").secret_string == "x"
    bob.csms.create_secret("mine", secret_string="y", kms_key_id=k.key_id)


# --- names that end in a line break -------------------------------------------------------
@pytest.mark.parametrize("call,code", [
    (lambda e: e.csms.create_secret("s1\n", secret_string="x"), "CSMS.0002"),
    (lambda e: e.iam.create_user("admin\n"), "IAM.0001"),
    (lambda e: e.iam.create_policy("p\n", allow(["kms:cmk:get"])), "IAM.0001"),
    (lambda e: e.kms.create_key("alias\n"), "KMS.1101"),
    (lambda e: e.kms.create_enterprise_project("proj\n"), "KMS.0308"),
    (lambda e: e.csms.update_secret_stage("s1", "STAGE\n", "v1"), "CSMS.0002"),
    (lambda e: e.kms.create_key_tag(e.kms.create_key("t").key_id, "k\n", "v"), "KMS.0406"),
])
def test_names_with_a_trailing_newline_are_refused(eng, call, code):
    eng.csms.create_secret("s1", secret_string="x")
    assert code_of(call, eng) == code


# --- the argument guard -----------------------------------------------------------------
@pytest.mark.parametrize("call,code", [
    (lambda e: e.kms.create_key("bad\ud800"), "KMS.0308"),
    (lambda e: e.kms.create_key("a\x00b"), "KMS.0308"),
    (lambda e: e.kms.schedule_key_deletion("0" * 8, pending_days=10 ** 100), "KMS.0308"),
    (lambda e: e.kms.describe_key(["x"]), "KMS.0205"),
    (lambda e: e.csms.create_secret({"n": 1}, secret_string="x"), "CSMS.0002"),
    (lambda e: e.iam.create_user("x", unknown=1), "IAM.0001"),
    (lambda e: e.kms.list_keys(search=object()), "KMS.0308"),
    (lambda e: e.kms.batch_enable_keys("not-a-list"), "KMS.0308"),
    (lambda e: e.kms.batch_enable_keys(["k"] * 101), "KMS.0308"),
])
def test_bad_arguments_refused_with_a_code_and_audited(eng, call, code):
    before = count(eng, AuditTrace)
    keys_before = count(eng, Policy) + count(eng, PolicyAttachment)
    assert code_of(call, eng) == code
    assert count(eng, AuditTrace) == before + 1  # the refusal is audited, nothing else written
    assert count(eng, Policy) + count(eng, PolicyAttachment) == keys_before


# --- smaller holes ----------------------------------------------------------------------
def test_deletion_risk_needs_the_grant_listing_permission(eng):
    k = eng.kms.create_key("risky")
    eng.iam.create_user("bob")
    eng.iam.create_policy("get", allow(["kms:cmk:get"]))
    eng.iam.attach_policy("bob", "get")
    bob = eng.as_user("bob")
    assert bob.kms.describe_key(k.key_id).key_alias == "risky"
    assert code_of(bob.kms.deletion_risk, k.key_id) == "KMS.0306"
    eng.iam.create_policy("grants", allow(["kms:grant:list"]))
    eng.iam.attach_policy("bob", "grants")
    assert bob.kms.deletion_risk(k.key_id).key_id == k.key_id


def test_audit_reads_share_the_one_road(eng):
    eng.iam.create_user("bob")
    assert code_of(eng.as_user("bob").audit.list_traces) == "CTS.0302"
    assert code_of(eng.audit.list_traces, trace_rating="bogus") == "CTS.0002"
    refused = [(t.trace_name, t.code) for t in eng.audit.list_traces(trace_rating="warning")]
    assert ("listTraces", "CTS.0302") in refused and ("listTraces", "CTS.0002") in refused
