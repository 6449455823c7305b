"""Secret rotation: the period, the value generator, "rotate now" and due rotations.

A generator is a random password (length and alphabet) or key/value pairs with one generated
field. Characters come from the CSPRNG (`rng.choice`). The generator settings are stored
sealed under the root key (bound to the secret id): a key/value template may hold fields
the owner considers sensitive (user names, hosts), and nothing of a secret is kept in clear.
Each rotation adds a version that becomes SYSCURRENT (through `add_version` → `move_stage`).
"""
from __future__ import annotations

import json
import string
from datetime import datetime
from typing import Any, Mapping

from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from engine.config import Settings
from engine.csms.results import RotationConfig, RotationResult
from engine.csms.rows import RESOURCE, SecretBase, fire, refuse_pending, secret_result
from engine.csms.rules import ENABLED, INVALID, bad, parse_period
from engine.csms.versions import add_version
from engine.errors import DewError
from engine.hsm.seal import Hsm
from engine.models.csms import Secret, SecretVersion
from engine.rand import SystemRng

DEFAULT_ALPHABET = string.ascii_letters + string.digits + "!@#$%^&*()-_=+[]{}:,.?"
DEFAULT_GENERATOR = {"type": "password", "length": 32, "alphabet": DEFAULT_ALPHABET}
MIN_LENGTH, MAX_LENGTH = 8, 4096
_AAD = "csms rotation generator"


def check_generator(gen: object) -> dict:
    """A normalised generator dict, or CSMS.0002 saying what is wrong with it."""
    if gen is None:
        return dict(DEFAULT_GENERATOR)
    if not isinstance(gen, Mapping):
        raise bad("generator must be a dict with a type: password or kv")
    kind = gen.get("type", "password")
    length = gen.get("length", 32)
    if isinstance(length, bool) or not isinstance(length, int) or not MIN_LENGTH <= length <= MAX_LENGTH:
        raise bad(f"generator length must be {MIN_LENGTH}-{MAX_LENGTH}, got {length!r}")
    alphabet = gen.get("alphabet") or DEFAULT_ALPHABET
    if not isinstance(alphabet, str) or not all(c.isprintable() for c in alphabet):
        raise bad("generator alphabet must be printable text")
    alphabet = "".join(dict.fromkeys(alphabet))  # distinct characters, order kept
    if len(alphabet) < 2:
        raise bad("generator alphabet needs at least 2 distinct characters")
    out: dict[str, Any] = {"type": kind, "length": length, "alphabet": alphabet}
    if kind == "kv":
        template, fld = gen.get("template") or {}, gen.get("field", "password")
        if not isinstance(template, Mapping) or not all(
                isinstance(k, str) and k and isinstance(v, str) for k, v in template.items()):
            raise bad("generator template must map text keys to text values")
        if not isinstance(fld, str) or not fld:
            raise bad("generator field must name the generated key")
        out.update(template=dict(template), field=fld)
    elif kind != "password":
        raise bad(f"generator type must be password or kv, got {kind!r}")
    return out


def generate(rng: SystemRng, gen: dict) -> str:
    value = rng.choice(gen["alphabet"], gen["length"])
    if gen["type"] == "kv":
        return json.dumps({**gen["template"], gen["field"]: value}, ensure_ascii=False)
    return value


def seal_generator(hsm: Hsm, secret_id: str, gen: dict) -> str:
    return hsm.seal(json.dumps(gen, sort_keys=True).encode(), _AAD, secret_id).hex()


def open_generator(hsm: Hsm, secret: Secret) -> dict:
    if not secret.rotation_generator:
        return dict(DEFAULT_GENERATOR)
    return json.loads(hsm.open(bytes.fromhex(secret.rotation_generator), _AAD, secret.secret_id))


def apply_rotation(hsm: Hsm, secret: Secret, now: datetime, rotation_period: object = None,
                   generator: object = None, enabled: object = True) -> None:
    """Validate and store rotation settings; enabled rotation needs a period (6 h - 365 d)."""
    if not isinstance(enabled, bool):
        raise bad("enabled must be true or false")
    if rotation_period is not None:
        secret.rotation_period, _ = parse_period(rotation_period)
    if generator is not None or not secret.rotation_generator:
        secret.rotation_generator = seal_generator(hsm, secret.secret_id, check_generator(generator))
    if enabled and not secret.rotation_period:
        raise bad("automatic rotation needs a rotation_period (6h to 365d)")
    secret.auto_rotation = enabled
    secret.next_rotation_time = now + parse_period(secret.rotation_period)[1] if enabled else None


def rotation_from_request(rotation: object) -> dict:
    """The `rotation=` argument of create_secret: None, or a dict of configure_rotation's args."""
    if rotation is None:
        return {}
    if not isinstance(rotation, Mapping) or set(rotation) - {"rotation_period", "generator", "enabled"}:
        raise bad("rotation must be a dict of rotation_period, generator and enabled", INVALID)
    return dict(rotation)


def rotate_in(call: Any, secret: Secret) -> SecretVersion:
    """Add a generated version (it becomes SYSCURRENT) and move the rotation times on."""
    refuse_pending(secret, "rotation")
    s, now = call.s, call.now
    value = generate(call.ctx.rng, open_generator(call.ctx.hsm, secret)).encode("utf-8")
    version = add_version(call, secret, value, "string")
    secret.rotation_time, secret.rotation_error = now, ""
    if secret.auto_rotation and secret.rotation_period:
        secret.next_rotation_time = now + parse_period(secret.rotation_period)[1]
    s.add(secret)
    return version


class SecretRotation(SecretBase):
    def configure_rotation(self, name: str, rotation_period: str | None = None,
                           generator: dict | None = None, enabled: bool = True):
        request = {"rotation_period": rotation_period, "enabled": enabled,
                   "generator_type": generator.get("type") if isinstance(generator, Mapping) else None}
        with self._on_secret("updateSecretRotation", name, "csms:secret:update", request,
                             frozen_when_pending="changing rotation") as (call, row):
            apply_rotation(self.ctx.hsm, row, call.now, rotation_period, generator, enabled)
            row.update_time = call.now
            call.s.add(row)
            call.response = {"auto_rotation": row.auto_rotation, "rotation_period": row.rotation_period}
            return secret_result(call.s, row)

    def show_rotation_config(self, name: str) -> RotationConfig:
        with self._on_secret("showSecretRotation", name, "csms:secret:get") as (call, row):
            return RotationConfig(row.auto_rotation, row.rotation_period,
                                  open_generator(self.ctx.hsm, row), row.rotation_time,
                                  row.next_rotation_time, row.rotation_error)

    def rotate_secret(self, name: str) -> RotationResult:
        """Rotate now: a generated version becomes SYSCURRENT."""
        with self._on_secret("rotateSecret", name, "csms:secret:rotate",
                             frozen_when_pending="rotation") as (call, row):
            v = rotate_in(call, row)
            fire(call, row, "SECRET_VERSION_CREATED", v.version_id)
            fire(call, row, "SECRET_ROTATED", v.version_id)
            call.response = {"version_id": v.version_id}
            return RotationResult(v.version_id, row.name)

    def _run_due_rotations(self, now: datetime) -> int:
        """Rotate every Enabled secret whose rotation is due, in one claiming transaction.

        A secret that cannot rotate (e.g. its KMS key is disabled) records why, raises
        SECRET_ROTATED_FAILED, waits one period, and does not stop the others.
        """
        done = 0
        where = (Secret.state == ENABLED,  # index ix_csms_secret_state_rotation
                 col(Secret.next_rotation_time) != None, col(Secret.next_rotation_time) <= now,  # noqa: E711
                 Secret.auto_rotation == True)  # noqa: E712
        if not self._anything_due(select(Secret.secret_id).where(*where)):
            return 0
        with self._job("rotateSecret", RESOURCE, now) as job:
            due: SelectOfScalar[Secret] = self.ctx.db.for_update(select(Secret).where(*where)
                .order_by(col(Secret.next_rotation_time), col(Secret.name)))
            rows = job.s.exec(due).all()
            for row in rows:
                nested = job.s.begin_nested()
                try:
                    v = rotate_in(job, row)
                    fire(job, row, "SECRET_VERSION_CREATED", v.version_id)
                    fire(job, row, "SECRET_ROTATED", v.version_id)
                    nested.commit()
                    job.trace(resource_id=row.secret_id, resource_name=row.name, domain_id=row.domain_id,
                              request={"secret_name": row.name}, response={"version_id": v.version_id})
                    done += 1
                except DewError as e:
                    nested.rollback()
                    self._rotation_failed(job, row, now, e)
        return done

    def _rotation_failed(self, job, row: Secret, now: datetime, err: DewError) -> None:
        job.s.refresh(row)
        row.rotation_error = f"{err.code}: {err.message}"
        row.next_rotation_time = now + parse_period(row.rotation_period)[1]
        job.s.add(row)
        job.s.flush()
        fire(job, row, "SECRET_ROTATED_FAILED", "")
        job.trace(resource_id=row.secret_id, resource_name=row.name, domain_id=row.domain_id,
                  request={"secret_name": row.name}, response={"error_code": err.code},
                  rating="warning", code=err.code, message=err.message)
