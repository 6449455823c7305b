"""The root key file: 32 random bytes in `root.key` (mode 0600), optionally passphrase-sealed.

Plain form: `{"version": 1, "kind": "plain", "key": <b64>}`. Sealed form: the key encrypted
with AES-256-GCM under a key derived by scrypt (memory-hard) from the passphrase. A sealed
file without a passphrase leaves the engine sealed; a wrong passphrase is refused without
saying anything else.
"""
from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from engine.errors import DewError
from engine.rand import SystemRng

ROOT_KEY_FILE = "root.key"
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**15, 8, 1
_AAD = b"dewtui root key v1"


@dataclass
class RootKeyFile:
    """What was read from disk: the key, or the sealed envelope when no passphrase opened it."""

    path: Path
    key: bytes | None
    sealed_doc: dict | None = None

    @property
    def sealed(self) -> bool:
        return self.key is None

    def unseal(self, passphrase: str) -> bytes:
        assert self.sealed_doc is not None
        self.key = _open_sealed(self.sealed_doc, passphrase)
        return self.key


def _kdf(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def _open_sealed(doc: dict, passphrase: str) -> bytes:
    salt = base64.b64decode(doc["salt"])
    kek = _kdf(passphrase, salt, doc["n"], doc["r"], doc["p"])
    try:
        return AESGCM(kek).decrypt(base64.b64decode(doc["nonce"]), base64.b64decode(doc["ct"]), _AAD)
    except InvalidTag:
        raise DewError("DEW.0002", "wrong passphrase for the root key", 403) from None


def _seal_doc(key: bytes, passphrase: str, rng: SystemRng) -> dict:
    salt, nonce = rng.secret_bytes(16), rng.secret_bytes(12)
    kek = _kdf(passphrase, salt, _SCRYPT_N, _SCRYPT_R, _SCRYPT_P)
    ct = AESGCM(kek).encrypt(nonce, key, _AAD)
    b64 = lambda b: base64.b64encode(b).decode()  # noqa: E731
    return {"version": 1, "kind": "scrypt-aes256gcm", "n": _SCRYPT_N, "r": _SCRYPT_R,
            "p": _SCRYPT_P, "salt": b64(salt), "nonce": b64(nonce), "ct": b64(ct)}


def _write_new(path: Path, doc: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(doc, fh)
        fh.flush()
        os.fsync(fh.fileno())


def load_or_create_root_key(home: Path, passphrase: str | None, rng: SystemRng,
                            create: bool = True) -> RootKeyFile:
    """Read `home/root.key`, creating it (sealed when a passphrase is given) if missing."""
    path = home / ROOT_KEY_FILE
    if not path.exists():
        if not create:
            raise DewError("DEW.0003", f"no root key at {path}", 500)
        key = rng.secret_bytes(32)
        doc = (_seal_doc(key, passphrase, rng) if passphrase
               else {"version": 1, "kind": "plain", "key": base64.b64encode(key).decode()})
        try:
            _write_new(path, doc)
        except FileExistsError:  # another process created it first: use theirs
            return load_or_create_root_key(home, passphrase, rng, create=False)
        return RootKeyFile(path, key)
    try:
        doc = json.loads(path.read_text())
    except (OSError, ValueError):
        raise DewError("DEW.0003", f"the root key file {path} is unreadable", 500) from None
    if doc.get("kind") == "plain":
        key = base64.b64decode(doc["key"])
        if len(key) != 32:
            raise DewError("DEW.0003", f"the root key file {path} is damaged", 500)
        return RootKeyFile(path, key)
    rk = RootKeyFile(path, None, doc)
    if passphrase:
        rk.unseal(passphrase)
    return rk


def seal_root_key_file(home: Path, passphrase: str, rng: SystemRng) -> None:
    """Re-write a plain root key file in passphrase-sealed form (same key)."""
    path = home / ROOT_KEY_FILE
    rk = load_or_create_root_key(home, None, rng, create=False)
    if rk.key is None:
        raise DewError("DEW.0004", "the root key is already passphrase-sealed", 400)
    tmp = path.with_suffix(".tmp")
    _write_new(tmp, _seal_doc(rk.key, passphrase, rng))
    os.replace(tmp, path)
