"""Sealing and opening of material under the root key (AES-256-GCM with bound AAD).

Every key material is stored as `nonce(12) || ciphertext+tag` with associated data that
names what it is (`canonical("material", key_id, version, spec)`), so a row copied onto
another key, version or spec fails to open. Sub-keys for other purposes (audit chain,
backup blobs, import-material digests) are derived with HKDF and never stored, except those
a root key rotation carries over (`carry`): the previous root's sub-key for that purpose,
kept sealed under the new root in the database (engine.rootkeys.carried).
"""
from __future__ import annotations

import hashlib
import hmac

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from engine.codec import canonical
from engine.errors import CANNOT_DECRYPT, DewError
from engine.rand import SystemRng


class Hsm:
    """Holds the root key in memory; everything sealed goes through here."""

    def __init__(self, root_key: bytes, rng: SystemRng) -> None:
        if len(root_key) != 32:
            raise ValueError("root key must be 32 bytes")
        self._aead = AESGCM(root_key)
        self._root = root_key
        self._rng = rng
        self._carried: dict[str, bytes] = {}

    def carry(self, subkeys: dict[str, bytes]) -> None:
        """Use these sub-keys (of an earlier root) instead of deriving them for their purposes."""
        self._carried = dict(subkeys)

    def fingerprint(self) -> str:
        """Identifies the root key without revealing it (stored in the database)."""
        return hmac.new(self._root, b"dewtui root fingerprint v1", hashlib.sha256).hexdigest()

    def derive(self, purpose: str) -> bytes:
        carried = self._carried.get(purpose)
        if carried is not None:
            return carried
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                    info=b"dewtui/" + purpose.encode()).derive(self._root)

    def seal(self, plaintext: bytes, *aad_parts: str | bytes | int | None) -> bytes:
        nonce = self._rng.secret_bytes(12)
        return nonce + self._aead.encrypt(nonce, plaintext, canonical(*aad_parts))

    def open(self, blob: bytes, *aad_parts: str | bytes | int | None) -> bytes:
        try:
            return self._aead.decrypt(blob[:12], blob[12:], canonical(*aad_parts))
        except (InvalidTag, ValueError):
            raise DewError("KMS.0101", CANNOT_DECRYPT, 500) from None

    def seal_material(self, material: bytes, key_id: str, version: int, spec: str) -> bytes:
        return self.seal(material, "material", key_id, version, spec)

    def open_material(self, blob: bytes, key_id: str, version: int, spec: str) -> bytes:
        return self.open(blob, "material", key_id, version, spec)

    def keyed_digest(self, purpose: str, data: bytes) -> str:
        """HMAC of data under a derived key: compares material without storing it."""
        return hmac.new(self.derive(purpose), data, hashlib.sha256).hexdigest()
