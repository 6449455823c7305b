"""Symmetric sealing under a CMK inside a caller's transaction.

The crypto mixin and the secrets service both use these, so there is one implementation of
"encrypt under the key's newest version" and "decrypt with the version the blob names".
They never open or commit a transaction, and never check permissions (callers do).
"""
from __future__ import annotations

from sqlmodel import Session

from engine.errors import DewError
from engine.hsm.seal import Hsm
from engine.kms import ciphertext
from engine.kms.keyrows import load_key, open_version
from engine.kms.rules import INVALID
from engine.kms.specs import ENCRYPT_DECRYPT
from engine.kms.states import require_usable
from engine.models.kms import Cmk
from engine.rand import SystemRng


def require_symmetric_encryption_key(key: Cmk) -> None:
    if key.key_spec != "AES_256" or key.key_usage != ENCRYPT_DECRYPT:
        raise DewError(INVALID, f"key {key.key_id} is {key.key_spec}/{key.key_usage}: "
                                "this operation needs an AES_256 ENCRYPT_DECRYPT key", 400)


def encrypt_under(s: Session, hsm: Hsm, rng: SystemRng, key: Cmk, plaintext: bytes,
                  aad: bytes | None, kind: int) -> bytes:
    """Encrypt with the key's newest material version. The key must be usable."""
    require_usable(key.key_state, key.key_id)
    require_symmetric_encryption_key(key)
    version, material = open_version(s, hsm, key)
    return ciphertext.seal(material, key.key_id, version, kind, plaintext, aad, rng)


def peek_key_id(blob: bytes, kind: int, code: str = INVALID) -> str:
    return ciphertext.parse(blob, kind, code).key_id


def decrypt_under(s: Session, hsm: Hsm, blob: bytes, aad: bytes | None, kind: int,
                  expected_key_id: str | None = None, code: str = INVALID) -> tuple[Cmk, bytes]:
    """(key row, plaintext) using the version recorded in the blob. The key must be usable."""
    header = ciphertext.parse(blob, kind, code)
    if expected_key_id is not None and header.key_id != expected_key_id:
        raise ciphertext.cipher_error(code)
    key = load_key(s, header.key_id)
    require_usable(key.key_state, key.key_id)
    require_symmetric_encryption_key(key)
    try:
        _, material = open_version(s, hsm, key, header.version)
    except DewError:
        raise ciphertext.cipher_error(code) from None
    return key, ciphertext.open_(material, header, blob, aad, code)


def new_data_key(s: Session, hsm: Hsm, rng: SystemRng, key: Cmk, nbytes: int,
                 aad: bytes | None) -> tuple[bytes, bytes]:
    """(data key plaintext, its ciphertext blob) — the plaintext stays in memory only."""
    dek = rng.secret_bytes(nbytes)
    return dek, encrypt_under(s, hsm, rng, key, dek, aad, ciphertext.KIND_DATAKEY)
