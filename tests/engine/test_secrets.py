"""Secrets: creation rules, reading, listing, updating, deletion states, tags, permissions."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlmodel import select

from engine import DewError, Engine, SeededRng, Settings
from engine.models.core import AuditTrace
from engine.models.events import SecretEvent, Topic
from engine.models.kms import Cmk
from refusals import code_of


@pytest.fixture
def fired(monkeypatch):
    """Every fire_secret_event call as (event type, secret name, version id)."""
    calls: list[tuple[str, str, str]] = []
    import engine.events.fire as f

    def record(call, secret, event_type, version_id=""):
        calls.append((event_type, secret.name, version_id))
        return 0
    monkeypatch.setattr(f, "fire_secret_event", record)
    return calls


def add_event(eng, name: str) -> None:
    with eng.context.db.session() as s:
        s.add(Topic(topic_id=f"t-{name}", domain_id=eng.principal.domain_id, name=f"t-{name}",
                    created=eng.now()))
        s.flush()
        s.add(SecretEvent(event_id=f"e-{name}", domain_id=eng.principal.domain_id, name=name,
                          event_types="SECRET_VERSION_CREATED", topic_id=f"t-{name}",
                          create_time=eng.now(), update_time=eng.now()))


def traces(eng, name=None):
    with eng.context.db.session(write=False) as s:
        q = select(AuditTrace).order_by(AuditTrace.seq)
        if name:
            q = q.where(AuditTrace.trace_name == name)
        return s.exec(q).all()


# --- creation ------------------------------------------------------------------------------
def test_create_text_secret_uses_csms_default_key_and_v1_syscurrent(eng, fired):
    s = eng.csms.create_secret("db-pass", secret_string="hunter2", description="prod db")
    default = eng.kms.get_default_key("csms")
    assert s.kms_key_id == default.key_id and default.key_alias == "csms/default"
    assert (s.state, s.secret_type, s.enterprise_project_id) == ("ENABLED", "COMMON", "default")
    v = eng.csms.show_secret_version("db-pass")
    assert v.secret_string == "hunter2" and v.secret_binary is None
    assert v.version_metadata.id == "v1" and v.version_metadata.version_stages == ("SYSCURRENT",)
    assert fired == [("SECRET_VERSION_CREATED", "db-pass", "v1")]
    assert "hunter2" not in repr(v)


def test_create_key_value_pairs_and_binary(eng):
    eng.csms.create_secret("kv", secret_string={"user": "app", "password": "p@ss"})
    assert eng.csms.show_secret_version("kv", "v1").secret_string == '{"user": "app", "password": "p@ss"}'
    eng.csms.create_secret("bin", secret_binary=b"\x00\x01\xff")
    assert eng.csms.show_secret_version("bin").secret_binary == b"\x00\x01\xff"


@pytest.mark.parametrize("kwargs", [
    {"name": "bad name"}, {"name": ""}, {"name": "x" * 65}, {"name": "a.b"},
    {"secret_string": None},                                         # no value
    {"secret_binary": b"x"},                                         # both values
    {"secret_string": "x" * (32 * 1024 + 1)},                        # over 32 KB
    {"secret_string": ""},
    {"description": "d" * 2049},
    {"secret_type": "RDS"},
    {"enterprise_project_id": "nope"},
    {"event_subscriptions": ["a", "b"]},                             # at most one event
    {"tags": {"bad key!": "v"}},
    {"tags": {f"k{i}": "v" for i in range(21)}},                      # 20 tags max
    {"rotation": {"rotation_period": "5h"}},                        # under 6 hours
    {"rotation": {"rotation_period": "366d"}},
    {"rotation": {"enabled": True}},                                 # period required
])
def test_create_refusals_invalid_parameter(eng, kwargs):
    args = {"name": "ok", "secret_string": "v", **kwargs}
    assert code_of(eng.csms.create_secret, **args) == "CSMS.0002"
    assert eng.csms.list_secrets().total == 0


def test_value_never_in_error_message(eng):
    with pytest.raises(DewError) as ei:
        eng.csms.create_secret("big", secret_string="TOPSECRET" * 4000)
    assert "TOPSECRET" not in ei.value.message


def test_missing_event_is_refused_existing_event_is_stored(eng):
    assert code_of(eng.csms.create_secret, "a", secret_string="v", event_subscriptions=["ghost"]) == "CSMS.0005"
    add_event(eng, "ev1")
    s = eng.csms.create_secret("a", secret_string="v", event_subscriptions=["ev1"])
    assert s.event_subscriptions == ("ev1",)
    assert [x.name for x in eng.csms.list_secrets(event_name="ev1").secrets] == ["a"]
    s = eng.csms.update_secret("a", event_subscriptions=[])
    assert s.event_subscriptions == ()


def test_name_taken_even_while_pending_deletion(eng):
    eng.csms.create_secret("a", secret_string="v")
    assert code_of(eng.csms.create_secret, "a", secret_string="w") == "CSMS.0002"
    eng.csms.schedule_secret_deletion("a", 7)
    assert code_of(eng.csms.create_secret, "a", secret_string="w") == "CSMS.0002"


def test_secret_quota(home, clock):
    e = Engine.open(home=home, clock=clock, rng=SeededRng(1),
                    settings=replace(Settings(), secret_quota=2))
    e.csms.create_secret("a", secret_string="v")
    e.csms.create_secret("b", secret_string="v")
    assert code_of(e.csms.create_secret, "c", secret_string="v") == "CSMS.0202"
    e.close()


def test_custom_key_must_be_enabled_aes_encrypt_key(eng):
    k = eng.kms.create_key("app", "AES_256")
    assert eng.csms.create_secret("a", secret_string="v", kms_key_id=k.key_id).kms_key_id == k.key_id
    rsa = eng.kms.create_key("rsa", "RSA_2048", "SIGN_VERIFY")
    assert code_of(eng.csms.create_secret, "b", secret_string="v", kms_key_id=rsa.key_id) == "CSMS.0002"
    with pytest.raises(DewError) as ei:
        eng.csms.create_secret("c", secret_string="v", kms_key_id="00000000-0000-0000-0000-000000000000")
    assert ei.value.code == "CSMS.0401" and "does not exist" in ei.value.message
    eng.kms.disable_key(k.key_id)
    with pytest.raises(DewError) as ei:
        eng.csms.create_secret("d", secret_string="v", kms_key_id=k.key_id)
    assert ei.value.code == "CSMS.0401" and k.key_id in ei.value.message and "Disabled" in ei.value.message


# --- reading needs the key Enabled ---------------------------------------------------------
def test_reads_refused_when_key_disabled_naming_key_and_state(eng):
    k = eng.kms.create_key("app")
    eng.csms.create_secret("a", secret_string="v", kms_key_id=k.key_id)
    eng.kms.disable_key(k.key_id)
    with pytest.raises(DewError) as ei:
        eng.csms.show_secret_version("a")
    assert ei.value.code == "CSMS.0401"
    assert k.key_id in ei.value.message and "Disabled" in ei.value.message
    assert code_of(eng.csms.create_secret_version, "a", secret_string="w") == "CSMS.0401"
    eng.kms.enable_key(k.key_id)
    assert eng.csms.show_secret_version("a").secret_string == "v"


def test_reads_refused_when_default_key_disabled_directly(eng):
    s = eng.csms.create_secret("a", secret_string="v")
    with eng.context.db.session() as ss:
        key = ss.get(Cmk, s.kms_key_id)
        key.key_state = "3"
        ss.add(key)
    with pytest.raises(DewError) as ei:
        eng.csms.show_secret_version("a", "v1")
    assert ei.value.code == "CSMS.0401" and "csms/default" in ei.value.message


def test_key_change_affects_only_new_versions(eng):
    s = eng.csms.create_secret("a", secret_string="old")
    k = eng.kms.create_key("app")
    assert eng.csms.update_secret("a", kms_key_id=k.key_id).kms_key_id == k.key_id
    v2 = eng.csms.create_secret_version("a", secret_string="new")
    assert v2.kms_key_id == k.key_id
    versions = {v.id: v.kms_key_id for v in eng.csms.list_secret_versions("a")}
    assert versions == {"v2": k.key_id, "v1": s.kms_key_id}
    eng.kms.disable_key(k.key_id)  # v1 (old key) still readable, v2 not
    assert eng.csms.show_secret_version("a", "v1").secret_string == "old"
    assert code_of(eng.csms.show_secret_version, "a", "v2") == "CSMS.0401"
    assert eng.csms.update_secret("a", kms_key_id=None).kms_key_id == s.kms_key_id  # back to default


def test_not_found_codes(eng):
    assert code_of(eng.csms.show_secret, "ghost") == "CSMS.0106"
    assert code_of(eng.csms.show_secret_version, "ghost") == "CSMS.0106"
    eng.csms.create_secret("a", secret_string="v")
    assert code_of(eng.csms.show_secret_version, "a", "v9") == "CSMS.0005"
    assert code_of(eng.csms.show_secret_version, "a", "x1") == "CSMS.0002"


# --- list ----------------------------------------------------------------------------------
def test_list_filters_and_paging(eng, clock):
    eng.kms.create_enterprise_project("team")
    for i in range(5):
        clock.advance(timedelta(minutes=1))
        eng.csms.create_secret(f"app_{i}", secret_string="v", tags={"env": "prod" if i % 2 else "dev", "n": str(i)},
                               enterprise_project_id="team" if i == 4 else "default")
    eng.csms.create_secret("other", secret_string="v")
    eng.csms.schedule_secret_deletion("app_0")
    page = eng.csms.list_secrets(limit=2, offset=1)  # newest first, then by name
    assert page.total == 6 and [s.name for s in page.secrets] == ["other", "app_3"]
    assert eng.csms.list_secrets(search="APP_").total == 5
    assert eng.csms.list_secrets(search="_").total == 5  # LIKE wildcards are literal
    assert [s.name for s in eng.csms.list_secrets(state="PENDING_DELETE").secrets] == ["app_0"]
    assert [s.name for s in eng.csms.list_secrets(enterprise_project_id="team").secrets] == ["app_4"]
    assert {s.name for s in eng.csms.list_secrets(tags={"env": "prod"}).secrets} == {"app_1", "app_3"}
    assert [s.name for s in eng.csms.list_secrets(tags={"env": "prod", "n": "3"}).secrets] == ["app_3"]
    assert eng.csms.list_secrets(tags={"env": "prod", "n": "2"}).total == 0
    assert code_of(eng.csms.list_secrets, tags={f"k{i}": "v" for i in range(21)}) == "CSMS.0002"
    assert code_of(eng.csms.list_secrets, state="GONE") == "CSMS.0002"
    assert code_of(eng.csms.list_secrets, limit=0) == "CSMS.0002"


# --- update / deletion states ---------------------------------------------------------------
def test_update_description_and_refusals(eng):
    eng.csms.create_secret("a", secret_string="v")
    assert eng.csms.update_secret("a", description="new").description == "new"
    assert eng.csms.show_secret("a").description == "new"
    assert code_of(eng.csms.update_secret, "a", description="x" * 3000) == "CSMS.0002"


def test_schedule_restore_and_pending_rules(eng, clock):
    eng.csms.create_secret("a", secret_string="v")
    for days in (6, 31, "7"):
        assert code_of(eng.csms.schedule_secret_deletion, "a", days) == "CSMS.0002"
    assert code_of(eng.csms.restore_secret, "a") == "CSMS.0108"
    s = eng.csms.schedule_secret_deletion("a")
    assert s.state == "PENDING_DELETE" and s.scheduled_delete_time == clock.now() + timedelta(days=30)
    assert code_of(eng.csms.schedule_secret_deletion, "a", 7) == "CSMS.0107"
    # values unreadable, metadata frozen
    assert code_of(eng.csms.show_secret_version, "a") == "CSMS.0103"
    assert code_of(eng.csms.create_secret_version, "a", secret_string="w") == "CSMS.0103"
    assert code_of(eng.csms.update_secret, "a", description="x") == "CSMS.0103"
    assert code_of(eng.csms.update_secret_stage, "a", "S", "v1") == "CSMS.0103"
    assert code_of(eng.csms.create_secret_tag, "a", "k", "v") == "CSMS.0103"
    assert code_of(eng.csms.rotate_secret, "a") == "CSMS.0103"
    assert eng.csms.show_secret("a").state == "PENDING_DELETE"  # metadata still visible
    r = eng.csms.restore_secret("a")
    assert r.state == "ENABLED" and r.scheduled_delete_time is None
    assert eng.csms.show_secret_version("a").secret_string == "v"


def test_delete_now_removes_everything(eng, fired):
    eng.csms.create_secret("a", secret_string="v", tags={"k": "v"})
    eng.csms.create_secret_version("a", secret_string="w")
    eng.csms.delete_secret("a")
    assert ("SECRET_DELETED", "a", "") in fired
    assert code_of(eng.csms.show_secret, "a") == "CSMS.0106"
    from engine.models.csms import SecretStage, SecretTag, SecretVersion
    with eng.context.db.session(write=False) as s:
        for t in (SecretVersion, SecretStage, SecretTag):
            assert s.exec(select(t)).all() == []
    eng.csms.create_secret("a", secret_string="again")  # the name is free again


# --- tags ----------------------------------------------------------------------------------
def test_tags_add_edit_delete_and_limit(eng):
    eng.csms.create_secret("a", secret_string="v")
    eng.csms.create_secret_tag("a", "env", "dev")
    tags = eng.csms.create_secret_tag("a", "env", "prod")  # one value per key: edited
    assert [(t.key, t.value) for t in tags] == [("env", "prod")]
    assert code_of(eng.csms.create_secret_tag, "a", " lead", "v") == "CSMS.0002"
    assert code_of(eng.csms.delete_secret_tag, "a", "ghost") == "CSMS.0005"
    for i in range(19):
        eng.csms.create_secret_tag("a", f"k{i}", "")
    assert code_of(eng.csms.create_secret_tag, "a", "one-more", "v") == "CSMS.0002"
    eng.csms.create_secret_tag("a", "k0", "edit")  # editing at the limit is fine
    assert len(eng.csms.delete_secret_tag("a", "env")) == 19
    assert len(eng.csms.list_secret_tags("a")) == 19


def test_cjk_tag_allowed(eng):
    eng.csms.create_secret("a", secret_string="v", tags={"环境": "生产"})
    assert eng.csms.list_secrets(tags={"环境": "生产"}).total == 1


# --- permissions and audit -----------------------------------------------------------------
def test_other_user_needs_permission(eng):
    eng.csms.create_secret("a", secret_string="v")
    eng.iam.create_user("bob")
    bob = eng.as_user("bob")
    assert code_of(bob.csms.show_secret_version, "a") == "CSMS.0302"
    assert code_of(bob.csms.list_secrets) == "CSMS.0302"
    assert code_of(bob.csms.create_secret, "b", secret_string="v") == "CSMS.0302"
    eng.iam.create_policy("reader", {"Statement": [{"Effect": "Allow", "Action": ["csms:secret:get*"]}]})
    eng.iam.attach_policy("bob", "reader")
    assert bob.csms.show_secret_version("a").secret_string == "v"
    assert code_of(bob.csms.delete_secret, "a") == "CSMS.0302"
    refused = [t for t in traces(eng) if t.code == "CSMS.0302"]
    assert {t.trace_name for t in refused} >= {"showSecretVersion", "listSecrets", "forceDeleteSecret"}


def test_trace_names_and_no_values_in_traces(eng):
    eng.csms.create_secret("a", secret_string="VALUE-ONE-xyz")
    eng.csms.create_secret_version("a", secret_string="VALUE-TWO-xyz")
    eng.csms.update_secret("a", description="d")
    eng.csms.update_secret_stage("a", "BLUE", "v1")
    eng.csms.update_secret_stage("a", "BLUE", "v2")
    eng.csms.delete_secret_stage("a", "BLUE")
    eng.csms.show_secret_version("a")
    blob = eng.csms.download_secret_blob("a")
    eng.csms.schedule_secret_deletion("a", 7)
    eng.csms.restore_secret("a")
    eng.csms.delete_secret("a")
    eng.csms.upload_secret_blob(blob)
    names = [t.trace_name for t in traces(eng) if t.resource_type == "csms"]
    assert names == ["createSecret", "createSecretVersion", "updateSecret", "createSecretStage",
                     "updateSecretStage", "deleteSecretStage", "showSecretVersion", "backupSecret",
                     "scheduleDelSecret", "restoreSecretFromDeletedStatus", "forceDeleteSecret",
                     "restoreSecretFromBackupBlob"]
    for t in traces(eng):
        assert "VALUE-" not in t.request + t.response + t.message
        assert blob[20:60] not in t.request + t.response
