"""The root key file: 32 random bytes in `root.key` (mode 0600), optionally passphrase-sealed.

Plain form: `{"version": 1, "kind": "plain", "key": <b64>}`. Sealed form: the key encrypted
with AES-256-GCM under a key derived by scrypt (memory-hard) from the passphrase. A sealed
file without a passphrase leaves the engine sealed; a wrong passphrase is refused without
saying anything else. A file others can read, or one that is damaged, is refused with a
message saying what to fix; an empty passphrase never seals (it would protect nothing).
"""
from __future__ import annotations

import base64
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from engine.errors import DewError
from engine.hsm.rootkey_doc import (MAX_FILE_BYTES, PLAIN_KIND, SEALED_KIND, parse_root_key_doc,
                                    plain_key, sealed_parts)
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
        if self.key is not None:
            return self.key
        assert self.sealed_doc is not None
        self.key = _open_sealed(self.sealed_doc, checked_passphrase(passphrase, "unseal the root key"))
        return self.key


def checked_passphrase(passphrase: object, purpose: str) -> str:
    """The passphrase if it is a non-empty string that can be encoded; DEW.0006 otherwise."""
    if not isinstance(passphrase, str) or not passphrase:
        raise DewError("DEW.0006", f"a non-empty passphrase is needed to {purpose}", 400)
    try:
        passphrase.encode("utf-8")
    except UnicodeEncodeError:
        raise DewError("DEW.0006", f"the passphrase given to {purpose} is not valid text", 400) from None
    return passphrase


def _kdf(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def _open_sealed(doc: dict, passphrase: str) -> bytes:
    salt, nonce, ct = sealed_parts(doc)
    kek = _kdf(passphrase, salt, doc["n"], doc["r"], doc["p"])
    try:
        return AESGCM(kek).decrypt(nonce, ct, _AAD)
    except InvalidTag:
        raise DewError("DEW.0002", "wrong passphrase for the root key", 403) from None


def _seal_doc(key: bytes, passphrase: str, rng: SystemRng) -> dict:
    passphrase = checked_passphrase(passphrase, "seal the root key")
    salt, nonce = rng.secret_bytes(16), rng.secret_bytes(12)
    kek = _kdf(passphrase, salt, _SCRYPT_N, _SCRYPT_R, _SCRYPT_P)
    ct = AESGCM(kek).encrypt(nonce, key, _AAD)
    b64 = lambda b: base64.b64encode(b).decode()  # noqa: E731
    return {"version": 1, "kind": SEALED_KIND, "n": _SCRYPT_N, "r": _SCRYPT_R,
            "p": _SCRYPT_P, "salt": b64(salt), "nonce": b64(nonce), "ct": b64(ct)}


def _write_new(path: Path, doc: dict) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(doc, fh)
        fh.flush()
        os.fsync(fh.fileno())


def missing_root_key(path: Path) -> DewError:
    return DewError("DEW.0003", f"the root key file {path} is missing: the existing database cannot be "
                    "opened without it (restore root.key from your backup)", 500)


def _read_private(path: Path) -> bytes:
    """The file's bytes, refused when it is not a regular file or others can read it."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        raise
    except OSError:
        raise DewError("DEW.0003", f"the root key file {path} is unreadable", 500) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise DewError("DEW.0003", f"the root key file {path} is not a regular file", 500)
        if os.name == "posix" and st.st_mode & 0o077:
            raise DewError("DEW.0007", f"the root key file {path} can be read or written by other users "
                           f"(mode {stat.S_IMODE(st.st_mode):04o}): run `chmod 600 {path}` and open again", 403)
        with os.fdopen(os.dup(fd), "rb") as fh:
            return fh.read(MAX_FILE_BYTES + 1)
    except OSError:
        raise DewError("DEW.0003", f"the root key file {path} is unreadable", 500) from None
    finally:
        os.close(fd)


def load_root_key(home: Path, passphrase: str | None) -> RootKeyFile:
    """Read `home/root.key`: DEW.0003 when missing or damaged, DEW.0007 when others can read it.

    A passphrase opens a sealed file (wrong: DEW.0002); None or "" leaves it sealed."""
    path = home / ROOT_KEY_FILE
    try:
        raw = _read_private(path)
    except FileNotFoundError:
        raise DewError("DEW.0003", f"no root key at {path}", 500) from None
    doc = parse_root_key_doc(path, raw)
    if doc["kind"] == PLAIN_KIND:
        return RootKeyFile(path, plain_key(doc))
    rk = RootKeyFile(path, None, doc)
    if passphrase is not None and passphrase != "":
        rk.unseal(passphrase)
    return rk


def load_or_create_root_key(home: Path, passphrase: str | None, rng: SystemRng,
                            create: bool = True) -> RootKeyFile:
    """Read `home/root.key`, creating it (sealed when a passphrase is given) if missing.

    Creating with an empty (or non-string) passphrase is refused (DEW.0006): it would give
    a plain key to someone who asked for a sealed one."""
    path = home / ROOT_KEY_FILE
    if create and not path.exists():
        key = rng.secret_bytes(32)
        doc = ({"version": 1, "kind": PLAIN_KIND, "key": base64.b64encode(key).decode()}
               if passphrase is None else _seal_doc(key, passphrase, rng))
        try:
            _write_new(path, doc)
        except FileExistsError:  # another process created it first: use theirs
            return load_root_key(home, passphrase)
        return RootKeyFile(path, key)
    return load_root_key(home, passphrase)


def seal_root_key_file(home: Path, passphrase: str, rng: SystemRng) -> None:
    """Re-write a plain root key file in passphrase-sealed form (same key)."""
    path = home / ROOT_KEY_FILE
    rk = load_root_key(home, None)
    if rk.key is None:
        raise DewError("DEW.0004", "the root key is already passphrase-sealed", 400)
    doc = _seal_doc(rk.key, passphrase, rng)
    tmp = path.with_suffix(".tmp")
    _write_new(tmp, doc)
    os.replace(tmp, path)
