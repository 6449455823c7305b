"""Policies kept in memory between calls: read once while nothing changes, and every change to
who may do what — in this engine, in another one on the same database, through the ORM or a
bulk statement — is seen by the very next call; a change that rolled back moves nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import delete, event
from sqlmodel import col

from engine import Engine, SeededRng
from engine.db import IAM_GENERATION
from engine.errors import DewError
from engine.models.core import Meta
from engine.models.iam_groups import GroupMembership
from policies import allow

PLAIN = b"0123456789abcdef"


@pytest.fixture
def bob(eng):
    eng.iam.create_user("bob")
    eng.iam.create_policy("crypto", allow(["kms:cmk:*"]))
    eng.iam.attach_policy("bob", "crypto")
    return eng.as_user("bob")


@pytest.fixture
def key_id(eng):
    return eng.kms.create_key("cached").key_id


def code_of(fn) -> str:
    with pytest.raises(DewError) as e:
        fn()
    return e.value.code


def generation(eng) -> str:
    with eng.context.db.session(write=False) as s:
        return s.get(Meta, IAM_GENERATION).value


def statements_of(eng, fn) -> list[str]:
    sql: list[str] = []
    listener = lambda _c, _cur, statement, *_: sql.append(statement)  # noqa: E731
    event.listen(eng.context.db.engine, "before_cursor_execute", listener)
    try:
        fn()
    finally:
        event.remove(eng.context.db.engine, "before_cursor_execute", listener)
    return sql


def reads_policies(sql: list[str]) -> bool:
    return any("FROM iam_policy" in s for s in sql)


def test_policies_are_read_once_while_nothing_changes(eng, bob, key_id):
    first = statements_of(eng, lambda: bob.kms.encrypt_data(key_id, PLAIN))
    again = statements_of(eng, lambda: bob.kms.encrypt_data(key_id, PLAIN))
    assert reads_policies(first) and not reads_policies(again)
    eng.iam.create_policy("other", allow(["csms:*"]))
    eng.iam.attach_policy("bob", "other")
    assert reads_policies(statements_of(eng, lambda: bob.kms.encrypt_data(key_id, PLAIN)))


def test_detaching_the_policy_refuses_the_next_call(eng, bob, key_id):
    bob.kms.encrypt_data(key_id, PLAIN)
    eng.iam.detach_policy("bob", "crypto")
    assert code_of(lambda: bob.kms.encrypt_data(key_id, PLAIN)) == "KMS.0306"


def test_a_change_made_by_another_engine_is_seen_by_the_next_call(eng, bob, key_id, home, clock):
    bob.kms.encrypt_data(key_id, PLAIN)
    other = Engine.open(home=home, clock=clock, rng=SeededRng(99))
    try:
        other.iam.detach_policy("bob", "crypto")
    finally:
        other.close()
    assert code_of(lambda: bob.kms.encrypt_data(key_id, PLAIN)) == "KMS.0306"


def test_a_deny_through_a_new_group_wins_at_once(eng, bob, key_id):
    bob.kms.encrypt_data(key_id, PLAIN)
    eng.iam.create_policy("no-crypto", allow(["kms:cmk:crypto"], effect="Deny"))
    eng.iam.create_group("blocked")
    eng.iam.attach_group_policy("blocked", "no-crypto")
    bob.kms.encrypt_data(key_id, PLAIN)  # the group has no members yet
    eng.iam.add_user_to_group("bob", "blocked")
    assert code_of(lambda: bob.kms.encrypt_data(key_id, PLAIN)) == "KMS.0306"


def test_deleting_a_group_takes_its_policies_away_at_once(eng, key_id):
    """delete_group removes memberships with a bulk DELETE, not through the ORM."""
    eng.iam.create_user("carol")
    eng.iam.create_policy("crypto", allow(["kms:cmk:*"]))
    eng.iam.create_group("crypto-users")
    eng.iam.attach_group_policy("crypto-users", "crypto")
    eng.iam.add_user_to_group("carol", "crypto-users")
    carol = eng.as_user("carol")
    carol.kms.encrypt_data(key_id, PLAIN)
    eng.iam.delete_group("crypto-users")
    assert code_of(lambda: carol.kms.encrypt_data(key_id, PLAIN)) == "KMS.0306"


def test_a_bulk_delete_of_memberships_alone_is_seen(eng, key_id):
    eng.iam.create_user("carol")
    eng.iam.create_policy("crypto", allow(["kms:cmk:*"]))
    eng.iam.create_group("crypto-users")
    eng.iam.attach_group_policy("crypto-users", "crypto")
    eng.iam.add_user_to_group("carol", "crypto-users")
    carol = eng.as_user("carol")
    carol.kms.encrypt_data(key_id, PLAIN)
    with eng.context.db.session() as s:  # as an IAM service does, without loading the rows
        s.execute(delete(GroupMembership).where(col(GroupMembership.user_id) == carol.principal.user_id))
    assert code_of(lambda: carol.kms.encrypt_data(key_id, PLAIN)) == "KMS.0306"


def test_every_iam_change_moves_the_generation_and_a_refused_one_does_not(eng, bob):
    before = generation(eng)
    assert code_of(lambda: eng.iam.attach_policy("bob", "no-such-policy")) == "IAM.0404"
    assert generation(eng) == before
    eng.iam.create_policy("more", allow(["csms:*"]))
    assert int(generation(eng)) > int(before)
