"""The narrow door through which KMS posts to the notification inbox.

KMS has one thing to tell a person that nobody asked for: imported key material expired and
was deleted by due work, so the key waits in Pending import and its ciphertexts cannot be
decrypted until the same material is imported again. `post_key_material_expired` writes
that as a warning record in the key's account inbox, in the due job's transaction (it
commits, or rolls back, with the deletion). It is not a secret event: no topic, no file,
no webhook; the inbox alone. The content carries ids, names and times only.
"""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import select

from engine.events.fire import SUCCESS, iso_ms
from engine.models.events import NotificationRecord

KEY_MATERIAL_EXPIRED = "KEY_MATERIAL_EXPIRED"
KMS_EVENT_NAME = "kms-key-material"  # the record's event name: KMS posts without an event
KMS_KEY_TYPE = "KMS_KEY"             # in the record's resource type column


def post_key_material_expired(job: Any, domain_id: str, key_id: str, key_alias: str,
                              expired_at: datetime | None) -> str:
    """One warning record for the key's account; → its record id."""
    s, now = job.s, job.now
    content = {"eventName": KMS_EVENT_NAME, "eventType": KEY_MATERIAL_EXPIRED, "eventTime": iso_ms(now),
               "data": {"keyId": key_id, "keyAlias": key_alias, "expirationTime": iso_ms(expired_at),
                        "keyState": "Pending import"}}
    last = s.exec(select(func.max(NotificationRecord.seq)).where(NotificationRecord.domain_id == domain_id)).one()
    record_id = job.ctx.rng.uuid()
    s.add(NotificationRecord(
        record_id=record_id, seq=(last or 0) + 1, domain_id=domain_id, event_name=KMS_EVENT_NAME,
        trigger_event_type=KEY_MATERIAL_EXPIRED, level="warning", secret_name=key_alias[:64],
        secret_id=key_id, secret_type=KMS_KEY_TYPE, version_id="", create_time=now,
        notification_content=json.dumps(content, sort_keys=True, separators=(",", ":")),
        notification_status=SUCCESS, read=False))
    s.flush()
    return record_id
