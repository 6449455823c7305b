"""Expired imported material is not deleted silently: the due job that deletes it posts a
warning to the key's account inbox in the same transaction (KMS reaches the inbox only
through `engine.events.kms_port`). The record carries ids, names and times only."""
from __future__ import annotations

import base64
import json
from datetime import timedelta

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from engine import KeyState

MATERIAL = bytes(range(32))


def _import(eng, key_id: str, expires) -> None:
    params = eng.kms.get_parameters_for_import(key_id)
    public = serialization.load_der_public_key(base64.b64decode(params.public_key))
    wrapped = public.encrypt(MATERIAL, padding.OAEP(padding.MGF1(hashes.SHA256()), hashes.SHA256(), None))
    eng.kms.import_key_material(key_id, params.import_token, base64.b64encode(wrapped).decode(),
                                expiration_time=expires)


def test_expiry_posts_one_warning_to_the_inbox(eng, clock):
    key = eng.kms.create_key("byok", origin="external")
    _import(eng, key.key_id, eng.now() + timedelta(hours=1))
    assert eng.events.unread_count() == 0
    clock.advance(timedelta(hours=2))
    eng.run_due()
    assert eng.kms.describe_key(key.key_id).key_state is KeyState.PENDING_IMPORT
    [record] = eng.events.list_notification_records()
    assert (record.trigger_event_type, record.level, record.secret_name, record.read) == (
        "KEY_MATERIAL_EXPIRED", "warning", "byok", False)
    content = json.loads(record.notification_content)
    assert content["data"]["keyId"] == key.key_id and content["eventType"] == "KEY_MATERIAL_EXPIRED"
    assert MATERIAL.hex() not in record.notification_content
    assert base64.b64encode(MATERIAL).decode() not in record.notification_content
    eng.run_due()  # nothing more is due: no second record
    assert eng.events.unread_count() == 1


def test_material_not_yet_expired_posts_nothing(eng, clock):
    key = eng.kms.create_key("byok", origin="external")
    _import(eng, key.key_id, eng.now() + timedelta(days=2))
    clock.advance(timedelta(days=1))
    eng.run_due()
    assert eng.events.list_notification_records() == []
    assert eng.kms.describe_key(key.key_id).key_state is KeyState.ENABLED


def test_the_notice_goes_to_the_keys_account_only(eng, clock):
    eng.iam.create_user("carol", domain="partner", admin=True)
    carol = eng.as_user("carol")
    key = carol.kms.create_key("theirs", origin="external")
    _import(carol, key.key_id, eng.now() + timedelta(hours=1))
    clock.advance(timedelta(hours=2))
    eng.run_due()
    assert eng.events.list_notification_records() == []
    assert [r.secret_name for r in carol.events.list_notification_records()] == ["theirs"]
