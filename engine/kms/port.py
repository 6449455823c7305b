"""The narrow door through which the secret manager uses KMS keys (envelope sealing).

CSMS needs five things from KMS and nothing else: find the key a secret's new versions use
(`csms/default`, created on first use, or a custom key), check that key can seal or open
now, wrap a fresh data key under it, unwrap one, and name a key's state in messages. Using a
custom key is a KMS data-key operation of the caller: it needs the caller's KMS permission
on that key (`kms:dek:crypto`) or a grant (`create-datakey` to seal, `decrypt-datakey` to
open), as in the cloud. The default key is exempt (the service uses it on the caller's
behalf), and due work (no `authorize` on its unit of work) acts for the owner.
"""
from __future__ import annotations

from typing import Any

from sqlmodel import Session

from engine.hsm.seal import Hsm
from engine.kms import ciphertext
from engine.kms.defaults import ensure_default_key
from engine.kms.envelope import decrypt_under, new_data_key
from engine.kms.keyrows import load_key_or
from engine.kms.specs import ENCRYPT_DECRYPT
from engine.kms.states import KeyState
from engine.models.kms import Cmk
from engine.rand import SystemRng

SEAL, OPEN = "create-datakey", "decrypt-datakey"
KIND_DATAKEY = ciphertext.KIND_DATAKEY


def key_label(state: str) -> str:
    try:
        return KeyState(state).label
    except ValueError:
        return str(state)


def usable_key(s: Session, key_id: str, domain_id: str, refuse: Any) -> Cmk:
    """The key row if it can seal or open now; else `refuse(message)` naming key and state.
    A key row edited in the database is refused as KMS refuses it (DEW.0010), not as a key
    that does not exist."""
    key = load_key_or(s, key_id, lambda: refuse(f"KMS key {key_id} does not exist"))
    if key.domain_id != domain_id:
        raise refuse(f"KMS key {key_id} does not exist")
    if key.key_state != KeyState.ENABLED.value:
        raise refuse(f"KMS key {key.key_alias} ({key_id}) is {key_label(key.key_state)}")
    return key


def may_use(call: Any, key: Cmk, grant_op: str) -> None:
    """The caller's KMS permission (or grant) for a data-key operation on a custom key."""
    if key.default_key or not hasattr(call, "authorize"):
        return
    call.authorize("kms:dek:crypto", key=key, grant_op=grant_op)


def default_key(call: Any) -> Cmk:
    """`csms/default` of the caller's account; created on first use, its `createKey` trace
    written in the caller's transaction (`call`: the secret call's unit of work)."""
    return ensure_default_key(call, "csms")


def require_secret_key(key: Cmk, refuse: Any) -> None:
    if key.key_spec != "AES_256" or key.key_usage != ENCRYPT_DECRYPT:
        raise refuse(f"KMS key {key.key_alias} ({key.key_id}) is {key.key_spec}/{key.key_usage}: "
                     "secrets need an AES_256 ENCRYPT_DECRYPT key")


def wrap_new_data_key(s: Session, hsm: Hsm, rng: SystemRng, key: Cmk, aad: bytes) -> tuple[bytes, bytes]:
    """(data key, its blob under `key`): the data key stays in memory only."""
    return new_data_key(s, hsm, rng, key, 32, aad)


def unwrap_data_key(s: Session, hsm: Hsm, blob: bytes, aad: bytes, key_id: str, code: str) -> bytes:
    _key, dek = decrypt_under(s, hsm, blob, aad, KIND_DATAKEY, expected_key_id=key_id, code=code)
    return dek
