"""Secret versions: envelope sealing of values, adding a version, the version cap.

Each version's value is sealed with a fresh 256-bit data key (AES-256-GCM, nonce from the
CSPRNG); the data key itself is encrypted by the secret's KMS key (the KMS data-key blob
format). Only `wrapped_dek` (hex of that blob) and `sealed_value` are stored; the data key
and the value exist in memory only for the call. Both layers bind the secret id and the
version id as associated data, so a sealed row copied onto another secret or version fails
to open. Everything here runs inside the caller's transaction (never a nested service call:
the database has one writer).
"""
from __future__ import annotations

from datetime import datetime

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlmodel import Session, select

from engine.codec import canonical
from engine.config import Settings
from engine.csms.rules import (KEY_UNUSABLE, NOT_FOUND, SYSCURRENT, VERSION_QUOTA, bad,
                               check_version_id)
from engine.csms.stages import move_stage, stages_by_version
from engine.errors import CANNOT_DECRYPT, DewError
from engine.hsm.seal import Hsm
from engine.kms import ciphertext
from engine.kms.defaults import ensure_default_key
from engine.kms.envelope import decrypt_under, new_data_key
from engine.kms.keyrows import load_key
from engine.kms.specs import ENCRYPT_DECRYPT
from engine.kms.states import KeyState
from engine.models.csms import Secret, SecretStage, SecretVersion
from engine.models.kms import Cmk
from engine.rand import SystemRng


def _dek_aad(secret_id: str, version_id: str) -> bytes:
    return canonical("csms data key", secret_id, version_id)


def _value_aad(secret_id: str, version_id: str, kind: str) -> bytes:
    return canonical("csms value", secret_id, version_id, kind)


def key_label(state: str) -> str:
    try:
        return KeyState(state).label
    except ValueError:
        return str(state)


def usable_key(s: Session, key_id: str, domain_id: str) -> Cmk:
    """The KMS key row if it can seal or open secrets now, else CSMS.0401 naming key and state."""
    try:
        key = load_key(s, key_id)
    except DewError:
        raise bad(f"KMS key {key_id} does not exist", KEY_UNUSABLE) from None
    if key.domain_id != domain_id:
        raise bad(f"KMS key {key_id} does not exist", KEY_UNUSABLE)
    if key.key_state != KeyState.ENABLED.value:
        raise bad(f"KMS key {key.key_alias} ({key_id}) is {key_label(key.key_state)}", KEY_UNUSABLE)
    return key


def key_for_secret(s: Session, hsm: Hsm, rng: SystemRng, domain_id: str, kms_key_id: object,
                   now: datetime) -> Cmk:
    """The key new versions use: `csms/default` when None (created on first use), else a
    custom Enabled AES_256 ENCRYPT_DECRYPT key of the account."""
    if kms_key_id is None or kms_key_id == "":
        key, _created = ensure_default_key(s, hsm, rng, domain_id, "csms", now)
        return key
    if not isinstance(kms_key_id, str):
        raise bad(f"invalid kms_key_id {kms_key_id!r}")
    key = usable_key(s, kms_key_id, domain_id)
    if key.key_spec != "AES_256" or key.key_usage != ENCRYPT_DECRYPT:
        raise bad(f"KMS key {key.key_alias} ({key.key_id}) is {key.key_spec}/{key.key_usage}: "
                  "secrets need an AES_256 ENCRYPT_DECRYPT key")
    return key


def seal_value(s: Session, hsm: Hsm, rng: SystemRng, key: Cmk, secret_id: str, version_id: str,
               value: bytes, kind: str) -> tuple[str, bytes]:
    """(wrapped_dek hex, sealed value) for one version."""
    usable_key(s, key.key_id, key.domain_id)
    dek, blob = new_data_key(s, hsm, rng, key, 32, _dek_aad(secret_id, version_id))
    nonce = rng.secret_bytes(12)
    sealed = nonce + AESGCM(dek).encrypt(nonce, value, _value_aad(secret_id, version_id, kind))
    return blob.hex(), sealed


def open_value(s: Session, hsm: Hsm, secret: Secret, version: SecretVersion) -> bytes:
    """The plaintext of one version; the key that sealed it must be Enabled (CSMS.0401)."""
    usable_key(s, version.kms_key_id, secret.domain_id)
    try:
        blob = bytes.fromhex(version.wrapped_dek)
        _key, dek = decrypt_under(s, hsm, blob, _dek_aad(secret.secret_id, version.version_id),
                                  ciphertext.KIND_DATAKEY, expected_key_id=version.kms_key_id,
                                  code=KEY_UNUSABLE)
        sealed = version.sealed_value
        return AESGCM(dek).decrypt(sealed[:12], sealed[12:],
                                   _value_aad(secret.secret_id, version.version_id, version.value_kind))
    except DewError as e:
        raise bad(f"version {version.version_id} of secret {secret.name}: {CANNOT_DECRYPT}"
                  if e.message == CANNOT_DECRYPT else e.message, KEY_UNUSABLE) from None
    except (InvalidTag, ValueError):
        raise bad(f"version {version.version_id} of secret {secret.name}: {CANNOT_DECRYPT}",
                  KEY_UNUSABLE) from None


def add_version(s: Session, hsm: Hsm, rng: SystemRng, settings: Settings, secret: Secret,
                value: bytes, kind: str, now: datetime, stages: list[str] | None = None,
                expire_time: datetime | None = None) -> SecretVersion:
    """Seal `value` as the next version v<n> under the secret's key and give it its stages.

    Default stages: SYSCURRENT (the old current becomes SYSPREVIOUS via `move_stage`). Past the
    version cap the oldest version without a stage is dropped; if every version has a stage
    the whole call is refused (the caller's transaction rolls back).
    """
    key = usable_key(s, secret.kms_key_id, secret.domain_id)
    secret.version_counter += 1
    version_id = f"v{secret.version_counter}"
    wrapped, sealed = seal_value(s, hsm, rng, key, secret.secret_id, version_id, value, kind)
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
                      .order_by(SecretVersion.seq)).all()
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
    if version_id == "latest":
        st = s.get(SecretStage, (secret.secret_id, SYSCURRENT))
        if st is None:
            raise bad(f"secret {secret.name} has no SYSCURRENT version", NOT_FOUND)
        version_id = st.version_id
    row = s.get(SecretVersion, (secret.secret_id, check_version_id(version_id)))
    if row is None:
        raise bad(f"secret {secret.name} has no version {version_id}", NOT_FOUND)
    return row
