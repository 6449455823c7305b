"""Secret events and topics: rules, refusals, and which operations fire which event."""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest

from engine import Engine, SeededRng, Settings
from engine.events.catalog import EVENT_TYPES
from refusals import refused

ALL = [t.name for t in EVENT_TYPES]


@pytest.fixture
def ev(eng):
    eng.events.create_topic("inbox")
    eng.events.create_secret_event("watch", ALL, notification="inbox")
    return eng


def records(eng, **kw):
    return [(r.trigger_event_type, r.secret_name, r.version_id)
            for r in eng.events.list_notification_records(**kw)]


# --- topics and events ----------------------------------------------------------------
def test_create_list_show_event(eng):
    t = eng.events.create_topic("ops")
    e = eng.events.create_secret_event("ev-1", ["SECRET_DELETED", "SECRET_VERSION_CREATED"], notification="ops")
    assert e.state == "ENABLED" and e.enabled
    assert e.event_types == ("SECRET_VERSION_CREATED", "SECRET_DELETED")  # catalog order
    assert (e.notification.target_id, e.notification.target_name) == (t.topic_id, "ops")
    assert [x.name for x in eng.events.list_secret_events()] == ["ev-1"]
    assert eng.events.show_secret_event("ev-1") == e
    assert eng.events.list_topics()[0].used_by == ("ev-1",)
    d = eng.events.create_secret_event("ev_2", ["SECRET_ROTATED"], state="DISABLED", notification="ops")
    assert d.state == "DISABLED"
    traces = [t.trace_name for t in eng.audit.list_traces()]
    assert traces[:3] == ["createSecretEvent", "createSecretEvent", "createTopic"]


def test_event_rules_refused(eng):
    eng.events.create_topic("ops")
    refused("CSMS.0002", eng.events.create_secret_event, "bad name!", ALL, notification="ops")
    refused("CSMS.0002", eng.events.create_secret_event, "x" * 65, ALL, notification="ops")
    refused("CSMS.0002", eng.events.create_secret_event, "e", [], notification="ops")
    refused("CSMS.0002", eng.events.create_secret_event, "e", ["SECRET_EXPLODED"], notification="ops")
    refused("CSMS.0002", eng.events.create_secret_event, "e", "SECRET_DELETED", notification="ops")
    refused("CSMS.0002", eng.events.create_secret_event, "e", ["SECRET_DELETED", "SECRET_DELETED"],
            notification="ops")
    refused("CSMS.0002", eng.events.create_secret_event, "e", ALL, state="ON", notification="ops")
    refused("CSMS.0005", eng.events.create_secret_event, "e", ALL, notification="nope")
    refused("CSMS.0002", eng.events.create_secret_event, "e", ALL)
    eng.events.create_secret_event("e", ALL, notification="ops")
    refused("CSMS.0002", eng.events.create_secret_event, "e", ALL, notification="ops")  # taken
    refused("CSMS.0005", eng.events.show_secret_event, "missing")
    refused("CSMS.0005", eng.events.update_secret_event, "missing", state="DISABLED")
    refused("CSMS.0005", eng.events.delete_secret_event, "missing")
    refused("CSMS.0002", eng.events.update_secret_event, "e", event_types=["BAD"])
    refused("CSMS.0002", eng.events.update_secret_event, "e", state="off")
    refused("CSMS.0005", eng.events.update_secret_event, "e", notification="nope")
    warn = eng.audit.list_traces(trace_rating="warning")
    assert len(warn) == 16 and {t.trace_name for t in warn} == {"createSecretEvent", "updateSecretEvent",
                                                                "deleteSecretEvent", "showSecretEvent"}


def test_topic_rules_refused(eng, tmp_path):
    refused("CSMS.0002", eng.events.create_topic, "a b")
    refused("CSMS.0002", eng.events.create_topic, "t", file=str(tmp_path))  # a directory
    eng.events.create_topic("t")
    refused("CSMS.0002", eng.events.create_topic, "t")
    refused("CSMS.0005", eng.events.delete_topic, "nope")


def test_event_quota(home, clock):
    e = Engine.open(home=home, clock=clock, rng=SeededRng(3), settings=replace(Settings(), events_quota=2))
    e.events.create_topic("t")
    e.events.create_secret_event("a", ALL, notification="t")
    e.events.create_secret_event("b", ALL, notification="t")
    refused("CSMS.0202", e.events.create_secret_event, "c", ALL, notification="t")
    e.events.delete_secret_event("a")
    e.events.create_secret_event("c", ALL, notification="t")
    e.close()


def test_default_quota_is_30(eng):
    eng.events.create_topic("t")
    for i in range(30):
        eng.events.create_secret_event(f"e{i}", ["SECRET_DELETED"], notification="t")
    err = refused("CSMS.0202", eng.events.create_secret_event, "e30", ALL, notification="t")
    assert "30" in err.message


def test_update_enable_disable(eng, clock):
    eng.events.create_topic("t1")
    eng.events.create_topic("t2")
    eng.events.create_secret_event("e", ["SECRET_DELETED"], notification="t1")
    clock.advance(timedelta(minutes=5))
    u = eng.events.update_secret_event("e", event_types=["SECRET_ROTATED", "SECRET_ROTATED_FAILED"],
                                       notification="t2")
    assert u.event_types == ("SECRET_ROTATED", "SECRET_ROTATED_FAILED")
    assert u.notification.target_name == "t2" and u.update_time > u.create_time
    assert eng.events.disable_secret_event("e").state == "DISABLED"
    assert eng.events.disable_secret_event("e").state == "DISABLED"
    assert eng.events.enable_secret_event("e").state == "ENABLED"


def test_delete_refused_while_used(ev):
    eng = ev
    eng.csms.create_secret("db-pass", secret_string="s3cret", event_subscriptions=["watch"])
    assert eng.events.show_secret_event("watch").subscribers == 1
    err = refused("CSMS.0003", eng.events.delete_secret_event, "watch")
    assert "db-pass" in err.message
    refused("CSMS.0003", eng.events.delete_topic, "inbox")  # the event still notifies it
    eng.csms.schedule_secret_deletion("db-pass", recovery_window_in_days=7)
    refused("CSMS.0003", eng.events.delete_secret_event, "watch")  # pending deletion still subscribes
    eng.csms.restore_secret("db-pass")
    eng.csms.update_secret("db-pass", event_subscriptions=[])
    eng.events.delete_secret_event("watch")
    eng.events.delete_topic("inbox")
    assert eng.events.list_secret_events() == [] and eng.events.list_topics() == []


def test_delete_allowed_after_secret_deleted(ev):
    ev.csms.create_secret("s", secret_string="x", event_subscriptions=["watch"])
    ev.csms.delete_secret("s")
    ev.events.delete_secret_event("watch")


def test_other_user_needs_permission(eng):
    eng.events.create_topic("t")
    eng.iam.create_user("bob")
    bob = eng.as_user("bob")
    refused("CSMS.0302", bob.events.create_topic, "b")
    refused("CSMS.0302", bob.events.list_secret_events)
    refused("CSMS.0302", bob.events.list_notification_records)
    refused("CSMS.0302", bob.events.create_secret_event, "e", ALL, notification="t")
    names = [(t.trace_name, t.code) for t in eng.audit.list_traces(user="bob")]
    assert ("listSecretEvents", "CSMS.0302") in names and ("createTopic", "CSMS.0302") in names


# --- firing ----------------------------------------------------------------------------------
def test_version_created_fires(ev):
    ev.csms.create_secret("s1", secret_string="v1-value", event_subscriptions=["watch"])
    ev.csms.create_secret_version("s1", secret_string="v2-value")
    assert records(ev) == [("SECRET_VERSION_CREATED", "s1", "v2"), ("SECRET_VERSION_CREATED", "s1", "v1")]
    r = ev.events.list_notification_records()[0]
    assert r.level == "normal" and r.event_name == "watch" and r.notification_status == "SUCCESS"
    assert not r.read and r.notification_target_name == "inbox"
    c = r.content
    assert (c["eventName"], c["eventType"]) == ("watch", "SECRET_VERSION_CREATED")
    assert c["eventTime"].endswith("Z")
    assert c["data"]["secretName"] == "s1" and c["data"]["versionId"] == "v2"
    assert "v2-value" not in r.notification_content


def test_unsubscribed_secret_does_not_fire(ev):
    ev.csms.create_secret("quiet", secret_string="x")
    ev.csms.create_secret_version("quiet", secret_string="y")
    ev.csms.delete_secret("quiet")
    assert records(ev) == []


def test_disabled_event_does_not_fire(ev):
    ev.csms.create_secret("s", secret_string="x", event_subscriptions=["watch"])
    ev.events.disable_secret_event("watch")
    ev.csms.create_secret_version("s", secret_string="y")
    ev.csms.delete_secret("s")
    assert records(ev) == [("SECRET_VERSION_CREATED", "s", "v1")]


def test_type_not_listened_does_not_fire(ev):
    ev.events.update_secret_event("watch", event_types=["SECRET_DELETED"])
    ev.csms.create_secret("s", secret_string="x", event_subscriptions=["watch"])
    ev.csms.create_secret_version("s", secret_string="y")
    assert records(ev) == []
    ev.csms.delete_secret("s")
    assert records(ev) == [("SECRET_DELETED", "s", "")]
    assert ev.events.list_notification_records()[0].level == "warning"


def test_unsubscribing_stops_firing(ev):
    ev.csms.create_secret("s", secret_string="x", event_subscriptions=["watch"])
    ev.csms.update_secret("s", event_subscriptions=[])
    ev.csms.create_secret_version("s", secret_string="y")
    assert records(ev) == [("SECRET_VERSION_CREATED", "s", "v1")]


def test_deletion_fires_when_actually_deleted(ev, clock):
    ev.csms.create_secret("now", secret_string="x", event_subscriptions=["watch"])
    ev.csms.create_secret("later", secret_string="x", event_subscriptions=["watch"])
    ev.csms.delete_secret("now")
    assert records(ev, event_type="SECRET_DELETED") == [("SECRET_DELETED", "now", "")]
    ev.csms.schedule_secret_deletion("later", recovery_window_in_days=7)
    ev.run_due()
    assert len(records(ev, event_type="SECRET_DELETED")) == 1  # not yet
    clock.advance(timedelta(days=7))
    ev.run_due()
    ev.run_due()
    assert records(ev, event_type="SECRET_DELETED") == [("SECRET_DELETED", "later", ""),
                                                         ("SECRET_DELETED", "now", "")]


def test_rotation_fires_rotated(ev):
    ev.csms.create_secret("r", secret_string="x", event_subscriptions=["watch"])
    ev.csms.rotate_secret("r")
    assert records(ev)[:2] == [("SECRET_ROTATED", "r", "v2"), ("SECRET_VERSION_CREATED", "r", "v2")]


def test_rotation_failure_fires(ev, clock):
    key = ev.kms.create_key("k")
    ev.csms.create_secret("r", secret_string="x", kms_key_id=key.key_id, event_subscriptions=["watch"],
                          rotation={"rotation_period": "6h"})
    ev.kms.disable_key(key.key_id)
    clock.advance(timedelta(hours=6))
    ev.run_due()
    got = ev.events.list_notification_records(event_type="SECRET_ROTATED_FAILED")
    assert [(r.secret_name, r.level) for r in got] == [("r", "warning")]
    assert records(ev, event_type="SECRET_ROTATED") == []


def test_only_the_subscribed_event_fires(eng):
    eng.events.create_topic("t")
    eng.events.create_secret_event("a", ALL, notification="t")
    eng.events.create_secret_event("b", ALL, notification="t")
    eng.csms.create_secret("s", secret_string="x", event_subscriptions=["b"])
    assert [r.event_name for r in eng.events.list_notification_records()] == ["b"]
    assert json.loads(eng.events.list_notification_records()[0].notification_content)["eventName"] == "b"
