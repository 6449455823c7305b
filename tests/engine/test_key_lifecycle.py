"""Enable/disable, scheduled deletion and the due-deletion job, alias and description,
default-key and pending-deletion rules, batches, deletion risk, projects, quotas."""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlmodel import func, select

from engine import DewError, Engine, SeededRng
from engine.config import Settings
from engine.kms.states import KeyState
from engine.models.core import AuditTrace
from engine.models.csms import Secret
from engine.models.grants import Grant
from engine.models.kms import Cmk, KeyTag, KeyVersion
from refusals import code_of

E, D, PD, PI = KeyState.ENABLED, KeyState.DISABLED, KeyState.PENDING_DELETION, KeyState.PENDING_IMPORT


def traces(eng, **where):
    with eng.context.db.session(write=False) as s:
        stmt = select(AuditTrace).order_by(AuditTrace.seq)
        for k, v in where.items():
            stmt = stmt.where(getattr(AuditTrace, k) == v)
        return s.exec(stmt).all()


def count(eng, model, **where) -> int:
    with eng.context.db.session(write=False) as s:
        stmt = select(func.count()).select_from(model)
        for k, v in where.items():
            stmt = stmt.where(getattr(model, k) == v)
        return s.exec(stmt).one()


def add_grant(eng, key_id: str, gid: str, grantee: str = "bob") -> None:
    with eng.context.db.session() as s:
        s.add(Grant(grant_id=gid * 64, key_id=key_id, grantee_principal=grantee,
                    operations="encrypt-data,decrypt-data", issuing_principal="admin",
                    creation_date=eng.now()))


# --- enable / disable -----------------------------------------------------------------------
def test_disable_then_enable_and_traces(eng):
    k = eng.kms.create_key("a")
    assert eng.kms.disable_key(k.key_id).key_state is D
    assert eng.kms.enable_key(k.key_id).key_state is E
    t = traces(eng, resource_id=k.key_id)
    assert [x.trace_name for x in t] == ["createKey", "disableKey", "enableKey"]
    assert json.loads(t[1].response) == {"key_id": k.key_id, "key_state": "3"}


def test_unknown_and_malformed_key_ids(eng):
    assert code_of(eng.kms.enable_key, "00000000-0000-0000-0000-000000000000") == "KMS.0207"
    assert code_of(eng.kms.disable_key, "not-a-key") == "KMS.0205"
    assert code_of(eng.kms.schedule_key_deletion, None) == "KMS.0205"


# --- scheduling deletion --------------------------------------------------------------------
@pytest.mark.parametrize("days", [6, 1097, 0, -7, "x", True, None, 7.5])
def test_pending_days_out_of_range(eng, days):
    k = eng.kms.create_key("a")
    assert code_of(eng.kms.schedule_key_deletion, k.key_id, days) == "KMS.1401"
    assert eng.kms.describe_key(k.key_id).key_state is E


@pytest.mark.parametrize("days", [7, 1096, "30"])
def test_pending_days_bounds_set_the_date(eng, days):
    k = eng.kms.create_key("a")
    d = eng.kms.schedule_key_deletion(k.key_id, days)
    assert d.key_state is PD
    assert d.scheduled_deletion_date == eng.now() + timedelta(days=int(days))


def test_default_pending_days_is_seven(eng):
    k = eng.kms.create_key("a")
    assert eng.kms.schedule_key_deletion(k.key_id).scheduled_deletion_date == eng.now() + timedelta(days=7)


def test_cancel_returns_to_disabled_and_clears_date(eng):
    k = eng.kms.create_key("a")
    eng.kms.schedule_key_deletion(k.key_id)
    d = eng.kms.cancel_key_deletion(k.key_id)
    assert (d.key_state, d.scheduled_deletion_date) == (D, None)
    assert eng.kms.describe_key(k.key_id).scheduled_deletion_date is None


def test_cancel_without_material_returns_to_pending_import(eng):
    k = eng.kms.create_key("ext", origin="external")
    eng.kms.schedule_key_deletion(k.key_id)
    assert eng.kms.cancel_key_deletion(k.key_id).key_state is PI


def test_cancel_when_not_pending(eng):
    k = eng.kms.create_key("a")
    assert code_of(eng.kms.cancel_key_deletion, k.key_id) == "KMS.1501"


# --- default keys and pending-deletion keys ----------------------------------------------------
def test_default_key_refusals(eng):
    dk = eng.kms.get_default_key("obs").key_id
    eng.kms.create_enterprise_project("proj")
    assert code_of(eng.kms.disable_key, dk) == "KMS.0211"
    assert code_of(eng.kms.schedule_key_deletion, dk, 7) == "KMS.0211"
    assert code_of(eng.kms.update_key_alias, dk, "renamed") == "KMS.0211"
    assert code_of(eng.kms.update_key_description, dk, "x") == "KMS.0211"
    assert code_of(eng.kms.move_key, dk, "proj") == "KMS.0211"
    assert code_of(eng.kms.create_key_tag, dk, "env", "prod") == "KMS.0211"
    assert code_of(eng.kms.enable_key, dk) == "KMS.1201"  # already Enabled, always
    d = eng.kms.describe_key(dk)
    assert (d.key_state, d.key_alias, d.enterprise_project_id) == (E, "obs/default", "default")


def test_pending_deletion_key_alias_description_project_frozen(eng):
    k = eng.kms.create_key("a", key_description="old")
    eng.kms.create_enterprise_project("proj")
    eng.kms.schedule_key_deletion(k.key_id)
    assert code_of(eng.kms.update_key_alias, k.key_id, "b") == "KMS.0210"
    assert code_of(eng.kms.update_key_description, k.key_id, "new") == "KMS.0210"
    assert code_of(eng.kms.move_key, k.key_id, "proj") == "KMS.0210"
    d = eng.kms.describe_key(k.key_id)
    assert (d.key_alias, d.key_description) == ("a", "old")


# --- alias and description --------------------------------------------------------------------
def test_update_alias(eng):
    k = eng.kms.create_key("a")
    eng.kms.create_key("taken")
    assert eng.kms.update_key_alias(k.key_id, "b:c/d_e-f").key_alias == "b:c/d_e-f"
    assert eng.kms.update_key_alias(k.key_id, "b:c/d_e-f").key_alias == "b:c/d_e-f"  # same: fine
    assert code_of(eng.kms.update_key_alias, k.key_id, "taken") == "KMS.1104"
    assert code_of(eng.kms.update_key_alias, k.key_id, "x/default") == "KMS.1101"
    assert code_of(eng.kms.update_key_alias, k.key_id, "") == "KMS.1101"
    assert code_of(eng.kms.update_key_alias, k.key_id, "a" * 256) == "KMS.1101"
    assert code_of(eng.kms.update_key_alias, k.key_id, "sp ace") == "KMS.1101"
    t = traces(eng, trace_name="updateKeyAlias")
    assert [x.code for x in t] == ["200", "200", "KMS.1104", "KMS.1101", "KMS.1101", "KMS.1101", "KMS.1101"]
    assert eng.kms.describe_key(k.key_id).key_alias == "b:c/d_e-f"


def test_update_description(eng):
    k = eng.kms.create_key("a")
    assert eng.kms.update_key_description(k.key_id, "d" * 255).key_description == "d" * 255
    assert code_of(eng.kms.update_key_description, k.key_id, "d" * 256) == "KMS.1103"
    assert code_of(eng.kms.update_key_description, k.key_id, 5) == "KMS.1103"
    assert eng.kms.update_key_description(k.key_id, "").key_description == ""
    codes = [x.code for x in traces(eng, trace_name="updateKeyDescription")]
    assert codes == ["200", "KMS.1103", "KMS.1103", "200"]


# --- batches ------------------------------------------------------------------------------------
def test_batches_report_each_key_and_audit_each(eng):
    a, b = eng.kms.create_key("a").key_id, eng.kms.create_key("b").key_id
    dk = eng.kms.get_default_key("obs").key_id
    out = eng.kms.batch_disable_keys([a, b, dk])
    assert [(o.key_id, o.ok, o.error_code) for o in out] == [
        (a, True, ""), (b, True, ""), (dk, False, "KMS.0211")]
    assert out[0].key_state is D and out[2].error_msg
    out = eng.kms.batch_enable_keys([a, a])
    assert [(o.ok, o.error_code) for o in out] == [(True, ""), (False, "KMS.1201")]
    out = eng.kms.batch_schedule_key_deletion([a, b], 30)
    assert all(o.ok and o.key_state is PD for o in out)
    assert eng.kms.describe_key(b).scheduled_deletion_date == eng.now() + timedelta(days=30)
    assert [o.error_code for o in eng.kms.batch_schedule_key_deletion([a], 3)] == ["KMS.1401"]
    out = eng.kms.batch_cancel_key_deletion([a, b, "00000000-0000-0000-0000-000000000000"])
    assert [(o.ok, o.error_code) for o in out] == [(True, ""), (True, ""), (False, "KMS.0207")]
    assert [t.code for t in traces(eng, trace_name="cancelKeyDeletion")] == ["200", "200", "KMS.0207"]
    assert [t.code for t in traces(eng, trace_name="disableKey")] == ["200", "200", "KMS.0211"]


# --- the due-deletion job ----------------------------------------------------------------------
def test_run_due_deletes_at_the_date_not_before(eng, clock):
    k = eng.kms.create_key("a", tags={"env": "prod"})
    keep = eng.kms.create_key("keep").key_id
    add_grant(eng, k.key_id, "a")
    eng.kms.schedule_key_deletion(k.key_id, 7)
    assert count(eng, KeyVersion, key_id=k.key_id) == 1
    clock.advance(timedelta(days=7) - timedelta(seconds=1))
    assert eng.run_due().done["delete_due_keys"] == 0
    assert eng.kms.describe_key(k.key_id).key_state is PD
    clock.advance(timedelta(seconds=1))
    report = eng.run_due()
    assert report.done["delete_due_keys"] == 1 and not report.failed
    assert code_of(eng.kms.describe_key, k.key_id) == "KMS.0207"
    for model in (KeyVersion, KeyTag, Grant, Cmk):
        assert count(eng, model, key_id=k.key_id) == 0, model
    assert count(eng, KeyVersion, key_id=keep) == 1
    t = traces(eng, trace_name="deleteKey")
    assert [(x.resource_id, x.resource_name, x.user, x.code) for x in t] == [(k.key_id, "a", "system", "200")]
    assert eng.run_due().done["delete_due_keys"] == 0  # idempotent
    assert eng.kms.create_key("a").key_alias == "a"  # the alias is free again


def test_cancelled_key_is_not_deleted(eng, clock):
    k = eng.kms.create_key("a")
    eng.kms.schedule_key_deletion(k.key_id, 7)
    eng.kms.cancel_key_deletion(k.key_id)
    clock.advance(timedelta(days=30))
    assert eng.run_due().done["delete_due_keys"] == 0
    assert eng.kms.describe_key(k.key_id).key_state is D


def test_missed_deletions_happen_at_next_start(home, clock):
    e = Engine.open(home=home, clock=clock, rng=SeededRng(3))
    ids = [e.kms.create_key(f"k{i}").key_id for i in range(3)]
    for i, kid in enumerate(ids):
        e.kms.schedule_key_deletion(kid, 7 + i)
    e.close()
    clock.advance(timedelta(days=8))
    e = Engine.open(home=home, clock=clock, rng=SeededRng(4))  # opening runs due work
    assert [kid for kid in ids if count(e, Cmk, key_id=kid)] == [ids[2]]
    e.close()


def test_ciphertexts_of_a_deleted_key_never_decrypt(eng, clock):
    if not hasattr(eng.kms, "encrypt_data"):
        pytest.skip("encrypt-data not built yet")
    k = eng.kms.create_key("a")
    ct = eng.kms.encrypt_data(k.key_id, b"attack at dawn").cipher_text
    assert eng.kms.decrypt_data(ct).plain_text == b"attack at dawn"
    eng.kms.schedule_key_deletion(k.key_id, 7)
    clock.advance(timedelta(days=7))
    eng.run_due()
    with pytest.raises(DewError) as ei:
        eng.kms.decrypt_data(ct)
    # the key is gone: refused (the crypto module picks the code), never garbage
    assert ei.value.code in ("KMS.0207", "KMS.0101", "KMS.0308")
    with pytest.raises(DewError):
        eng.kms.decrypt_data(ct, key_id=k.key_id)


# --- deletion risk ---------------------------------------------------------------------------
def test_deletion_risk(eng, clock):
    k = eng.kms.create_key("a").key_id
    other = eng.kms.create_key("b").key_id
    add_grant(eng, k, "b", grantee="carol")
    add_grant(eng, other, "c")
    with eng.context.db.session() as s:
        s.add(Secret(secret_id="s1", domain_id=eng.principal.domain_id, name="db-pass",
                     kms_key_id=k, create_time=eng.now(), update_time=eng.now()))
    for _ in range(25):
        eng.kms.disable_key(k)
        eng.kms.enable_key(k)
    r = eng.kms.deletion_risk(k)
    assert [g.grantee_principal for g in r.grants] == ["carol"]
    assert r.grants[0].operations == ("encrypt-data", "decrypt-data")
    assert r.secrets == ("db-pass",)
    assert len(r.recent_uses) == 20
    assert r.recent_uses[0][1:] == ("enableKey", "admin")  # newest first
    assert [t.code for t in traces(eng, trace_name="deleteKeyRiskTips")] == ["200"]
    clock.advance(timedelta(days=7, seconds=1))
    eng.kms.disable_key(k)
    r = eng.kms.deletion_risk(k)
    assert [u[1] for u in r.recent_uses] == ["disableKey"]  # older ones out of the window
    assert eng.kms.deletion_risk(other).secrets == ()


# --- enterprise projects, quotas ----------------------------------------------------------------
def test_enterprise_projects_and_move(eng):
    assert eng.kms.list_enterprise_projects() == ["default"]
    assert eng.kms.create_enterprise_project("team-a_1") == "team-a_1"
    for bad in ["", "a" * 65, "sp ace", "dé", None]:
        assert code_of(eng.kms.create_enterprise_project, bad) == "KMS.0308"
    assert code_of(eng.kms.create_enterprise_project, "team-a_1") == "KMS.0308"
    assert code_of(eng.kms.create_enterprise_project, "default") == "KMS.0308"
    assert eng.kms.list_enterprise_projects() == ["default", "team-a_1"]
    k = eng.kms.create_key("a").key_id
    assert eng.kms.move_key(k, "team-a_1").enterprise_project_id == "team-a_1"
    assert code_of(eng.kms.move_key, k, "nope") == "KMS.0308"
    assert eng.kms.describe_key(k).enterprise_project_id == "team-a_1"
    assert eng.kms.list_keys(enterprise_project_id="team-a_1").total == 1
    assert [t.code for t in traces(eng, trace_name="moveKey")] == ["200", "KMS.0308"]


def test_user_quotas(home, clock):
    e = Engine.open(home=home, clock=clock, rng=SeededRng(1),
                    settings=replace(Settings(), key_quota=5, grants_per_key=9))
    a = e.kms.create_key("a").key_id
    e.kms.create_key("b")
    e.kms.get_default_key("obs")  # not counted
    e.kms.schedule_key_deletion(a)  # still counted
    add_grant(e, a, "a")
    add_grant(e, a, "b")
    q = {x.type: (x.used, x.quota) for x in e.kms.user_quotas()}
    assert q == {"CMK": (2, 5), "grant_per_CMK": (2, 9)}
    e.close()


# --- permissions -------------------------------------------------------------------------------
def test_other_user_refused_everywhere_and_audited(eng):
    k = eng.kms.create_key("a").key_id
    eng.iam.create_user("bob")
    bob = eng.as_user("bob").kms
    calls = [(bob.enable_key, k), (bob.disable_key, k), (bob.schedule_key_deletion, k),
             (bob.cancel_key_deletion, k), (bob.update_key_alias, k, "b"),
             (bob.update_key_description, k, "d"), (bob.move_key, k, "default"),
             (bob.deletion_risk, k), (bob.list_keys,), (bob.user_quotas,),
             (bob.list_enterprise_projects,), (bob.create_enterprise_project, "p")]
    for fn, *args in calls:
        with pytest.raises(DewError) as ei:
            fn(*args)
        assert (ei.value.code, ei.value.http_status) == ("KMS.0306", 403), fn.__name__
    refused = traces(eng, user="bob", code="KMS.0306")
    assert len(refused) == len(calls)
    assert {t.trace_name for t in refused} >= {"listKeys", "enableKey", "deleteKeyRiskTips"}
    assert eng.kms.describe_key(k).key_state is E
