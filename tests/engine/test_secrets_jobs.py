"""Due secret work through `eng.run_due()`: scheduled deletion and rotation; rotate now."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import select

from engine.csms.jobs import DUE_JOBS, delete_due_secrets, rotate_due_secrets
from engine.models.core import AuditTrace
from refusals import code_of


@pytest.fixture
def fired(monkeypatch):
    calls: list[tuple[str, str, str]] = []
    import engine.events.fire as f

    def record(call, secret, event_type, version_id=""):
        calls.append((event_type, secret.name, version_id))
        return 0
    monkeypatch.setattr(f, "fire_secret_event", record)
    return calls


def system_traces(eng, name):
    with eng.context.db.session(write=False) as s:
        return s.exec(select(AuditTrace).where(AuditTrace.trace_name == name,
                                               AuditTrace.user == "system")).all()


def test_jobs_registered():
    assert DUE_JOBS == (delete_due_secrets, rotate_due_secrets)


# --- deletion ------------------------------------------------------------------------------
def test_due_deletion(eng, clock, fired):
    eng.csms.create_secret("a", secret_string="v")
    eng.csms.create_secret("keep", secret_string="v")
    eng.csms.schedule_secret_deletion("a", 7)
    clock.advance(timedelta(days=6, hours=23))
    assert eng.run_due().done["delete_due_secrets"] == 0
    assert eng.csms.show_secret("a").state == "PENDING_DELETE"
    clock.advance(timedelta(hours=2))
    assert eng.run_due().done["delete_due_secrets"] == 1
    assert code_of(eng.csms.show_secret, "a") == "CSMS.0106"
    assert eng.csms.show_secret("keep").state == "ENABLED"
    assert ("SECRET_DELETED", "a", "") in fired
    assert [t.resource_name for t in system_traces(eng, "forceDeleteSecret")] == ["a"]
    assert eng.run_due().done["delete_due_secrets"] == 0  # idempotent


def test_restored_secret_is_not_deleted(eng, clock):
    eng.csms.create_secret("a", secret_string="v")
    eng.csms.schedule_secret_deletion("a", 7)
    eng.csms.restore_secret("a")
    clock.advance(timedelta(days=31))
    eng.run_due()
    assert eng.csms.show_secret("a").state == "ENABLED"


# --- rotation ------------------------------------------------------------------------------
def test_configure_rotation_refusals(eng):
    eng.csms.create_secret("a", secret_string="v")
    for period in ("5h", "366d", "0d", "6x", "", 6, "8761h"):
        assert code_of(eng.csms.configure_rotation, "a", period) == "CSMS.0002"
    assert code_of(eng.csms.configure_rotation, "a") == "CSMS.0002"  # enabled needs a period
    for gen in ({"length": 4}, {"length": 5000}, {"alphabet": "aaaa"}, {"type": "other"},
                {"type": "kv", "template": {"x": 1}}, {"type": "kv", "field": ""}, "password"):
        assert code_of(eng.csms.configure_rotation, "a", "1d", gen) == "CSMS.0002"
    assert code_of(eng.csms.configure_rotation, "ghost", "1d") == "CSMS.0106"
    s = eng.csms.configure_rotation("a", "8760h")
    assert s.auto_rotation and s.rotation_period == "8760h"


def test_due_rotation_with_password_generator(eng, clock, fired):
    t0 = clock.now()
    s = eng.csms.create_secret("a", secret_string="v", rotation={
        "rotation_period": "6h", "generator": {"type": "password", "length": 24, "alphabet": "ab"}})
    assert s.auto_rotation and s.next_rotation_time == t0 + timedelta(hours=6)
    clock.advance(timedelta(hours=5))
    assert eng.run_due().done["rotate_due_secrets"] == 0
    clock.advance(timedelta(hours=2))
    assert eng.run_due().done["rotate_due_secrets"] == 1
    v = eng.csms.show_secret_version("a")
    assert v.version_metadata.id == "v2" and v.version_metadata.version_stages == ("SYSCURRENT",)
    assert len(v.secret_string) == 24 and set(v.secret_string) <= {"a", "b"}
    s = eng.csms.show_secret("a")
    assert s.rotation_time == clock.now() and s.next_rotation_time == clock.now() + timedelta(hours=6)
    assert ("SECRET_ROTATED", "a", "v2") in fired and ("SECRET_VERSION_CREATED", "a", "v2") in fired
    assert eng.run_due().done["rotate_due_secrets"] == 0  # done once
    assert len(system_traces(eng, "rotateSecret")) == 1


def test_kv_generator_keeps_template_fields(eng, clock):
    eng.csms.create_secret("db", secret_string={"user": "app", "password": "old"})
    eng.csms.configure_rotation("db", "1d", {"type": "kv", "template": {"user": "app", "host": "h1"},
                                            "field": "password", "length": 16})
    cfg = eng.csms.show_rotation_config("db")
    assert cfg.generator["template"] == {"user": "app", "host": "h1"} and cfg.generator["length"] == 16
    clock.advance(timedelta(days=1))
    eng.run_due()
    value = json.loads(eng.csms.show_secret_version("db").secret_string)
    assert value["user"] == "app" and value["host"] == "h1" and len(value["password"]) == 16


def test_rotation_failure_is_recorded_fired_and_others_continue(eng, clock, fired):
    k = eng.kms.create_key("app")
    eng.csms.create_secret("broken", secret_string="v", kms_key_id=k.key_id,
                           rotation={"rotation_period": "1d"})
    eng.csms.create_secret("fine", secret_string="v", rotation={"rotation_period": "1d"})
    eng.kms.disable_key(k.key_id)
    clock.advance(timedelta(days=1))
    report = eng.run_due()
    assert report.done["rotate_due_secrets"] == 1 and not report.failed
    broken = eng.csms.show_secret("broken")
    assert broken.rotation_error.startswith("CSMS.0401") and k.key_id in broken.rotation_error
    assert broken.next_rotation_time == clock.now() + timedelta(days=1)  # waits one period
    assert [v.id for v in eng.csms.list_secret_versions("broken")] == ["v1"]
    assert [v.id for v in eng.csms.list_secret_versions("fine")] == ["v2", "v1"]
    assert ("SECRET_ROTATED_FAILED", "broken", "") in fired
    assert ("SECRET_ROTATED", "fine", "v2") in fired
    assert eng.run_due().done["rotate_due_secrets"] == 0  # no failure storm
    eng.kms.enable_key(k.key_id)
    clock.advance(timedelta(days=1))
    eng.run_due()
    assert eng.csms.show_secret("broken").rotation_error == ""
    assert [v.id for v in eng.csms.list_secret_versions("broken")][0] == "v2"


def test_pending_secret_not_rotated_and_disabled_rotation_stops(eng, clock):
    eng.csms.create_secret("a", secret_string="v", rotation={"rotation_period": "1d"})
    eng.csms.create_secret("b", secret_string="v", rotation={"rotation_period": "1d"})
    eng.csms.schedule_secret_deletion("a", 7)
    s = eng.csms.configure_rotation("b", enabled=False)
    assert not s.auto_rotation and s.next_rotation_time is None and s.rotation_period == "1d"
    clock.advance(timedelta(days=2))
    assert eng.run_due().done["rotate_due_secrets"] == 0


def test_rotate_now(eng, fired):
    eng.csms.create_secret("a", secret_string="v")
    r = eng.csms.rotate_secret("a")
    assert (r.version_id, r.secret_name) == ("v2", "a")
    v = eng.csms.show_secret_version("a")
    assert v.version_metadata.id == "v2" and len(v.secret_string) == 32
    assert eng.csms.show_secret("a").rotation_time is not None
    assert ("SECRET_ROTATED", "a", "v2") in fired
    assert {m.id: m.version_stages for m in eng.csms.list_secret_versions("a")} == \
        {"v2": ("SYSCURRENT",), "v1": ("SYSPREVIOUS",)}


def test_rotate_now_refused_when_key_disabled(eng):
    k = eng.kms.create_key("app")
    eng.csms.create_secret("a", secret_string="v", kms_key_id=k.key_id)
    eng.kms.disable_key(k.key_id)
    assert code_of(eng.csms.rotate_secret, "a") == "CSMS.0401"
