"""Topic files live only at `$DEW_HOME/topics/<topic>.jsonl`, and nothing planted there
(a symlink, a FIFO, a directory, a hard link) can redirect or stall a delivery."""
from __future__ import annotations

import json
import os
import stat
import threading

import pytest

from engine import Engine, SeededRng
from engine.events import fire, jobs
from engine.models.events import Topic
from refusals import refused

JOIN = 30  # seconds a firing call gets before the test calls it stuck (it takes milliseconds)


def topic_path(eng, name="t"):
    return eng.home / "topics" / f"{name}.jsonl"


@pytest.fixture
def teng(eng):
    """A topic `t` delivering to its file, and an event `ev` notifying it (the path form of
    `file=True`, which older versions took too: the planted-file tests run against both)."""
    eng.events.create_topic("t", file=str(topic_path(eng)))
    eng.events.create_secret_event("ev", ["SECRET_VERSION_CREATED"], notification="t")
    return eng


def statuses(eng):
    return [r.notification_status for r in eng.events.list_notification_records()]


def in_thread(fn):
    """Run `fn` in a thread; True when it returned within JOIN (its exception re-raised)."""
    errors: list[BaseException] = []

    def run():
        try:
            fn()
        except BaseException as e:  # noqa: BLE001 - handed to the test
            errors.append(e)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(JOIN)
    if errors:
        raise errors[0]
    return not worker.is_alive()


def reopen_works(eng, clock):
    other = Engine.open(home=eng.home, clock=clock, rng=SeededRng(99))
    try:
        assert other.events.list_topics()[0].name == "t"
    finally:
        other.close()


# --- what create_topic accepts ---------------------------------------------------------------
@pytest.mark.parametrize("file", ["../x", "../x.jsonl", "topics/t.jsonl", "/tmp/x.jsonl", "~/x.jsonl", 1])
def test_any_path_but_the_confined_one_is_refused(eng, tmp_path, file):
    err = refused("CSMS.0002", eng.events.create_topic, "t", file=file)
    assert "$DEW_HOME/topics/<topic name>.jsonl" in err.message
    assert eng.events.list_topics() == []


def test_absolute_path_outside_is_refused(eng, tmp_path):
    refused("CSMS.0002", eng.events.create_topic, "t", file=str(tmp_path / "outside.jsonl"))
    refused("CSMS.0002", eng.events.create_topic, "t", file=str(eng.home / "topics" / "u.jsonl"))
    assert not (tmp_path / "outside.jsonl").exists()


def test_topic_name_must_be_a_plain_name(eng):
    for name in ["ops\n", "../x", "a/b", "t.jsonl", "a\tb", "", "x" * 65, "é"]:
        refused("CSMS.0002", eng.events.create_topic, name)
    assert eng.events.list_topics() == []


def test_file_is_a_choice_and_the_default_path_is_accepted(eng):
    assert eng.events.create_topic("a", file=True).file == str(topic_path(eng, "a"))
    assert eng.events.create_topic("b", file=str(topic_path(eng, "b"))).file == str(topic_path(eng, "b"))
    assert eng.events.create_topic("c", file=False).file == ""
    assert eng.events.create_topic("d").file == ""
    assert [t.file for t in eng.events.list_topics()] == [
        str(topic_path(eng, "a")), str(topic_path(eng, "b")), "", ""]


def test_update_topic_turns_file_delivery_on_and_off(eng):
    eng.events.create_topic("t")
    assert eng.events.update_topic("t", file=True).file == str(topic_path(eng, "t"))
    refused("CSMS.0002", eng.events.update_topic, "t", file="/tmp/elsewhere.jsonl")
    assert eng.events.list_topics()[0].file == str(topic_path(eng, "t"))
    assert eng.events.update_topic("t", file=False).file == ""
    refused("CSMS.0005", eng.events.update_topic, "nope", file=True)


# --- delivery -------------------------------------------------------------------------------
def test_delivery_to_the_confined_file(teng):
    teng.csms.create_secret("s1", secret_string="VALUE-1", event_subscriptions=["ev"])
    teng.csms.create_secret_version("s1", secret_string="VALUE-2")
    path = topic_path(teng)
    lines = [json.loads(x) for x in path.read_text().splitlines()]
    assert [d["data"]["versionId"] for d in lines] == ["v1", "v2"]
    assert statuses(teng) == ["SUCCESS", "SUCCESS"]
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    assert b"VALUE-" not in path.read_bytes()


def test_delivery_is_at_least_once(teng, clock, monkeypatch):
    """The process stops after the append and before the status update: run_due appends the
    line again (two copies, never none)."""
    from engine.events import topicfile
    real = fire.deliver_committed

    def crash_after_append(db, home, pending):
        for _rid, name, line in pending:
            assert topicfile.append_to_topic(home, name, line) is None
        raise RuntimeError("stopped before the status update")

    monkeypatch.setattr(fire, "deliver_committed", crash_after_append)
    teng.csms.create_secret("s1", secret_string="x", event_subscriptions=["ev"])  # not failed by it
    monkeypatch.setattr(fire, "deliver_committed", real)
    assert statuses(teng) == ["PENDING"]
    assert len(topic_path(teng).read_text().splitlines()) == 1
    assert teng.run_due(clock.now() + jobs.DELIVERY_GRACE).done["retry_file_deliveries"] == 1
    assert statuses(teng) == ["SUCCESS"]
    first, again = topic_path(teng).read_text().splitlines()
    assert first == again


def test_symlink_at_the_topic_path_is_not_followed(teng, tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("keep\n")
    topic_path(teng).parent.mkdir(mode=0o700)
    topic_path(teng).symlink_to(outside)
    teng.csms.create_secret("s1", secret_string="x", event_subscriptions=["ev"])
    assert statuses(teng) == ["FAIL"]
    assert outside.read_text() == "keep\n"


def test_symlinked_topics_folder_is_not_followed(teng, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (teng.home / "topics").symlink_to(elsewhere)
    teng.csms.create_secret("s1", secret_string="x", event_subscriptions=["ev"])
    assert statuses(teng) == ["FAIL"]
    assert list(elsewhere.iterdir()) == []


def test_hard_link_at_the_topic_path_is_refused(teng, tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("keep\n")
    topic_path(teng).parent.mkdir(mode=0o700)
    os.link(outside, topic_path(teng))
    teng.csms.create_secret("s1", secret_string="x", event_subscriptions=["ev"])
    assert statuses(teng) == ["FAIL"]
    assert outside.read_text() == "keep\n"


def test_directory_at_the_topic_path_fails_the_record_with_a_reason(teng, caplog):
    topic_path(teng).mkdir(parents=True)
    teng.csms.create_secret("s1", secret_string="x", event_subscriptions=["ev"])
    assert teng.csms.show_secret("s1").name == "s1"
    assert statuses(teng) == ["FAIL"]
    assert "t.jsonl: the topic file is a directory" in caplog.text
    assert list(topic_path(teng).iterdir()) == []


def test_fifo_at_the_topic_path_does_not_hang_the_call(teng, clock):
    topic_path(teng).parent.mkdir(mode=0o700)
    os.mkfifo(topic_path(teng), 0o600)
    assert in_thread(lambda: teng.csms.create_secret("s1", secret_string="x", event_subscriptions=["ev"]))
    assert statuses(teng) == ["FAIL"]
    reopen_works(teng, clock)


def test_fifo_with_a_reader_is_refused_too(teng, clock):
    topic_path(teng).parent.mkdir(mode=0o700)
    os.mkfifo(topic_path(teng), 0o600)
    reader = os.open(topic_path(teng), os.O_RDONLY | os.O_NONBLOCK)
    try:
        assert in_thread(lambda: teng.csms.create_secret("s1", secret_string="x", event_subscriptions=["ev"]))
        assert statuses(teng) == ["FAIL"]
        assert os.read(reader, 100) == b""  # nothing was written into the pipe (no writer left)
    finally:
        os.close(reader)


def test_run_due_retry_on_a_fifo_holds_no_lock(teng, clock, monkeypatch):
    monkeypatch.setattr(fire, "_flush_deliveries", lambda sess, db, home: sess.info.pop(fire._PENDING, None))
    teng.csms.create_secret("s1", secret_string="x", event_subscriptions=["ev"])
    monkeypatch.undo()
    assert statuses(teng) == ["PENDING"]
    topic_path(teng).parent.mkdir(mode=0o700)
    os.mkfifo(topic_path(teng), 0o600)
    assert in_thread(lambda: teng.run_due(clock.now() + jobs.DELIVERY_GRACE))
    assert statuses(teng) == ["FAIL"]
    reopen_works(teng, clock)


def test_a_stuck_write_times_out_and_blocks_nothing(teng, clock, monkeypatch):
    from engine.events import topicfile
    release = threading.Event()
    entered = threading.Event()

    def stuck_write(fd, data):
        entered.set()
        release.wait(JOIN)
        return None

    monkeypatch.setattr(topicfile, "DELIVERY_TIMEOUT", 0.05)
    monkeypatch.setattr(topicfile, "_write_all", stuck_write)
    try:
        assert in_thread(lambda: teng.csms.create_secret("s1", secret_string="x", event_subscriptions=["ev"]))
        assert entered.is_set() and statuses(teng) == ["FAIL"]
        # while that write is stuck, the next delivery fails at once (no second thread)
        assert topicfile.append_to_topic(teng.home, "t", "{}") == "an earlier topic-file write is still stuck"
        reopen_works(teng, clock)
    finally:
        release.set()
        for worker in list(topicfile._stuck):
            worker.join(JOIN)


# --- rows from older databases ------------------------------------------------------------------
def test_stored_path_of_an_old_row_is_never_written(eng, tmp_path):
    outside = tmp_path / "outside.jsonl"
    with eng.context.db.session() as s:
        s.add(Topic(topic_id="old-topic", domain_id=eng.principal.domain_id, name="old",
                    file=str(outside), created=eng.context.clock.now()))
    eng.events.create_secret_event("ev", ["SECRET_VERSION_CREATED"], notification="old")
    assert eng.events.list_topics()[0].file == str(topic_path(eng, "old"))
    assert eng.events.show_secret_event("ev").topic_file == str(topic_path(eng, "old"))
    eng.csms.create_secret("s1", secret_string="x", event_subscriptions=["ev"])
    assert not outside.exists()
    assert statuses(eng) == ["SUCCESS"]
    assert len(topic_path(eng, "old").read_text().splitlines()) == 1


# --- who may change a topic ------------------------------------------------------------------------
def test_changing_a_topic_needs_permission_on_the_events_using_it(teng):
    teng.events.create_topic("spare")
    teng.iam.create_user("bob")
    teng.iam.create_policy("events-but-not-ev", {"Version": "1.1", "Statement": [
        {"Effect": "Allow", "Action": ["csms:event:*"], "Resource": ["*"]},
        {"Effect": "Deny", "Action": ["csms:event:*"], "Resource": ["CSMS:*:*:event:ev"]}]})
    teng.iam.attach_policy("bob", "events-but-not-ev")
    bob = teng.as_user("bob")
    refused("CSMS.0302", bob.events.update_topic, "t", file=False)
    err = refused("CSMS.0302", bob.events.delete_topic, "t")
    assert "event ev" in err.message
    assert teng.events.list_topics()[1].file == str(topic_path(teng))
    # a topic no event of his may not touch uses: his to change
    assert bob.events.update_topic("spare", file=True).file == str(topic_path(teng, "spare"))
    bob.events.delete_topic("spare")
    # the administrator may change the one admin's event uses
    assert teng.events.update_topic("t", file=False).file == ""
    traces = [(t.trace_name, t.code) for t in teng.audit.list_traces(user="bob")]
    assert ("updateTopic", "CSMS.0302") in traces and ("deleteTopic", "CSMS.0302") in traces
