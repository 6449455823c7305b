"""Secret backup blobs: download a whole secret, restore it into this installation.

Blob = PREFIX + base64url(nonce(12) || AES-256-GCM(k_backup, payload JSON)), with
k_backup = HKDF(root key, "secret-backup") and associated data canonical(label, account).
The payload holds the metadata, every version exactly as stored (values still sealed by
their own data keys, which only the KMS key can open), the stages and the tags — no
plaintext value, no data key in clear. Only this root key opens the blob, so a blob from
another installation or account, or a single flipped bit, is refused as one (CSMS.0004).
Restore refuses a name (or secret id) that exists: it never overwrites.
"""
from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import func
from sqlmodel import Session, col, select

from engine.codec import canonical
from engine.csms.results import Secret as SecretResult
from engine.csms.rows import RESOURCE, SecretBase, secret_result
from engine.csms.rules import BAD_BODY, ENABLED, NAME_TAKEN, SECRET_QUOTA, bad
from engine.models.csms import Secret, SecretStage, SecretTag, SecretVersion
from engine.models.events import SecretEvent
from engine.projects import project_exists

PREFIX = "DEWSECRETBLOB1:"
_AAD = "dewtui secret backup v1"
MAX_BLOB_CHARS = 4 * 1024 * 1024
_SECRET_FIELDS = ("secret_id", "name", "secret_type", "kms_key_id", "description",
                  "enterprise_project_id", "create_time", "update_time", "event_subscriptions",
                  "auto_rotation", "rotation_period", "rotation_generator", "rotation_time",
                  "next_rotation_time", "version_counter")
_TIMES = ("create_time", "update_time", "rotation_time", "next_rotation_time", "expire_time")


def _t(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _pt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _pt_set(value: str) -> datetime:
    """A time every stored row has (a version's create time, a stage's update time)."""
    return datetime.fromisoformat(value)


def payload(s: Session, secret: Secret) -> dict:
    sec = {f: getattr(secret, f) for f in _SECRET_FIELDS}
    for f in _TIMES:
        if f in sec:
            sec[f] = _t(sec[f])
    versions = s.exec(select(SecretVersion).where(SecretVersion.secret_id == secret.secret_id)
                      .order_by(col(SecretVersion.seq))).all()
    return {
        "format": 1,
        "secret": sec,
        "versions": [{"version_id": v.version_id, "seq": v.seq, "create_time": _t(v.create_time),
                      "expire_time": _t(v.expire_time), "expiry_notified": v.expiry_notified,
                      "kms_key_id": v.kms_key_id, "wrapped_dek": v.wrapped_dek,
                      "sealed_value": base64.b64encode(v.sealed_value).decode(),
                      "value_kind": v.value_kind} for v in versions],
        "stages": [{"stage_name": st.stage_name, "version_id": st.version_id,
                    "update_time": _t(st.update_time)} for st in s.exec(
                        select(SecretStage).where(SecretStage.secret_id == secret.secret_id)).all()],
        "tags": [[t.tag_key, t.tag_value] for t in s.exec(
            select(SecretTag).where(SecretTag.secret_id == secret.secret_id)).all()],
    }


def seal_blob(key: bytes, nonce: bytes, domain_id: str, data: dict) -> str:
    raw = json.dumps(data, sort_keys=True, separators=(",", ":")).encode()
    body = nonce + AESGCM(key).encrypt(nonce, raw, canonical(_AAD, domain_id))
    return PREFIX + base64.urlsafe_b64encode(body).decode("ascii")


def open_blob(key: bytes, domain_id: str, blob: object) -> dict:
    """The payload, or CSMS.0004 for anything malformed, altered or made elsewhere."""
    refused = bad("the secret blob cannot be restored: it is malformed, was altered, or was "
                  "made by another installation or account", BAD_BODY)
    if not isinstance(blob, str) or not blob.startswith(PREFIX) or len(blob) > MAX_BLOB_CHARS:
        raise refused
    try:
        body = base64.urlsafe_b64decode(blob[len(PREFIX):].strip().encode("ascii"))
        raw = AESGCM(key).decrypt(body[:12], body[12:], canonical(_AAD, domain_id))
        data = json.loads(raw)
    except (binascii.Error, ValueError, InvalidTag, UnicodeError):
        raise refused from None
    if not isinstance(data, dict) or data.get("format") != 1:
        raise refused
    return data


def rebuild(s: Session, domain_id: str, data: dict, now: datetime) -> Secret:
    """Insert the secret's rows from an authenticated payload, Enabled again."""
    sec = dict(data["secret"])
    for f in _TIMES:
        if f in sec:
            sec[f] = _pt(sec[f])
    row = Secret(**sec, domain_id=domain_id, state=ENABLED, scheduled_delete_time=None)
    if not project_exists(s, domain_id, row.enterprise_project_id):
        row.enterprise_project_id = "default"
    if row.event_subscriptions and s.exec(select(SecretEvent).where(
            SecretEvent.domain_id == domain_id, SecretEvent.name == row.event_subscriptions)).first() is None:
        row.event_subscriptions = ""  # the event is gone: do not subscribe to a missing one
    row.update_time = now
    s.add(row)
    s.flush()
    for v in data["versions"]:
        s.add(SecretVersion(secret_id=row.secret_id, version_id=v["version_id"], seq=v["seq"],
                            create_time=_pt_set(v["create_time"]), expire_time=_pt(v["expire_time"]),
                            expiry_notified=v["expiry_notified"], kms_key_id=v["kms_key_id"],
                            wrapped_dek=v["wrapped_dek"], sealed_value=base64.b64decode(v["sealed_value"]),
                            value_kind=v["value_kind"]))
    s.flush()
    for st in data["stages"]:
        s.add(SecretStage(secret_id=row.secret_id, stage_name=st["stage_name"],
                          version_id=st["version_id"], update_time=_pt_set(st["update_time"])))
    for k, v in data["tags"]:
        s.add(SecretTag(secret_id=row.secret_id, tag_key=k, tag_value=v))
    s.flush()
    return row


class SecretBackup(SecretBase):
    def download_secret_blob(self, name: str) -> str:
        """The secret as an opaque blob only this installation can restore."""
        with self._on_secret("backupSecret", name, "csms:secret:backup") as (call, row):
            data = payload(call.s, row)
            call.response = {"versions": len(data["versions"])}
            return seal_blob(self.ctx.hsm.derive("secret-backup"), self.ctx.rng.secret_bytes(12),
                             row.domain_id, data)

    def upload_secret_blob(self, secret_blob: str) -> SecretResult:
        """Restore a downloaded secret; refuses a name that exists (CSMS.0002)."""
        with self._call("restoreSecretFromBackupBlob", RESOURCE, request={}) as call:
            call.authorize("csms:secret:restore")
            domain, s = call.principal.domain_id, call.s
            data = open_blob(self.ctx.hsm.derive("secret-backup"), domain, secret_blob)
            name, sid = data["secret"]["name"], data["secret"]["secret_id"]
            call.resource(sid, name)
            taken = s.exec(select(Secret.secret_id).where(Secret.domain_id == domain, Secret.name == name)).first()
            if taken is not None or s.get(Secret, sid) is not None:
                raise bad(f"a secret named {name} already exists: delete it before restoring", NAME_TAKEN)
            used = s.exec(select(func.count()).select_from(Secret).where(Secret.domain_id == domain)).one()
            if used >= self.ctx.settings.secret_quota:
                raise bad(f"secret quota reached: {used} of {self.ctx.settings.secret_quota} secrets",
                          SECRET_QUOTA)
            row = rebuild(s, domain, data, call.now)
            call.response = {"secret_id": row.secret_id, "versions": len(data["versions"])}
            return secret_result(s, row)
