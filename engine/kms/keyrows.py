"""Shared row helpers for the KMS mixins: find a key, turn rows into results, open material.

Opened material is kept in memory per open root key (`_OPENED`, bounded, never persisted): a
version's material never changes once written (rotation adds a version, re-import must bring
the same material), so a call that finds it there neither reads nor unseals the version row.
The key row itself is read by every call: its state and current version decide.
"""
from __future__ import annotations

import weakref
from typing import Callable

from sqlmodel import Session, select

from engine import rowload
from engine.errors import DewError
from engine.hsm.seal import Hsm
from engine.integrity import INTEGRITY_CODE
from engine.kms.results import KeyDetails, Tag
from engine.kms.rules import INTERNAL, NO_KEY, NOT_PENDING_IMPORT, check_key_id
from engine.kms.states import KeyState
from engine.models.kms import Cmk, KeyTag, KeyVersion

def load_key(s: Session, key_id: object, db=None) -> Cmk:
    """The key row or KMS.0207. Keys of any account: the permission check decides access."""
    check_key_id(key_id)
    if db is None:  # a key this transaction already loaded (its MAC checked) is not read again
        row = rowload.get(s, Cmk, key_id)
    else:
        row = s.exec(db.for_update(select(Cmk).where(Cmk.key_id == key_id))).first()
    if row is None:
        raise DewError(NO_KEY, f"key {key_id} does not exist", 404)
    return row


def load_key_or(s: Session, key_id: object, refusal: Callable[[], DewError]) -> Cmk:
    """The key row; a missing key or a malformed id refused with `refusal()` instead. A row
    edited in the database is refused as everywhere (DEW.0010), never as a missing key."""
    try:
        return load_key(s, key_id)
    except DewError as e:
        if e.code == INTEGRITY_CODE:
            raise
        raise refusal() from None


def find_by_alias(s: Session, domain_id: str, alias: str) -> Cmk | None:
    return s.exec(select(Cmk).where(Cmk.domain_id == domain_id, Cmk.key_alias == alias)).first()


def key_tags(s: Session, key_id: str) -> tuple[Tag, ...]:
    rows = sorted(rowload.where(s, KeyTag, key_id=key_id), key=lambda r: r.tag_key)
    return tuple(Tag(r.tag_key, r.tag_value) for r in rows)


def details(row: Cmk, tags: tuple[Tag, ...] = ()) -> KeyDetails:
    return KeyDetails(
        key_id=row.key_id, domain_id=row.domain_id, key_alias=row.key_alias,
        key_spec=row.key_spec, key_usage=row.key_usage, key_description=row.key_description,
        key_state=KeyState(row.key_state), origin=row.origin, default_key_flag=row.default_key,
        enterprise_project_id=row.enterprise_project_id, creation_date=row.creation_date,
        scheduled_deletion_date=row.scheduled_deletion_date, expiration_time=row.expiration_time,
        key_rotation_enabled=row.rotation_enabled, rotation_interval=row.rotation_interval,
        last_rotation_time=row.last_rotation_time, number_of_rotations=row.rotation_count,
        key_version=row.current_version, tags=tags)


def open_version(s: Session, hsm: Hsm, key: Cmk, version: int | None = None) -> tuple[int, bytes]:
    """(version, plaintext material) — the current version unless one is named.

    The plaintext lives only in memory for the duration of the operation.
    """
    v = key.current_version if version is None else version
    opened = _OPENED.get(hsm)
    if opened is None:
        opened = _OPENED[hsm] = {}
    # a version above the current one never opens (it is no version of this key yet)
    ident = (key.key_id, v, key.key_spec)
    material = opened.get(ident) if 0 < v <= key.current_version else None
    if material is not None:
        return v, material
    row = rowload.get(s, KeyVersion, (key.key_id, v)) if v else None
    if row is None:
        if version is None:
            raise DewError(NOT_PENDING_IMPORT, f"key {key.key_id} has no key material", 400)
        raise DewError(INTERNAL, "the ciphertext cannot be decrypted", 400)
    material = hsm.open_material(row.sealed_material, key.key_id, v, key.key_spec)
    if len(opened) >= OPENED_MAX:
        opened.pop(next(iter(opened)))
    opened[ident] = material
    return v, material


OPENED_MAX = 4096  # versions whose material one open root key keeps in memory
_OPENED: "weakref.WeakKeyDictionary[Hsm, dict[tuple[str, int, str], bytes]]" = weakref.WeakKeyDictionary()



def add_version(s: Session, hsm: Hsm, key: Cmk, material: bytes, now, version: int | None = None) -> int:
    v = (key.current_version + 1) if version is None else version
    s.add(KeyVersion(key_id=key.key_id, version=v, created=now,
                     sealed_material=hsm.seal_material(material, key.key_id, v, key.key_spec)))
    key.current_version = max(key.current_version, v)
    s.add(key)
    return v
