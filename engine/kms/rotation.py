"""KMS key rotation: the rotation policy of a key, rotate-now, and the due-rotation pass.

Rotation adds a material version; every version is kept, so every old ciphertext still
decrypts (the ciphertext names its version) while new encryptions use the newest. Only
symmetric ENCRYPT_DECRYPT keys of origin kms rotate, and only while Enabled: a Disabled
or pending-deletion key stays overdue and rotates at the first pass after it is enabled
again. The due pass claims its keys in one write transaction, so two processes never
rotate a key twice for one due date.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from engine.errors import DewError
from engine.hsm.keygen import generate_material
from engine.kms.keyrows import add_version, load_key
from engine.kms.results import KeyMaterialVersion, RotationStatus
from engine.kms.rules import (ASYMMETRIC_NOT_ROTATABLE, DEFAULT_KEY, EXTERNAL_NOT_ROTATABLE,
                              ROTATION_ENABLED, ROTATION_NOT_ENABLED, bad, check_interval)
from engine.kms.specs import SPECS
from engine.kms.states import KeyState, require_usable
from engine.models.kms import Cmk, KeyVersion
from engine.service import Service

def require_rotatable(row: Cmk) -> None:
    """Default keys → KMS.0211; external → KMS.0312; RSA/EC → KMS.0324; HMAC → KMS.0308."""
    if row.default_key:
        raise DewError(DEFAULT_KEY, f"default key {row.key_alias} cannot be rotated", 400)
    if row.origin != "kms":
        raise DewError(EXTERNAL_NOT_ROTATABLE, f"key {row.key_id} has imported material: external keys cannot be rotated", 400)
    info = SPECS.get(row.key_spec)
    if info is None or not info.symmetric:
        raise DewError(ASYMMETRIC_NOT_ROTATABLE, f"asymmetric keys ({row.key_spec}) cannot be rotated", 400)
    if row.key_usage != "ENCRYPT_DECRYPT":
        raise bad(f"{row.key_spec} keys cannot be rotated: only AES_256 keys rotate")


def rotate_row(s, hsm, rng, row: Cmk, now: datetime) -> int:
    """Add a new material version and record the rotation; the next one is due a period on."""
    version = add_version(s, hsm, row, generate_material(row.key_spec, rng), now)
    row.last_rotation_time = now
    row.rotation_count += 1
    if row.rotation_enabled:
        row.rotation_due = now + timedelta(days=row.rotation_interval)
    s.add(row)
    return version


def rotation_status(s, row: Cmk) -> RotationStatus:
    versions = s.exec(select(KeyVersion).where(KeyVersion.key_id == row.key_id)
                      .order_by(col(KeyVersion.version))).all()
    return RotationStatus(
        key_id=row.key_id, key_rotation_enabled=row.rotation_enabled,
        rotation_interval=row.rotation_interval, last_rotation_time=row.last_rotation_time,
        number_of_rotations=row.rotation_count,
        next_rotation_time=row.rotation_due if row.rotation_enabled else None,
        key_materials=tuple(KeyMaterialVersion(v.version, v.created, v.version == row.current_version)
                            for v in versions))


class KeyRotation(Service):
    def _rotation_call(self, trace: str, key_id: str, request: dict | None = None):
        """The unit of work of a rotation call, its request carrying the key id."""
        return self._call(trace, "cmk", request={"key_id": key_id, **(request or {})})

    def _load_rotatable(self, call, key_id: str, action: str) -> Cmk:
        call.resource(key_id if isinstance(key_id, str) else "")
        row = load_key(call.s, key_id, self.ctx.db)
        call.resource(row.key_id, row.key_alias)
        call.authorize(action, key=row)
        require_rotatable(row)
        require_usable(row.key_state, row.key_id)
        return row

    def enable_key_rotation(self, key_id: str) -> None:
        with self._rotation_call("enableKeyRotation", key_id) as call:
            row = self._load_rotatable(call, key_id, "kms:cmk:enableRotation")
            if row.rotation_enabled:
                raise DewError(ROTATION_ENABLED, f"rotation of key {row.key_id} is already enabled", 400)
            row.rotation_enabled = True
            row.rotation_due = call.now + timedelta(days=row.rotation_interval)
            call.s.add(row)
            call.response = {"rotation_interval": row.rotation_interval}

    def disable_key_rotation(self, key_id: str) -> None:
        with self._rotation_call("disableKeyRotation", key_id) as call:
            row = self._load_rotatable(call, key_id, "kms:cmk:disableRotation")
            if not row.rotation_enabled:
                raise DewError(ROTATION_NOT_ENABLED, f"rotation of key {row.key_id} is not enabled", 400)
            row.rotation_enabled = False
            row.rotation_due = None
            call.s.add(row)

    def update_key_rotation_interval(self, key_id: str, rotation_interval: int) -> None:
        """Change the period; when rotation is on, the new period counts from now."""
        with self._rotation_call("updateKeyRotationInterval", key_id,
                                 {"rotation_interval": rotation_interval}) as call:
            row = self._load_rotatable(call, key_id, "kms:cmk:updateRotation")
            row.rotation_interval = check_interval(rotation_interval)
            if row.rotation_enabled:
                row.rotation_due = call.now + timedelta(days=row.rotation_interval)
            call.s.add(row)

    def get_key_rotation_status(self, key_id: str) -> RotationStatus:
        with self._call("getKeyRotationStatus", "cmk", request={"key_id": key_id}) as call:
            call.resource(key_id if isinstance(key_id, str) else "")
            row = load_key(call.s, key_id)
            call.resource(row.key_id, row.key_alias)
            call.authorize("kms:cmk:getRotation", key=row)
            status = rotation_status(call.s, row)
            call.response = {"key_rotation_enabled": status.key_rotation_enabled,
                             "rotation_interval": status.rotation_interval,
                             "number_of_rotations": status.number_of_rotations}
            return status

    def rotate_key(self, key_id: str) -> RotationStatus:
        """Rotate now (rotate-on-demand): a new version becomes current."""
        with self._rotation_call("rotateKey", key_id) as call:
            row = self._load_rotatable(call, key_id, "kms:cmk:rotate")
            version = rotate_row(call.s, self.ctx.hsm, self.ctx.rng, row, call.now)
            call.s.flush()
            call.response = {"key_id": row.key_id, "key_version": version}
            return rotation_status(call.s, row)

    # --- due work (called by engine.kms.rotation_job) ---------------------------------
    def _rotate_due(self, now: datetime) -> int:
        """Rotate, once each, the Enabled keys whose rotation is due (one transaction)."""
        where = (Cmk.key_state == KeyState.ENABLED.value,  # index ix_cmk_state_rotation
                 col(Cmk.rotation_due).is_not(None), col(Cmk.rotation_due) <= now,
                 Cmk.rotation_enabled == True, Cmk.origin == "kms", Cmk.default_key == False)  # noqa: E712
        if not self._anything_due(select(Cmk.key_id).where(*where)):
            return 0
        with self._job("rotateKey", "cmk", now) as job:
            due: SelectOfScalar[Cmk] = self.ctx.db.for_update(select(Cmk).where(*where))
            rows = job.s.exec(due).all()
            done = 0
            for row in rows:
                if not SPECS[row.key_spec].symmetric or row.key_usage != "ENCRYPT_DECRYPT":
                    continue
                version = rotate_row(job.s, self.ctx.hsm, self.ctx.rng, row, now)
                job.trace(resource_id=row.key_id, resource_name=row.key_alias, domain_id=row.domain_id,
                          request={"key_id": row.key_id, "reason": "rotation due"},
                          response={"key_id": row.key_id, "key_version": version})
                done += 1
            return done
