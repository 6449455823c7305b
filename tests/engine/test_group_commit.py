"""Group commit: write calls made at the same time share one transaction and one commit,
each in a savepoint of its own — its own result or error, its own chained trace; a refused
call undoes only its own work; a failed commit fails every member, none returns success.

The test thread holds the turn (`groups.enter()`) until the calls it started are all queued,
so the group forms deterministically, without sleeping."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError

from engine.db import GroupCommitFailed
from engine.errors import DewError
from engine.models.core import Meta
from engine.models.kms import Cmk
from engine.service import Service
from policies import count

PLAIN = b"0123456789abcdef"


class Commits:
    """Commits of write transactions (read transactions end with a commit too)."""

    def __init__(self, eng) -> None:
        self.n = 0
        event.listen(eng.context.db.engine, "commit", self._seen)

    def _seen(self, conn) -> None:
        self.n += bool(conn.get_execution_options().get("dew_write"))


def run_as_group(eng, calls: dict):
    """Run each of `calls` (name -> function) in its own thread, all queued behind the turn
    the test holds, then let them go. → name -> result, or the DewError it raised."""
    groups = eng.context.db.groups
    outcome: dict = {}

    def worker(name, fn):
        try:
            outcome[name] = fn()
        except DewError as e:
            outcome[name] = e
        except Exception as e:  # a fault: kept for the assertion
            outcome[name] = e

    group = groups.enter()
    threads = [threading.Thread(target=worker, args=item) for item in calls.items()]
    for t in threads:
        t.start()
    with groups.condition:
        groups.condition.wait_for(lambda: groups.waiting == len(calls))
    try:
        groups.leave(group)  # the test thread is a member too (with no work)
    except GroupCommitFailed:
        pass  # each worker sees it
    for t in threads:
        t.join()
    return outcome


def test_concurrent_calls_share_one_commit_each_with_its_own_result(eng):
    key = eng.kms.create_key("shared").key_id
    ct = eng.kms.encrypt_data(key, PLAIN).cipher_text
    before = eng.audit.count_traces(since=None)
    commits = Commits(eng)
    out = run_as_group(eng, {
        "encrypt": lambda: eng.kms.encrypt_data(key, PLAIN),
        "decrypt": lambda: eng.kms.decrypt_data(ct).plain_text,
        "describe": lambda: eng.kms.describe_key(key).key_alias,
        "create": lambda: eng.kms.create_key("made-in-a-group").key_alias,
    })
    assert commits.n == 1
    assert out["decrypt"] == PLAIN and out["describe"] == "shared" and out["create"] == "made-in-a-group"
    assert eng.audit.count_traces(since=None) == before + 4
    assert eng.kms.decrypt_data(out["encrypt"].cipher_text).plain_text == PLAIN
    assert eng.audit.verify().ok


def test_a_refused_call_undoes_only_its_own_work_and_is_traced(eng):
    eng.kms.create_key("taken")
    keys_before = count(eng, Cmk)
    out = run_as_group(eng, {
        "fresh": lambda: eng.kms.create_key("fresh").key_alias,
        "duplicate": lambda: eng.kms.create_key("taken"),
        "unknown": lambda: eng.kms.describe_key("00000000-0000-4000-8000-000000000000"),
        "other": lambda: eng.kms.create_key("other").key_alias,
    })
    assert out["fresh"] == "fresh" and out["other"] == "other"
    assert isinstance(out["duplicate"], DewError) and isinstance(out["unknown"], DewError)
    assert out["unknown"].code == "KMS.0207"
    assert count(eng, Cmk) == keys_before + 2
    ratings = {(t.trace_name, t.resource_name or t.resource_id, t.trace_rating)
               for t in eng.audit.list_traces(limit=10)}
    assert ("describeKey", "00000000-0000-4000-8000-000000000000", "warning") in ratings
    assert sum(r[2] == "warning" and r[0] == "createKey" for r in ratings) == 1
    assert eng.audit.verify().ok


def test_a_failed_commit_fails_every_member_and_saves_none_of_their_work(eng):
    keys_before = count(eng, Cmk)
    failing = {"armed": True}

    def fail_once(_conn) -> None:
        if failing.pop("armed", False):
            raise OSError("disk gone")

    event.listen(eng.context.db.engine, "commit", fail_once)
    out = run_as_group(eng, {f"k{i}": (lambda i=i: eng.kms.create_key(f"lost-{i}")) for i in range(3)})
    assert all(isinstance(v, OSError) for v in out.values()), out
    assert count(eng, Cmk) == keys_before
    incidents = [t for t in eng.audit.list_traces(limit=10) if t.trace_rating == "incident"]
    assert len(incidents) == 3 and {t.trace_name for t in incidents} == {"createKey"}
    assert eng.audit.verify().ok


def test_a_single_caller_commits_at_once(eng):
    key = eng.kms.create_key("alone").key_id
    commits = Commits(eng)
    for _ in range(3):
        eng.kms.encrypt_data(key, PLAIN)
    assert commits.n == 3


def test_refused_arguments_are_traced_through_the_group(eng):
    out = run_as_group(eng, {"bad": lambda: eng.kms.encrypt_data(12345, PLAIN),
                             "good": lambda: eng.kms.gen_random(64)})
    assert isinstance(out["bad"], DewError) and len(out["good"]) == 16
    names = [t.trace_name for t in eng.audit.list_traces(limit=2)]
    assert sorted(names) == ["encryptData", "genRandom"]
    assert eng.audit.verify().ok


@pytest.mark.parametrize("n", [8])
def test_many_threads_many_calls_keep_the_chain(eng, n):
    key = eng.kms.create_key("busy").key_id
    before = eng.audit.count_traces(since=None)
    results: list = []

    def worker() -> None:
        for _ in range(5):
            results.append(eng.kms.decrypt_data(eng.kms.encrypt_data(key, PLAIN).cipher_text).plain_text)

    threads = [threading.Thread(target=worker) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [PLAIN] * n * 5
    assert eng.audit.count_traces(since=None) == before + n * 10
    assert eng.audit.verify().ok


class Probe(Service):
    """A service whose one call leaves a row pending (unflushed) in its session, after
    waiting, holding the turn, until another call is queued behind it."""

    def add_meta(self, name: str, wait_for_next: bool = False) -> None:
        with self._call("probeMeta", "meta") as call:
            call.s.add(Meta(name=name, value="x"))  # flushed by the commit, not by the call
            if wait_for_next:
                groups = self.ctx.db.groups
                with groups.condition:
                    groups.condition.wait_for(lambda: groups.waiting == 1)


def test_the_first_calls_unflushed_row_fails_that_call_not_the_next(eng):
    """The first member of a group has no savepoint: its pending changes are flushed before
    it gives the turn on, so a row the database refuses fails that call only (a fault,
    traced) and the call queued behind it succeeds in the same group."""
    with eng.context.db.session() as s:
        s.add(Meta(name="probe-taken", value="x"))
    probe = Probe(eng.context)
    out: dict = {}

    def call(name, fn):
        try:
            out[name] = fn()
        except Exception as e:
            out[name] = e

    groups = eng.context.db.groups
    a = threading.Thread(target=call, args=("dup", lambda: probe.add_meta("probe-taken", True)))
    a.start()
    with groups.condition:  # the first call holds the turn
        groups.condition.wait_for(lambda: groups.held_by_another())
    b = threading.Thread(target=call, args=("new", lambda: probe.add_meta("probe-new")))
    b.start()
    for t in (a, b):
        t.join(timeout=120)
        assert not t.is_alive()
    assert isinstance(out["dup"], IntegrityError) and out["new"] is None
    with eng.context.db.session(write=False) as s:
        assert s.get(Meta, "probe-new") is not None
    ratings = [(t.trace_name, t.trace_rating) for t in eng.audit.list_traces(limit=2)]
    assert sorted(ratings) == [("probeMeta", "incident"), ("probeMeta", "normal")]
    assert eng.audit.verify().ok
