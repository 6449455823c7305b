"""Data keys of secret versions, once opened, kept in memory per open root key, as KMS keeps
opened key material (`engine.kms.keyrows`): reading a version again does not unwrap its data
key again (the blob's parse, HKDF and AES-GCM under the KMS key's material).

Never persisted, bounded (`OPENED_MAX`), and weak on the root key: sealing or rotating the
root key starts empty. What is not skipped: the KMS key's checks (Enabled, in the secret's
account, the caller allowed to open data keys under it), which the caller makes before
asking here, and the value's own AES-GCM, checked on every read. An entry is found only for
the very key id, blob, secret id and version id (the blob's associated data) that opened
before, so a version row changed in the database misses and is opened, and refused, as
ever; a blob that opened once opens to the same data key for as long as its KMS key is
usable (the material of a key version never changes once written, and a key without
material is not Enabled).
"""
from __future__ import annotations

import weakref

from engine.hsm.seal import Hsm

OPENED_MAX = 4096  # data keys one open root key keeps in memory

_Ident = tuple[str, str, str, str]  # (KMS key id, wrapped data key as stored, secret id, version id)
_OPENED: "weakref.WeakKeyDictionary[Hsm, dict[_Ident, bytes]]" = weakref.WeakKeyDictionary()


def opened(hsm: Hsm, key_id: str, wrapped: str, secret_id: str, version_id: str) -> bytes | None:
    """The data key this blob of this version opened to under this root key, if it did before."""
    held = _OPENED.get(hsm)
    return None if held is None else held.get((key_id, wrapped, secret_id, version_id))


def keep(hsm: Hsm, key_id: str, wrapped: str, secret_id: str, version_id: str, dek: bytes) -> None:
    """Remember a data key that has just opened (the oldest is dropped when full)."""
    held = _OPENED.get(hsm)
    if held is None:
        held = _OPENED[hsm] = {}
    if len(held) >= OPENED_MAX:
        held.pop(next(iter(held)))
    held[(key_id, wrapped, secret_id, version_id)] = dek
