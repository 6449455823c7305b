"""Secret versions: envelope sealing of values, adding a version, the version cap.

Each version's value is sealed with a fresh 256-bit data key (AES-256-GCM, nonce from the
CSPRNG); the data key itself is encrypted by the secret's KMS key (the KMS data-key blob
format). Only `wrapped_dek` (hex of that blob) and `sealed_value` are stored; the value
exists in memory only for the call, and an opened data key only in memory while the root key
is open (`engine.csms.openedkeys`, as KMS keeps opened key material). Both layers bind the
secret id and the version id as associated data, so a sealed row copied onto another secret
or version fails to open. Everything here runs inside the caller's transaction (never a
nested service call: the database has one writer).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlmodel import Session, col, select

from engine import rowload
from engine.codec import canonical
from engine.csms import openedkeys
from engine.csms.rules import (KEY_UNUSABLE, LATEST, SYSCURRENT, VERSION_QUOTA, bad, check_version_id,
                               no_version)
from engine.csms.stages import move_stage, stages_by_version
from engine.errors import CANNOT_DECRYPT, DewError
from engine.kms import port as kms
from engine.models.csms import Secret, SecretStage, SecretVersion
from engine.models.kms import Cmk


def _dek_aad(secret_id: str, version_id: str) -> bytes:
    return canonical("csms data key", secret_id, version_id)


def _value_aad(secret_id: str, version_id: str, kind: str) -> bytes:
    return canonical("csms value", secret_id, version_id, kind)


def _unusable(message: str) -> DewError:
    return bad(message, KEY_UNUSABLE)


def usable_key(s: Session, key_id: str, domain_id: str) -> Cmk:
    """The KMS key row if it can seal or open secrets now, else CSMS.0401 naming key and state."""
    return kms.usable_key(s, key_id, domain_id, _unusable)


def key_for_secret(call: Any, kms_key_id: object) -> Cmk:
    """The key new versions use: `csms/default` when None (created on first use), else a
    custom Enabled AES_256 ENCRYPT_DECRYPT key of the account the caller may seal with."""
    domain_id = call.principal.domain_id
    if kms_key_id is None or kms_key_id == "":
        return kms.default_key(call)  # its first use is traced (createKey) in this transaction
    if not isinstance(kms_key_id, str):
        raise bad(f"invalid kms_key_id {kms_key_id!r}")
    key = usable_key(call.s, kms_key_id, domain_id)
    kms.require_secret_key(key, bad)
    kms.may_use(call, key, kms.SEAL)
    return key


def seal_value(call: Any, key: Cmk, secret_id: str, version_id: str, value: bytes,
               kind: str) -> tuple[str, bytes]:
    """(wrapped_dek hex, sealed value) for one version."""
    usable_key(call.s, key.key_id, key.domain_id)
    kms.may_use(call, key, kms.SEAL)
    dek, blob = kms.wrap_new_data_key(call.s, call.ctx.hsm, call.ctx.rng, key,
                                      _dek_aad(secret_id, version_id))
    nonce = call.ctx.rng.secret_bytes(12)
    sealed = nonce + AESGCM(dek).encrypt(nonce, value, _value_aad(secret_id, version_id, kind))
    return blob.hex(), sealed


def open_value(call: Any, secret: Secret, version: SecretVersion) -> bytes:
    """The plaintext of one version; the key that sealed it must be Enabled (CSMS.0401) and
    the caller allowed to open data keys under it."""
    key = usable_key(call.s, version.kms_key_id, secret.domain_id)
    kms.may_use(call, key, kms.OPEN)
    hsm, secret_id, version_id = call.ctx.hsm, secret.secret_id, version.version_id
    key_id, wrapped = version.kms_key_id, version.wrapped_dek
    try:
        dek = openedkeys.opened(hsm, key_id, wrapped, secret_id, version_id)
        if dek is None:  # (its KMS key's checks above are made on every read all the same)
            dek = kms.unwrap_data_key(call.s, hsm, bytes.fromhex(wrapped), _dek_aad(secret_id, version_id),
                                      key_id, KEY_UNUSABLE)
            openedkeys.keep(hsm, key_id, wrapped, secret_id, version_id, dek)
        sealed = version.sealed_value
        return AESGCM(dek).decrypt(sealed[:12], sealed[12:], _value_aad(secret_id, version_id, version.value_kind))
    except DewError as e:
        raise bad(f"version {version.version_id} of secret {secret.name}: {CANNOT_DECRYPT}"
                  if e.message == CANNOT_DECRYPT else e.message, KEY_UNUSABLE) from None
    except (InvalidTag, ValueError):
        raise bad(f"version {version.version_id} of secret {secret.name}: {CANNOT_DECRYPT}",
                  KEY_UNUSABLE) from None


def add_version(call: Any, secret: Secret, value: bytes, kind: str,
                stages: list[str] | None = None, expire_time: datetime | None = None) -> SecretVersion:
    """Seal `value` as the next version v<n> under the secret's key and give it its stages.

    Default stages: SYSCURRENT (the old current becomes SYSPREVIOUS via `move_stage`). Past the
    version cap the oldest version without a stage is dropped; if every version has a stage
    the whole call is refused (the caller's transaction rolls back).
    """
    s, now, settings = call.s, call.now, call.ctx.settings
    key = usable_key(s, secret.kms_key_id, secret.domain_id)
    secret.version_counter += 1
    version_id = f"v{secret.version_counter}"
    wrapped, sealed = seal_value(call, key, secret.secret_id, version_id, value, kind)
    row = SecretVersion(secret_id=secret.secret_id, version_id=version_id, seq=secret.version_counter,
                        create_time=now, expire_time=expire_time, kms_key_id=key.key_id,
                        wrapped_dek=wrapped, sealed_value=sealed, value_kind=kind)
    s.add(row)
    secret.update_time = now
    s.add(secret)
    s.flush()
    for stage in stages or [SYSCURRENT]:
        move_stage(s, secret, stage, version_id, now, settings.stages_per_secret)
    enforce_version_cap(s, secret, settings.versions_per_secret, keep=version_id)
    return row


def enforce_version_cap(s: Session, secret: Secret, cap: int, keep: str) -> None:
    """Drop the oldest unstaged versions beyond `cap`; refuse when none can be dropped."""
    versions = s.exec(select(SecretVersion).where(SecretVersion.secret_id == secret.secret_id)
                      .order_by(col(SecretVersion.seq))).all()
    staged = stages_by_version(s, secret.secret_id)
    excess = len(versions) - cap
    for v in versions:
        if excess > 0 and v.version_id != keep and v.version_id not in staged:
            s.delete(v)
            excess -= 1
    s.flush()
    if excess > 0:
        raise bad(f"secret {secret.name} has {cap} versions, the most allowed, and every one "
                  "carries a stage: remove a stage from an old version first", VERSION_QUOTA)


def load_version(s: Session, secret: Secret, version_id: str) -> SecretVersion:
    """A version by id, or `latest` (the SYSCURRENT one); CSMS.0005 when missing."""
    if version_id == LATEST:
        st = rowload.get(s, SecretStage, (secret.secret_id, SYSCURRENT))
        if st is None:
            raise no_version(secret.name, LATEST)
        version_id = st.version_id
    row = rowload.get(s, SecretVersion, (secret.secret_id, check_version_id(version_id)))
    if row is None:
        raise no_version(secret.name, version_id)
    return row
