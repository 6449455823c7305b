"""Key rotation: the policy, rotate-now, the due pass, and every refusal."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from engine import DewError
from engine.models.core import AuditTrace
from refusals import code_of

DAY = timedelta(days=1)


def rotate_traces(eng):
    with eng.context.db.session(write=False) as s:
        return s.exec(select(AuditTrace).where(AuditTrace.trace_name == "rotateKey",
                                               AuditTrace.trace_rating == "normal")).all()


def test_policy_enable_disable_status(eng):
    k = eng.kms.create_key("rot")
    st = eng.kms.get_key_rotation_status(k.key_id)
    assert (st.key_rotation_enabled, st.rotation_interval, st.number_of_rotations) == (False, 365, 0)
    assert st.next_rotation_time is None and st.last_rotation_time is None
    assert [(m.version, m.current) for m in st.key_materials] == [(1, True)]
    eng.kms.enable_key_rotation(k.key_id)
    st = eng.kms.get_key_rotation_status(k.key_id)
    assert st.key_rotation_enabled and st.next_rotation_time == eng.now() + 365 * DAY
    assert eng.kms.describe_key(k.key_id).key_rotation_enabled
    assert code_of(eng.kms.enable_key_rotation, k.key_id) == "KMS.2901"
    eng.kms.disable_key_rotation(k.key_id)
    st = eng.kms.get_key_rotation_status(k.key_id)
    assert not st.key_rotation_enabled and st.next_rotation_time is None
    assert code_of(eng.kms.disable_key_rotation, k.key_id) == "KMS.0313"


def test_interval_bounds_and_new_period_counts_from_change(eng, clock):
    k = eng.kms.create_key("period")
    for bad in (29, 366, 0, "90", 90.0, True, None):
        assert code_of(eng.kms.update_key_rotation_interval, k.key_id, bad) == "KMS.3001"
    eng.kms.update_key_rotation_interval(k.key_id, 365)
    eng.kms.update_key_rotation_interval(k.key_id, 30)
    eng.kms.enable_key_rotation(k.key_id)
    assert eng.kms.get_key_rotation_status(k.key_id).next_rotation_time == eng.now() + 30 * DAY
    clock.advance(10 * DAY)
    eng.kms.update_key_rotation_interval(k.key_id, 90)
    st = eng.kms.get_key_rotation_status(k.key_id)
    assert st.rotation_interval == 90 and st.next_rotation_time == eng.now() + 90 * DAY
    clock.advance(25 * DAY)  # past the old 30-day plan, inside the new one
    assert eng.run_due().done["rotate_due_keys"] == 0


def test_rotate_now_adds_a_version_and_keeps_the_others(eng, clock):
    k = eng.kms.create_key("now")
    clock.advance(DAY)
    st = eng.kms.rotate_key(k.key_id)
    assert st.number_of_rotations == 1 and st.last_rotation_time == eng.now()
    assert [(m.version, m.current) for m in st.key_materials] == [(1, False), (2, True)]
    d = eng.kms.describe_key(k.key_id)
    assert d.key_version == 2 and d.number_of_rotations == 1 and d.key_alias == "now"
    eng.kms.rotate_key(k.key_id)
    assert [m.version for m in eng.kms.get_key_rotation_status(k.key_id).key_materials] == [1, 2, 3]
    assert len(rotate_traces(eng)) == 2


def test_only_symmetric_kms_keys_rotate(eng):
    ext = eng.kms.create_key("ext", origin="external")
    rsa = eng.kms.create_key("rsa", key_spec="RSA_2048")
    ecc = eng.kms.create_key("ecc", key_spec="EC_P256")
    mac = eng.kms.create_key("mac", key_spec="HMAC_256")
    default = eng.kms.get_default_key("obs")
    for fn in (eng.kms.rotate_key, eng.kms.enable_key_rotation):
        assert code_of(fn, ext.key_id) == "KMS.0312"
        assert code_of(fn, rsa.key_id) == "KMS.0324"
        assert code_of(fn, ecc.key_id) == "KMS.0324"
        assert code_of(fn, mac.key_id) == "KMS.0308"
        assert code_of(fn, default.key_id) == "KMS.0211"
    with pytest.raises(DewError) as ei:
        eng.kms.rotate_key(mac.key_id)
    assert "HMAC_256" in ei.value.message
    assert code_of(eng.kms.update_key_rotation_interval, rsa.key_id, 60) == "KMS.0324"


def test_only_enabled_keys_rotate(eng):
    k = eng.kms.create_key("off")
    eng.kms.disable_key(k.key_id)
    assert code_of(eng.kms.rotate_key, k.key_id) == "KMS.0209"
    assert code_of(eng.kms.enable_key_rotation, k.key_id) == "KMS.0209"
    eng.kms.schedule_key_deletion(k.key_id, 7)
    assert code_of(eng.kms.rotate_key, k.key_id) == "KMS.0210"


def test_user_without_permission_refused(eng):
    eng.iam.create_user("bob")
    k = eng.kms.create_key("mine")
    bob = eng.as_user("bob")
    assert code_of(bob.kms.rotate_key, k.key_id) == "KMS.0306"
    assert code_of(bob.kms.enable_key_rotation, k.key_id) == "KMS.0306"
    assert code_of(bob.kms.get_key_rotation_status, k.key_id) == "KMS.0306"


def test_due_rotation_once_per_pass(eng, clock):
    k = eng.kms.create_key("due")
    eng.kms.update_key_rotation_interval(k.key_id, 30)
    eng.kms.enable_key_rotation(k.key_id)
    clock.advance(29 * DAY)
    assert eng.run_due().done["rotate_due_keys"] == 0
    clock.advance(100 * DAY)  # several periods overdue: one rotation, not four
    assert eng.run_due().done["rotate_due_keys"] == 1
    assert eng.run_due().done["rotate_due_keys"] == 0
    st = eng.kms.get_key_rotation_status(k.key_id)
    assert st.number_of_rotations == 1 and st.last_rotation_time == eng.now()
    assert st.next_rotation_time == eng.now() + 30 * DAY
    (t,) = rotate_traces(eng)
    assert (t.resource_id, t.user, t.source) == (k.key_id, "system", "scheduler")
    clock.advance(30 * DAY)
    assert eng.run_due().done["rotate_due_keys"] == 1
    assert eng.kms.describe_key(k.key_id).key_version == 3


def test_keys_without_policy_are_not_rotated(eng, clock):
    k = eng.kms.create_key("plain")
    eng.kms.enable_key_rotation(k.key_id)
    eng.kms.disable_key_rotation(k.key_id)
    clock.advance(400 * DAY)
    assert eng.run_due().done["rotate_due_keys"] == 0
    assert eng.kms.describe_key(k.key_id).key_version == 1


def test_disabled_key_stays_overdue_until_enabled(eng, clock):
    k = eng.kms.create_key("sleepy")
    eng.kms.update_key_rotation_interval(k.key_id, 30)
    eng.kms.enable_key_rotation(k.key_id)
    eng.kms.disable_key(k.key_id)
    clock.advance(45 * DAY)
    assert eng.run_due().done["rotate_due_keys"] == 0
    assert eng.kms.describe_key(k.key_id).key_version == 1
    eng.kms.enable_key(k.key_id)
    assert eng.run_due().done["rotate_due_keys"] == 1
    assert eng.kms.describe_key(k.key_id).key_version == 2


def test_pending_deletion_key_rotates_after_cancel_and_enable(eng, clock):
    k = eng.kms.create_key("doomed")
    eng.kms.update_key_rotation_interval(k.key_id, 30)
    eng.kms.enable_key_rotation(k.key_id)
    eng.kms.schedule_key_deletion(k.key_id, 60)
    clock.advance(40 * DAY)
    assert eng.run_due().done["rotate_due_keys"] == 0
    eng.kms.cancel_key_deletion(k.key_id)
    assert eng.run_due().done["rotate_due_keys"] == 0  # cancelled into Disabled
    eng.kms.enable_key(k.key_id)
    assert eng.run_due().done["rotate_due_keys"] == 1
    assert eng.kms.get_key_rotation_status(k.key_id).key_rotation_enabled


def test_old_ciphertexts_decrypt_and_new_ones_use_the_newest_version(eng, clock):
    import base64

    from engine.kms import ciphertext
    k = eng.kms.create_key("versions")
    old = eng.kms.encrypt_data(k.key_id, b"before").cipher_text
    eng.kms.update_key_rotation_interval(k.key_id, 30)
    eng.kms.enable_key_rotation(k.key_id)
    clock.advance(31 * DAY)
    eng.run_due()
    eng.kms.rotate_key(k.key_id)
    new = eng.kms.encrypt_data(k.key_id, b"after").cipher_text
    version = lambda ct: ciphertext.parse(base64.b64decode(ct), ciphertext.KIND_DATA).version  # noqa: E731
    assert (version(old), version(new)) == (1, 3)
    assert eng.kms.decrypt_data(old).plain_text == b"before"
    assert eng.kms.decrypt_data(new).plain_text == b"after"
    dk = eng.kms.create_datakey(k.key_id)
    assert eng.kms.decrypt_datakey(k.key_id, dk.cipher_text).data_key == dk.plain_text
