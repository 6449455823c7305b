"""The notification inbox, JSONL topic files, version expiry (exactly once) and retention."""
from __future__ import annotations

import json
import os
import stat
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlmodel import select

from engine import DewError, Engine, SeededRng, Settings
from engine.events.catalog import EVENT_TYPES
from engine.models.csms import SecretVersion
from engine.models.events import NotificationRecord

ALL = [t.name for t in EVENT_TYPES]


def setup_event(eng, file=False, name="watch", types=ALL):
    """An event notifying topic `<name>-topic`; with `file`, it appends to the topic's file,
    whose path is returned."""
    eng.events.create_topic(f"{name}-topic", file=file)
    eng.events.create_secret_event(name, types, notification=f"{name}-topic")
    return eng.home / "topics" / f"{name}-topic.jsonl"


def expired(eng, **kw):
    return [(r.secret_name, r.version_id) for r in
            eng.events.list_notification_records(event_type="SECRET_VERSION_EXPIRED", **kw)]


# --- inbox -------------------------------------------------------------------------------
def test_inbox_filters_unread_and_mark_read(eng):
    setup_event(eng, name="a")
    setup_event(eng, name="b", types=["SECRET_VERSION_CREATED", "SECRET_DELETED"])
    eng.csms.create_secret("s1", secret_string="x", event_subscriptions=["a"])
    eng.csms.create_secret("s2", secret_string="x", event_subscriptions=["b"])
    eng.csms.create_secret_version("s1", secret_string="y")
    eng.csms.delete_secret("s2")
    got = eng.events.list_notification_records()
    assert [(r.secret_name, r.trigger_event_type) for r in got] == [
        ("s2", "SECRET_DELETED"), ("s1", "SECRET_VERSION_CREATED"),
        ("s2", "SECRET_VERSION_CREATED"), ("s1", "SECRET_VERSION_CREATED")]
    assert eng.events.unread_count() == 4
    assert [r.secret_name for r in eng.events.list_notification_records(event_name="b")] == ["s2", "s2"]
    assert len(eng.events.list_notification_records(secret_name="s1")) == 2
    assert len(eng.events.list_notification_records(event_type="SECRET_DELETED")) == 1
    assert [r.record_id for r in eng.events.list_notification_records(limit=2, offset=1)] == \
        [got[1].record_id, got[2].record_id]
    assert eng.events.mark_read([got[0].record_id, got[1].record_id, "unknown"]) == 2
    assert eng.events.mark_read([got[0].record_id]) == 0
    assert eng.events.unread_count() == 2
    assert [r.record_id for r in eng.events.list_notification_records(unread_only=True)] == \
        [got[2].record_id, got[3].record_id]
    assert eng.events.show_notification(got[0].record_id).read
    assert eng.events.count_notification_records(event_name="a") == 2
    assert eng.events.mark_all_read() == 2 and eng.events.unread_count() == 0
    assert eng.audit.list_traces()[0].trace_name == "markNotificationsRead"


def test_show_notification_content(eng):
    setup_event(eng)
    eng.csms.create_secret("s1", secret_string="TOP-SECRET-VALUE", event_subscriptions=["watch"])
    r = eng.events.list_notification_records()[0]
    shown = eng.events.show_notification(r.record_id)
    assert shown == r
    c = shown.content
    assert set(c) == {"eventName", "eventType", "eventTime", "data"}
    assert c["data"]["secretId"] and c["data"]["versionId"] == "v1"
    assert "TOP-SECRET-VALUE" not in shown.notification_content


def test_inbox_refusals(eng):
    with pytest.raises(DewError) as ei:
        eng.events.show_notification("nope")
    assert ei.value.code == "CSMS.0005"
    with pytest.raises(DewError) as ei:
        eng.events.list_notification_records(limit=0)
    assert ei.value.code == "CSMS.0002"
    with pytest.raises(DewError) as ei:
        eng.events.list_notification_records(offset=-1)
    assert ei.value.code == "CSMS.0002"


def test_records_are_per_account(eng):
    setup_event(eng)
    eng.csms.create_secret("s1", secret_string="x", event_subscriptions=["watch"])
    eng.iam.create_user("eve", domain="other", admin=True)
    eve = eng.as_user("eve")
    assert eve.events.list_notification_records() == [] and eve.events.unread_count() == 0
    assert eve.events.list_secret_events() == []
    with pytest.raises(DewError) as ei:
        eve.events.show_notification(eng.events.list_notification_records()[0].record_id)
    assert ei.value.code == "CSMS.0005"


# --- file delivery -----------------------------------------------------------------------------
def test_jsonl_file_delivery(eng, tmp_path):
    out = setup_event(eng, file=True)
    assert eng.events.list_topics()[0].file == str(out)
    eng.csms.create_secret("s1", secret_string="VALUE-1", event_subscriptions=["watch"])
    eng.csms.create_secret_version("s1", secret_string="VALUE-2")
    lines = out.read_text().splitlines()
    assert len(lines) == 2
    docs = [json.loads(line) for line in lines]
    assert [(d["eventType"], d["data"]["versionId"]) for d in docs] == [
        ("SECRET_VERSION_CREATED", "v1"), ("SECRET_VERSION_CREATED", "v2")]
    recs = eng.events.list_notification_records()
    assert [json.loads(r.notification_content) for r in reversed(recs)] == docs
    assert all(r.notification_status == "SUCCESS" for r in recs)
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    assert b"VALUE-" not in out.read_bytes()


def test_unwritable_file_marks_fail_and_operation_succeeds(eng, tmp_path):
    target = setup_event(eng, file=True)
    target.mkdir(parents=True)  # a directory where the file goes: not writable as a file
    eng.csms.create_secret("s1", secret_string="x", event_subscriptions=["watch"])
    assert eng.csms.show_secret("s1").name == "s1"
    r = eng.events.list_notification_records()[0]
    assert r.notification_status == "FAIL"
    target.rmdir()
    eng.csms.create_secret_version("s1", secret_string="y")
    assert eng.events.list_notification_records()[0].notification_status == "SUCCESS"
    assert len(target.read_text().splitlines()) == 1


def test_delivery_lost_to_a_crash_is_retried_by_run_due(eng, clock, tmp_path, monkeypatch):
    """The process stops between the commit and the append: the record stays PENDING, and
    run_due appends its line once it is older than the grace period, exactly once."""
    from engine.events import fire, jobs
    out = setup_event(eng, file=True)
    monkeypatch.setattr(fire, "_flush_deliveries", lambda sess, db, home: sess.info.pop(fire._PENDING, None))
    eng.csms.create_secret("s1", secret_string="VALUE-1", event_subscriptions=["watch"])
    monkeypatch.undo()
    [r] = eng.events.list_notification_records()
    assert r.notification_status == "PENDING" and not out.exists()

    eng.run_due(clock.now() + jobs.DELIVERY_GRACE - timedelta(seconds=1))  # may still be on its way
    assert eng.events.list_notification_records()[0].notification_status == "PENDING"
    assert not out.exists()

    report = eng.run_due(clock.now() + jobs.DELIVERY_GRACE)
    assert report.done["retry_file_deliveries"] == 1
    [line] = out.read_text().splitlines()
    assert json.loads(line) == json.loads(r.notification_content)
    assert eng.events.list_notification_records()[0].notification_status == "SUCCESS"
    eng.run_due(clock.now() + timedelta(days=1))
    assert len(out.read_text().splitlines()) == 1  # never twice
    assert b"VALUE-" not in out.read_bytes()


def test_retried_delivery_to_an_unwritable_file_is_marked_fail(eng, clock, tmp_path, monkeypatch):
    from engine.events import fire, jobs
    target = setup_event(eng, file=True)
    monkeypatch.setattr(fire, "_flush_deliveries", lambda sess, db, home: sess.info.pop(fire._PENDING, None))
    eng.csms.create_secret("s1", secret_string="x", event_subscriptions=["watch"])
    monkeypatch.undo()
    target.mkdir(parents=True)  # a directory where the file goes
    eng.run_due(clock.now() + jobs.DELIVERY_GRACE)
    assert eng.events.list_notification_records()[0].notification_status == "FAIL"
    assert target.is_dir() and list(target.iterdir()) == []


def test_inbox_only_topic_has_no_file(eng, tmp_path):
    setup_event(eng)
    eng.csms.create_secret("s1", secret_string="x", event_subscriptions=["watch"])
    assert eng.events.list_topics()[0].file == ""
    assert eng.events.list_notification_records()[0].notification_status == "SUCCESS"


# --- version expiry ------------------------------------------------------------------------------
def test_expiry_fires_once_across_run_due(eng, clock):
    setup_event(eng)
    eng.csms.create_secret("s1", secret_string="x", event_subscriptions=["watch"])
    eng.csms.create_secret_version("s1", secret_string="y", expire_time=clock.now() + timedelta(days=2))
    eng.run_due()
    assert expired(eng) == []
    clock.advance(timedelta(days=2))
    assert eng.run_due().done["fire_version_expiry"] == 1
    assert eng.run_due().done["fire_version_expiry"] == 0
    clock.advance(timedelta(days=1))
    eng.run_due()
    assert expired(eng) == [("s1", "v2")]
    r = eng.events.list_notification_records(event_type="SECRET_VERSION_EXPIRED")[0]
    assert r.level == "warning"
    assert r.content["data"]["versionExpireTime"].startswith("2026-03-03T09:00")


def test_expiry_fires_once_across_restart(home, clock, tmp_path):
    e = Engine.open(home=home, clock=clock, rng=SeededRng(1))
    setup_event(e)
    e.csms.create_secret("s1", secret_string="x", event_subscriptions=["watch"])
    e.csms.update_version("s1", "v1", expire_time=clock.now() + timedelta(hours=1))
    e.close()
    clock.advance(timedelta(days=3))  # the app was closed when the version expired
    e = Engine.open(home=home, clock=clock, rng=SeededRng(2))  # opening runs due work
    assert expired(e) == [("s1", "v1")]
    e.close()
    e = Engine.open(home=home, clock=clock, rng=SeededRng(3))
    e.run_due()
    assert expired(e) == [("s1", "v1")]
    with e.context.db.session(write=False) as s:
        assert s.exec(select(SecretVersion)).one().expiry_notified
    e.close()


def test_new_expiry_time_notifies_again(eng, clock):
    setup_event(eng)
    eng.csms.create_secret("s1", secret_string="x", event_subscriptions=["watch"])
    eng.csms.update_version("s1", "v1", expire_time=clock.now() + timedelta(hours=1))
    clock.advance(timedelta(hours=2))
    eng.run_due()
    eng.csms.update_version("s1", "v1", expire_time=clock.now() + timedelta(hours=1))
    eng.run_due()
    assert len(expired(eng)) == 1
    clock.advance(timedelta(hours=2))
    eng.run_due()
    eng.run_due()
    assert expired(eng) == [("s1", "v1"), ("s1", "v1")]


def test_expiry_of_unsubscribed_or_disabled_is_silent_but_consumed(eng, clock):
    setup_event(eng)
    eng.csms.create_secret("quiet", secret_string="x")
    eng.csms.create_secret("muted", secret_string="x", event_subscriptions=["watch"])
    for name in ("quiet", "muted"):
        eng.csms.update_version(name, "v1", expire_time=clock.now() + timedelta(hours=1))
    eng.events.disable_secret_event("watch")
    clock.advance(timedelta(hours=2))
    assert eng.run_due().done["fire_version_expiry"] == 2
    eng.events.enable_secret_event("watch")
    eng.run_due()
    assert expired(eng) == []  # the expiry happened while disabled: not replayed


def test_many_expiries_in_batches(eng, clock):
    setup_event(eng)
    eng.csms.create_secret("s", secret_string="x", event_subscriptions=["watch"])
    for i in range(4):
        eng.csms.create_secret_version("s", secret_string=f"v{i}", expire_time=clock.now() + timedelta(minutes=i + 1))
    clock.advance(timedelta(hours=1))
    eng.run_due()
    assert sorted(v for _, v in expired(eng)) == ["v2", "v3", "v4", "v5"]


# --- retention --------------------------------------------------------------------------------------
def test_records_pruned_after_retention(eng, clock):
    setup_event(eng)
    eng.csms.create_secret("old", secret_string="x", event_subscriptions=["watch"])
    clock.advance(timedelta(days=60))
    eng.csms.create_secret("new", secret_string="x", event_subscriptions=["watch"])
    clock.advance(timedelta(days=31))
    assert eng.run_due().done["prune_notification_records"] == 1
    assert [r.secret_name for r in eng.events.list_notification_records()] == ["new"]
    assert eng.run_due().done["prune_notification_records"] == 0


def test_retention_is_a_setting(home, clock):
    e = Engine.open(home=home, clock=clock, rng=SeededRng(5),
                    settings=replace(Settings(), notification_retention_days=1))
    setup_event(e)
    e.csms.create_secret("s", secret_string="x", event_subscriptions=["watch"])
    clock.advance(timedelta(days=2))
    e.run_due()
    with e.context.db.session(write=False) as s:
        assert s.exec(select(NotificationRecord)).all() == []
    e.close()
