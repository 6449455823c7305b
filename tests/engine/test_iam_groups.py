"""User groups, deleting users, the guide's system policies and what the simulator names
(SPEC §8): each IAM call's success and its refusals with their codes, group policies in the
permission decision (Deny still wins), the account wall, and group rows inserted into the
database file without the root key."""
from __future__ import annotations

import itertools
import sqlite3

import pytest
from sqlalchemy import event

from engine import Engine, SeededRng
from engine.integrity import INTEGRITY_CODE
from engine.models.core import PolicyAttachment
from engine.models.iam_groups import GroupMembership, GroupPolicyAttachment, UserGroup
from policies import allow, count, traces
from refusals import code_of, refused

READ_KEYS = ["kms:cmk:get", "kms:cmk:list"]


def user_with_policy(eng, name: str, actions: list[str]):
    eng.iam.create_user(name)
    eng.iam.create_policy(f"{name}-rights", allow(actions))
    eng.iam.attach_policy(name, f"{name}-rights")
    return eng.as_user(name)


@pytest.fixture
def ops(eng):
    """Group `ops` holding `bob`, with policy `readers` (read keys) attached."""
    eng.iam.create_user("bob")
    eng.iam.create_group("ops")
    eng.iam.create_policy("readers", allow(READ_KEYS))
    eng.iam.add_user_to_group("bob", "ops")
    eng.iam.attach_group_policy("ops", "readers")
    return eng.as_user("bob")


# --- groups: create, list, delete ---------------------------------------------------------
def test_create_and_list_groups(eng):
    g = eng.iam.create_group("ops")
    assert g.name == "ops" and g.domain_id == eng.principal.domain_id and len(g.group_id) == 32
    eng.iam.create_group("auditors")
    assert [x.name for x in eng.iam.list_groups()] == ["auditors", "ops"]
    [t] = traces(eng, eng.principal.domain_id, "createGroup")[:1]
    assert t.trace_rating == "normal" and t.resource_name == "ops" and t.resource_id == g.group_id


@pytest.mark.parametrize("name", ["", "no spaces", "x" * 65, "ops\n", "ops/1", "é"])
def test_bad_group_names_refused(eng, name):
    refused("IAM.0001", eng.iam.create_group, name)
    assert count(eng, UserGroup) == 0
    assert [t.code for t in traces(eng, eng.principal.domain_id, "createGroup")] == ["IAM.0001"]


def test_duplicate_group_refused(eng):
    eng.iam.create_group("ops")
    refused("IAM.0409", eng.iam.create_group, "ops")
    assert count(eng, UserGroup) == 1


def test_group_calls_need_permission(eng, ops):
    eng.iam.create_user("nobody")
    nobody = eng.as_user("nobody").iam
    before = (count(eng, UserGroup), count(eng, GroupMembership), count(eng, GroupPolicyAttachment))
    for call, trace in [(lambda: nobody.create_group("mine"), "createGroup"),
                        (lambda: nobody.list_groups(), "listGroups"),
                        (lambda: nobody.delete_group("ops"), "deleteGroup"),
                        (lambda: nobody.add_user_to_group("nobody", "ops"), "addUserToGroup"),
                        (lambda: nobody.remove_user_from_group("bob", "ops"), "removeUserFromGroup"),
                        (lambda: nobody.attach_group_policy("ops", "KMS Administrator"), "attachGroupPolicy"),
                        (lambda: nobody.detach_group_policy("ops", "readers"), "detachGroupPolicy")]:
        assert code_of(call) == "IAM.0403", trace
        assert [t.trace_rating for t in traces(eng, eng.principal.domain_id, trace)
                if t.user == "nobody"] == ["warning"], trace
    after = (count(eng, UserGroup), count(eng, GroupMembership), count(eng, GroupPolicyAttachment))
    assert after == before


def test_group_actions_are_the_iam_groups_actions(eng):
    manager = user_with_policy(eng, "manager", ["iam:groups:create", "iam:groups:list",
                                                "iam:groups:update", "iam:groups:delete"])
    manager.iam.create_group("team")
    manager.iam.add_user_to_group("manager", "team")
    # attaching a policy is `iam:policies:attach`, which the manager lacks
    assert code_of(manager.iam.attach_group_policy, "team", "KMS Administrator") == "IAM.0403"
    assert [(g.name, g.users) for g in manager.iam.list_groups()] == [("team", ("manager",))]
    manager.iam.delete_group("team")
    assert manager.iam.list_groups() == []


def test_delete_group_removes_its_memberships_attachments_and_rights(eng, ops):
    k = eng.kms.create_key("k")
    assert ops.kms.describe_key(k.key_id).key_alias == "k"
    eng.iam.delete_group("ops")
    assert count(eng, UserGroup) == count(eng, GroupMembership) == count(eng, GroupPolicyAttachment) == 0
    assert code_of(ops.kms.describe_key, k.key_id) == "KMS.0306"
    assert eng.iam.show_user("bob").groups == ()
    assert "readers" in {p.name for p in eng.iam.list_policies()}  # the policy itself stays
    assert [t.trace_rating for t in traces(eng, eng.principal.domain_id, "deleteGroup")] == ["normal"]


def test_unknown_group_refused(eng):
    eng.iam.create_user("bob")
    refused("IAM.0404", eng.iam.delete_group, "ghost")
    refused("IAM.0404", eng.iam.add_user_to_group, "bob", "ghost")
    refused("IAM.0404", eng.iam.remove_user_from_group, "bob", "ghost")
    refused("IAM.0404", eng.iam.attach_group_policy, "ghost", "KMS Administrator")
    refused("IAM.0404", eng.iam.detach_group_policy, "ghost", "KMS Administrator")


@pytest.mark.parametrize("call", [
    lambda iam: iam.delete_group("bad name"),
    lambda iam: iam.add_user_to_group("bob", "bad name"),
    lambda iam: iam.add_user_to_group("bad name", "ops"),
    lambda iam: iam.remove_user_from_group("bob", "ops\n"),
    lambda iam: iam.attach_group_policy("", "readers"),
    lambda iam: iam.detach_group_policy("x" * 65, "readers"),
])
def test_bad_names_in_group_calls_refused(eng, ops, call):
    assert code_of(call, eng.iam) == "IAM.0001"


# --- membership and the group's policies ----------------------------------------------------
def test_membership_is_listed_and_idempotent(eng, ops):
    eng.iam.add_user_to_group("bob", "ops")  # already a member: nothing changes
    eng.iam.attach_group_policy("ops", "readers")
    [g] = eng.iam.list_groups()
    assert (g.users, g.policies) == (("bob",), ("readers",))
    assert eng.iam.show_user("bob").groups == ("ops",)
    assert count(eng, GroupMembership) == count(eng, GroupPolicyAttachment) == 1
    local = eng.principal.domain_id
    assert [t.resource_name for t in traces(eng, local, "addUserToGroup")] == ["ops", "ops"]
    assert len(traces(eng, local, "attachGroupPolicy")) == 2


def test_unknown_user_or_policy_refused(eng, ops):
    refused("IAM.0404", eng.iam.add_user_to_group, "ghost", "ops")
    refused("IAM.0404", eng.iam.attach_group_policy, "ops", "ghost-policy")
    eng.iam.create_user("carol")
    refused("IAM.0404", eng.iam.remove_user_from_group, "carol", "ops")  # not a member
    refused("IAM.0404", eng.iam.detach_group_policy, "ops", "KMS Administrator")  # not attached
    assert count(eng, GroupMembership) == count(eng, GroupPolicyAttachment) == 1


def test_group_allow_grants(eng, ops):
    k = eng.kms.create_key("k")
    assert ops.kms.describe_key(k.key_id).key_alias == "k"
    assert code_of(ops.kms.create_key, "mine") == "KMS.0306"  # only what the group allows
    sim = eng.iam.simulate("bob", "kms:cmk:get", k.key_id)
    assert sim.allowed and sim.reason == "group ops policy readers statement 0"


def test_group_deny_beats_user_allow(eng, ops):
    k = eng.kms.create_key("k")
    eng.iam.create_policy("all-keys", allow(["kms:*:*"]))
    eng.iam.attach_policy("bob", "all-keys")
    eng.iam.create_group("no-reading")
    eng.iam.create_policy("no-get", allow(["kms:cmk:get"], effect="Deny"))
    eng.iam.attach_group_policy("no-reading", "no-get")
    eng.iam.add_user_to_group("bob", "no-reading")
    assert code_of(ops.kms.describe_key, k.key_id) == "KMS.0306"
    assert ops.kms.create_key("still-allowed").key_alias == "still-allowed"
    sim = eng.iam.simulate("bob", "kms:cmk:get", k.key_id)
    assert not sim.allowed and sim.reason == "denied by group no-reading policy no-get statement 0"
    eng.iam.detach_group_policy("no-reading", "no-get")
    assert ops.kms.describe_key(k.key_id).key_alias == "k"


def test_user_deny_beats_group_allow(eng, ops):
    k = eng.kms.create_key("k")
    eng.iam.create_policy("no-get", allow(["kms:cmk:get"], effect="Deny"))
    eng.iam.attach_policy("bob", "no-get")
    assert code_of(ops.kms.describe_key, k.key_id) == "KMS.0306"
    assert eng.iam.simulate("bob", "kms:cmk:get", k.key_id).reason == "denied by policy no-get statement 0"


def test_removing_membership_removes_rights(eng, ops):
    k = eng.kms.create_key("k")
    assert ops.kms.describe_key(k.key_id).key_alias == "k"
    eng.iam.remove_user_from_group("bob", "ops")
    assert code_of(ops.kms.describe_key, k.key_id) == "KMS.0306"
    assert eng.iam.simulate("bob", "kms:cmk:get", k.key_id).reason == "no permission"
    assert [t.trace_rating for t in traces(eng, eng.principal.domain_id, "removeUserFromGroup")] == ["normal"]


def test_detaching_group_policy_removes_rights(eng, ops):
    k = eng.kms.create_key("k")
    eng.iam.detach_group_policy("ops", "readers")
    assert code_of(ops.kms.describe_key, k.key_id) == "KMS.0306"
    assert [g.policies for g in eng.iam.list_groups()] == [()]


def test_group_policy_costs_no_extra_statement(eng, ops):
    """The policies of the user and of its groups are read in one statement."""
    k = eng.kms.create_key("k")
    own = user_with_policy(eng, "carol", READ_KEYS)

    def statements(who) -> int:
        seen: list[str] = []
        listener = lambda *a: seen.append(a[2])  # noqa: E731
        event.listen(eng.context.db.engine, "before_cursor_execute", listener)
        try:
            who.kms.describe_key(k.key_id)
        finally:
            event.remove(eng.context.db.engine, "before_cursor_execute", listener)
        return len(seen)

    ops.kms.describe_key(k.key_id)
    own.kms.describe_key(k.key_id)
    assert statements(ops) == statements(own)


# --- the account wall -------------------------------------------------------------------
def test_another_accounts_group_user_and_policy_are_unknown_and_traced_in_both(eng, ops, partner):
    local, remote = eng.principal.domain_id, partner.principal.domain_id
    partner.iam.create_group("partners")
    partner.iam.create_policy("partner-policy", allow(["kms:*:*"]))
    # naming a group, user or custom policy of the other account: as if unknown
    assert code_of(partner.iam.add_user_to_group, "mallory", "ops") == "IAM.0404"
    assert code_of(partner.iam.add_user_to_group, "bob", "partners") == "IAM.0404"
    assert code_of(partner.iam.attach_group_policy, "ops", "KMS Administrator") == "IAM.0404"
    assert code_of(partner.iam.delete_group, "ops") == "IAM.0404"
    assert code_of(eng.iam.attach_group_policy, "ops", "partner-policy") == "IAM.0404"
    assert code_of(eng.iam.add_user_to_group, "mallory", "ops") == "IAM.0404"
    assert [g.name for g in eng.iam.list_groups()] == ["ops"]
    assert [g.name for g in partner.iam.list_groups()] == ["partners"]
    assert count(eng, GroupMembership) == count(eng, GroupPolicyAttachment) == 1
    # each refusal is in the trail of the caller's account and of the account it named
    for domain in (local, remote):
        def refusals(name: str, user: str) -> int:
            return len([t for t in traces(eng, domain, name)
                        if t.user == user and t.code == "IAM.0404"])
        assert refusals("addUserToGroup", "mallory") == 2
        assert refusals("attachGroupPolicy", "mallory") == 1
        assert refusals("deleteGroup", "mallory") == 1
        assert refusals("attachGroupPolicy", "admin") == refusals("addUserToGroup", "admin") == 1
    # a system policy attached to a partner group opens nothing in this account
    partner.iam.attach_group_policy("partners", "KMS Administrator")
    partner.iam.add_user_to_group("mallory", "partners")
    k = eng.kms.create_key("k")
    assert code_of(partner.kms.describe_key, k.key_id) == "KMS.0207"


# --- rows edited into the database file -----------------------------------------------
_seeds = itertools.count(101)


def _open(home, clock) -> Engine:
    return Engine.open(home=home, clock=clock, rng=SeededRng(next(_seeds)))


def _tamper(home, *statements: str) -> None:
    con = sqlite3.connect(home / "dew.db")
    try:
        for sql in statements:
            con.execute(sql)
        con.commit()
    finally:
        con.close()


def _admins_group_and_bob(home, clock) -> None:
    """`admins` holds carol and KMS Administrator; bob, in `plain`, has no rights."""
    eng = _open(home, clock)
    try:
        for user in ("bob", "carol"):
            eng.iam.create_user(user)
        eng.iam.create_group("admins")
        eng.iam.create_group("plain")
        eng.iam.attach_group_policy("admins", "KMS Administrator")
        eng.iam.add_user_to_group("carol", "admins")
        eng.iam.add_user_to_group("bob", "plain")
        assert code_of(eng.as_user("bob").kms.create_key, "k") == "KMS.0306"
    finally:
        eng.close()


@pytest.mark.parametrize("edit", [
    # a membership row inserted without the root key (no MAC, then carol's MAC copied)
    "INSERT INTO iam_group_member (group_id, user_id, mac) SELECT g.group_id, u.user_id, '' "
    "FROM iam_group g, iam_user u WHERE g.name = 'admins' AND u.name = 'bob'",
    "INSERT INTO iam_group_member (group_id, user_id, mac) SELECT m.group_id, u.user_id, m.mac "
    "FROM iam_group_member m, iam_user u WHERE u.name = 'bob' AND m.user_id != u.user_id",
    # bob's own membership moved to the administrators' group
    "UPDATE iam_group_member SET group_id = (SELECT group_id FROM iam_group WHERE name = 'admins') "
    "WHERE user_id = (SELECT user_id FROM iam_user WHERE name = 'bob')",
    # the administrator policy attached to bob's group
    "INSERT INTO iam_group_policy (group_id, policy_id, mac) SELECT g.group_id, p.policy_id, '' "
    "FROM iam_group g, iam_policy p WHERE g.name = 'plain' AND p.name = 'KMS Administrator'",
])
def test_group_rows_inserted_into_the_file_grant_nothing(home, clock, edit):
    _admins_group_and_bob(home, clock)
    _tamper(home, edit)
    eng = _open(home, clock)
    try:
        err = refused(INTEGRITY_CODE, eng.as_user("bob").kms.create_key, "escalated")
        assert "iam_group_" in err.message
        assert eng.kms.list_keys().total == 0
        assert eng.as_user("carol").kms.create_key("fine").key_alias == "fine"  # untouched rows work
    finally:
        eng.close()


def test_group_moved_to_another_account_in_the_file_is_refused(home, clock):
    _admins_group_and_bob(home, clock)
    _tamper(home, "INSERT INTO account (domain_id, name, created) VALUES ('x' , 'other', '2026-01-01')",
            "UPDATE iam_group SET domain_id = 'x' WHERE name = 'admins'")
    eng = _open(home, clock)
    try:
        err = refused(INTEGRITY_CODE, eng.as_user("carol").kms.create_key, "k")
        assert "iam_group row" in err.message
    finally:
        eng.close()


# --- deleting users ---------------------------------------------------------------------
def test_delete_user_removes_its_attachments_and_memberships(eng, ops):
    eng.iam.create_policy("extra", allow(["kms:cmk:create"]))
    eng.iam.attach_policy("bob", "extra")
    eng.iam.delete_user("bob")
    assert "bob" not in {u.name for u in eng.iam.list_users()}
    assert count(eng, PolicyAttachment) == count(eng, GroupMembership) == 0
    assert [g.users for g in eng.iam.list_groups()] == [()]
    refused("IAM.0404", eng.as_user, "bob")
    [t] = traces(eng, eng.principal.domain_id, "deleteUser")
    assert (t.trace_rating, t.resource_name) == ("normal", "bob")
    # the name can be taken again, by a user that inherits nothing
    eng.iam.create_user("bob")
    assert eng.iam.simulate("bob", "kms:cmk:get").reason == "no permission"


def test_delete_user_refusals(eng, ops, partner):
    refused("IAM.0404", eng.iam.delete_user, "ghost")
    refused("IAM.0001", eng.iam.delete_user, "bad name")
    refused("IAM.0403", ops.iam.delete_user, "admin")  # bob has no iam:users:delete
    err = refused("IAM.0403", eng.iam.delete_user, "admin")
    assert "itself" in err.message
    # the account's last administrator, even for a user allowed to delete users
    err = refused("IAM.0403", partner.iam.delete_user, "padmin")
    assert "last administrator" in err.message
    # the user acting
    err = refused("IAM.0403", partner.iam.delete_user, "mallory")
    assert "itself" in err.message
    # another account's user: as if unknown, traced in both accounts
    refused("IAM.0404", partner.iam.delete_user, "bob")
    for domain in (eng.principal.domain_id, partner.principal.domain_id):
        assert [t.code for t in traces(eng, domain, "deleteUser") if t.user == "mallory"
                and t.resource_name == "bob"] == ["IAM.0404"]
    assert {"admin", "bob"} <= {u.name for u in eng.iam.list_users()}
    assert {u.name for u in partner.iam.list_users()} == {"padmin", "mallory"}


def test_only_an_administrator_deletes_an_administrator(eng):
    eng.iam.create_user("alice", admin=True)
    deleter = user_with_policy(eng, "deleter", ["iam:users:delete"])
    err = refused("IAM.0403", deleter.iam.delete_user, "alice")
    assert "only an administrator" in err.message
    # the engine opens as `admin`: no other administrator deletes it
    err = refused("IAM.0403", eng.as_user("alice").iam.delete_user, "admin")
    assert "opens as" in err.message
    eng.as_user("alice").iam.delete_user("deleter")
    eng.iam.delete_user("alice")
    assert [u.name for u in eng.iam.list_users()] == ["admin"]


# --- the guide's system policies --------------------------------------------------------
def test_system_policies_the_guide_names(eng):
    system = {p.name: p for p in eng.iam.list_policies() if p.system}
    assert {"KMS Administrator", "KMS CMKFullAccess", "KMS CMK Admin"} <= set(system)
    assert system["KMS CMK Admin"].document == system["KMS CMKFullAccess"].document
    eng.iam.create_user("keys")
    eng.iam.create_group("key-admins")
    eng.iam.attach_group_policy("key-admins", "KMS CMK Admin")
    eng.iam.add_user_to_group("keys", "key-admins")
    keys = eng.as_user("keys")
    k = keys.kms.create_key("theirs")
    assert keys.kms.encrypt_data(k.key_id, b"x").cipher_text
    keys.kms.create_key_tag(k.key_id, "team", "a")
    assert code_of(keys.csms.create_secret, "s", secret_string="v") == "CSMS.0302"  # keys only
    assert code_of(keys.iam.create_user, "x") == "IAM.0403"
    sim = eng.iam.simulate("keys", "kms:cmk:create")
    assert sim.reason == "group key-admins policy KMS CMK Admin statement 0"


def test_system_policies_cannot_be_made_again(eng):
    refused("IAM.0409", eng.iam.create_policy, "KMS CMK Admin", allow(["*"]))


def test_existing_database_gets_new_system_policies_at_open(home, clock):
    _open(home, clock).close()
    _tamper(home, "DELETE FROM iam_policy WHERE name = 'KMS CMK Admin'")  # as an older version left it
    eng = _open(home, clock)
    try:
        assert "KMS CMK Admin" in {p.name for p in eng.iam.list_policies() if p.system}
    finally:
        eng.close()


# --- what the simulator names -------------------------------------------------------------
def test_simulate_names_what_decided(eng, ops):
    k = eng.kms.create_key("k")
    eng.iam.create_policy("two", {"Version": "1.1", "Statement": [
        {"Effect": "Allow", "Action": ["csms:secret:list"]},
        {"Effect": "Allow", "Action": ["kms:cmk:create"]}]})
    eng.iam.attach_policy("bob", "two")
    grant_id = eng.kms.create_grant(k.key_id, "bob", ["encrypt-data"])
    assert eng.iam.simulate("admin", "kms:cmk:create").reason == "administrator"
    assert eng.iam.simulate("bob", "kms:cmk:create").reason == "policy two statement 1"
    assert eng.iam.simulate("bob", "kms:cmk:list").reason == "group ops policy readers statement 0"
    assert eng.iam.simulate("bob", "kms:cmk:crypto", k.key_id).reason == f"grant {grant_id}"
    sim = eng.iam.simulate("bob", "kms:cmk:delete", k.key_id)
    assert (sim.allowed, sim.reason) == (False, "no permission")
    # the user's own policies are named before its groups'
    eng.iam.attach_policy("bob", "readers")
    assert eng.iam.simulate("bob", "kms:cmk:list").reason == "policy readers statement 0"
