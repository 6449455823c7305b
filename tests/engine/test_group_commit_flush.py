"""Group commit's fsync runs after the turn is given back: the next group works while the
last one's write-ahead log reaches the disk, and nobody returns before its own group's
flush. The turn is handed from call to call; a call that gives up while waiting for it
leaves nobody stranded.

A flush is held back (`sync_log` blocked on an event) so the order is deterministic, with no
sleeping: the waits below have timeouts only so that a broken build fails instead of hanging."""
from __future__ import annotations

import sqlite3
import threading

import pytest

import engine.db as db_module
from engine.db import GroupCommitFailed

PLAIN = b"0123456789abcdef"
WAIT = 60  # seconds before a wait that should end at once counts as a hang


class HeldFlush:
    """`sync_log` that blocks the first flush until `release()`; the others pass through."""

    def __init__(self, db) -> None:
        self._real = db.sync_log
        self.entered = threading.Event()
        self._go = threading.Event()
        self.calls = 0

    def __call__(self) -> None:
        self.calls += 1
        if self.calls == 1:
            self.entered.set()
            assert self._go.wait(WAIT)
        self._real()

    def release(self) -> None:
        self._go.set()


def in_thread(fn):
    """Run `fn` in a thread → (thread, outcome dict: 'result' or 'error')."""
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["result"] = fn()
        except BaseException as e:  # kept for the assertion
            outcome["error"] = e

    t = threading.Thread(target=run)
    t.start()
    return t, outcome


def test_the_next_groups_work_and_commit_while_the_last_one_is_flushed_then_share_a_flush(eng, monkeypatch):
    key = eng.kms.create_key("flushing").key_id
    db = eng.context.db
    groups = db.groups
    held = HeldFlush(db)
    monkeypatch.setattr(db, "sync_log", held)
    before = eng.audit.count_traces(since=None)

    first, first_out = in_thread(lambda: eng.kms.encrypt_data(key, PLAIN))
    assert held.entered.wait(WAIT)  # its group is committed; its fsync has not returned
    assert groups.flushing == 1 and not groups.held_by_another()
    later = []
    for n in (2, 3):  # each takes the free turn, works and commits its own group
        later.append(in_thread(lambda: eng.kms.encrypt_data(key, PLAIN)))
        with groups.condition:
            assert groups.condition.wait_for(lambda: groups.flushing == n, WAIT)

    assert all(out == {} for _, out in [(first, first_out), *later])  # none returns before its flush
    held.release()
    for t, out in [(first, first_out), *later]:
        t.join(WAIT)
        assert not t.is_alive() and "error" not in out
    assert held.calls == 2  # the first group's fsync, then one for both groups committed during it
    assert groups.flushing == 0
    assert eng.audit.count_traces(since=None) == before + 3
    for _, out in [(first, first_out), *later]:
        assert eng.kms.decrypt_data(out["result"].cipher_text).plain_text == PLAIN
    assert eng.audit.verify().ok


def test_a_failed_flush_fails_every_member_of_its_group(eng, monkeypatch):
    db = eng.context.db
    failing = {"armed": True}
    real = db.sync_log

    def fail_once() -> None:
        if failing.pop("armed", False):
            raise OSError("fsync failed")
        real()

    monkeypatch.setattr(db, "sync_log", fail_once)
    groups = db.groups
    outcome: dict = {}

    def worker(name: str) -> None:
        try:
            outcome[name] = eng.kms.create_key(name).key_alias
        except Exception as e:  # the assertion reads it
            outcome[name] = e

    group = groups.enter()  # the test holds the turn until all three are queued
    threads = [threading.Thread(target=worker, args=(f"k{i}",)) for i in range(3)]
    for t in threads:
        t.start()
    with groups.condition:
        assert groups.condition.wait_for(lambda: groups.waiting == 3, WAIT)
    with pytest.raises(GroupCommitFailed):
        groups.leave(group)  # a member too: it hears the failure as well
    for t in threads:
        t.join(WAIT)
    assert all(isinstance(v, OSError) for v in outcome.values()) and len(outcome) == 3, outcome
    incidents = [t for t in eng.audit.list_traces(limit=10) if t.trace_rating == "incident"]
    assert len(incidents) == 3 and {t.trace_name for t in incidents} == {"createKey"}
    assert eng.audit.verify().ok


def test_only_the_groups_connection_leaves_the_flush_to_sync_log(eng):
    """Its commits skip SQLite's fsync (synchronous=NORMAL, `sync_log` flushes instead); every
    other connection keeps flushing in its commit (FULL), and the groups' connection is
    closed, not given back to the pool, when it is dropped."""
    db = eng.context.db
    eng.kms.create_key("opens-the-group-session")
    s = db.group_session()
    group_driver = s.connection().connection.driver_connection
    s.close()  # (ends the transaction `connection()` began)
    assert group_driver.execute("PRAGMA synchronous").fetchone()[0] == 1
    assert db.flushes_after_commit()
    with db.session() as s:
        assert s.connection().connection.driver_connection.execute("PRAGMA synchronous").fetchone()[0] == 2
    db.drop_group_session()
    with pytest.raises(sqlite3.ProgrammingError):
        group_driver.execute("PRAGMA synchronous")


def test_a_call_that_gives_up_as_the_turn_reaches_it_leaves_its_group_committed(eng, monkeypatch):
    """A member hands the turn to the one call waiting and sleeps; that call is interrupted
    as it wakes: the member is woken, commits the group itself and returns."""
    groups = eng.context.db.groups

    class Interrupted(Exception):
        pass

    class InterruptedWaiter(db_module._Waiter):
        """Wakes holding the turn, then is interrupted (as by a signal)."""

        def __init__(self, ident: int) -> None:
            super().__init__(ident)
            real = self.lock

            class Lock:
                def acquire(self) -> bool:
                    real.acquire()
                    raise Interrupted()

                def release(self) -> None:
                    real.release()
            self.lock = Lock()

    monkeypatch.setattr(db_module, "_Waiter", InterruptedWaiter)
    group = groups.enter()
    waiter, waiter_out = in_thread(groups.enter)
    with groups.condition:
        assert groups.condition.wait_for(lambda: groups.waiting == 1, WAIT)
    member, member_out = in_thread(lambda: groups.leave(group))  # hands the turn on, sleeps
    for t in (waiter, member):
        t.join(WAIT)
        assert not t.is_alive()
    assert isinstance(waiter_out["error"], Interrupted)
    assert member_out == {"result": None} and group.done and group.error is None
    assert not groups.held_by_another() and groups.waiting == 0
    assert eng.kms.create_key("after").key_alias == "after"  # the turn is free


def test_the_first_flush_of_a_log_file_also_flushes_its_directory(tmp_path, monkeypatch):
    """The groups' connection leaves SQLite no sync at which to flush a new log file's
    directory entry: `sync_log` does it, once per log file."""
    synced: list[str] = []
    monkeypatch.setattr(db_module, "_sync_directory", synced.append)
    db = db_module.Database(f"sqlite:///{tmp_path / 'flushed.db'}")
    with db.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (v TEXT)")  # (WAL mode: the log file exists)
    log = tmp_path / "flushed.db-wal"
    assert log.exists()
    db.sync_log()
    db.sync_log()
    assert synced == [str(tmp_path)]
    db.engine.dispose()  # the last connection closes: the log is checkpointed and removed
    assert not log.exists()
    db.sync_log()  # nothing to flush
    with db.engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO t VALUES ('x')")  # a new log file
    db.sync_log()
    assert synced == [str(tmp_path)] * 2
    db.dispose()
