"""Statements per hot operation, held: each is one durable audited transaction whose cost is
mostly its round trips, so a change that adds a statement to one of them shows up here.

Counted with SQLAlchemy's `before_cursor_execute` event on the engine (BEGIN included, the
commit is not a statement). The trace write is one head UPDATE and one INSERT.
"""
from __future__ import annotations

import re

import pytest
from sqlalchemy import event

PLAIN = b"0123456789abcdef"

# operation -> statements for the administrator; a policy user adds the policy read
# (a key version's opened material is kept in memory: only its first use reads the version row)
# (get-secret-latest: the secret, the version, its stages and its key in one joined SELECT)
HOT = {"encrypt-data": 4, "decrypt-data": 4, "create-datakey": 4, "describe-key": 5,
       "get-secret-latest": 4}


class Recorder:
    def __init__(self, eng) -> None:
        self.sql: list[str] = []
        event.listen(eng.context.db.engine, "before_cursor_execute",
                     lambda _c, _cur, statement, *_: self.sql.append(statement))

    def of(self, fn) -> list[str]:
        fn()  # the first call may fill caches
        self.sql.clear()
        fn()
        return list(self.sql)


def ops(eng, who):
    key = eng.kms.create_key("hot").key_id
    eng.csms.create_secret("hot", secret_string="value", kms_key_id=key)
    ct = who.kms.encrypt_data(key, PLAIN).cipher_text
    return {
        "encrypt-data": lambda: who.kms.encrypt_data(key, PLAIN),
        "decrypt-data": lambda: who.kms.decrypt_data(ct),
        "create-datakey": lambda: who.kms.create_datakey(key),
        "describe-key": lambda: who.kms.describe_key(key),
        "get-secret-latest": lambda: who.csms.show_secret_version("hot"),
    }


def policy_user(eng):
    eng.iam.create_user("bob")
    eng.iam.create_policy("all", {"Version": "1.1", "Statement": [
        {"Effect": "Allow", "Action": ["kms:*", "csms:*"], "Resource": ["*"]}]})
    eng.iam.attach_policy("bob", "all")
    return eng.as_user("bob")


@pytest.mark.parametrize("op", sorted(HOT))
def test_admin_statements_per_call(eng, op):
    fn = ops(eng, eng)[op]
    assert len(Recorder(eng).of(fn)) == HOT[op]


@pytest.mark.parametrize("op", sorted(HOT))
def test_policy_user_adds_one_generation_read(eng, op):
    bob = policy_user(eng)
    fn = ops(eng, bob)[op]
    # the IAM generation, read once per call (the policies themselves are kept in memory)
    assert len(Recorder(eng).of(fn)) == HOT[op] + 1


def test_trace_write_is_one_head_update_and_one_insert(eng):
    fn = ops(eng, eng)["encrypt-data"]
    writes = [" ".join(s.split()[:3]) for s in Recorder(eng).of(fn)
              if s.lstrip().upper().startswith(("INSERT", "UPDATE"))]
    assert writes == ["UPDATE meta SET", "INSERT INTO audit_trace"]


def reads_of(table: str, sql: list[str]) -> int:
    """Statements that read `table` (in their FROM or in a JOIN)."""
    return sum(re.search(rf"\b(FROM|JOIN) {table}\b", s) is not None for s in sql)


def test_secret_value_reads_key_and_stages_once(eng):
    fn = ops(eng, eng)["get-secret-latest"]
    sql = Recorder(eng).of(fn)
    assert reads_of("cmk", sql) == 1
    assert reads_of("csms_stage", sql) == 1
    assert reads_of("csms_secret", sql) == reads_of("csms_version", sql) == 1
    value = fn()
    assert value.secret_string == "value" and value.version_metadata.version_stages == ("SYSCURRENT",)
