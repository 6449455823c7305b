"""The root key file: 32 random bytes in `root.key` (mode 0600), optionally passphrase-sealed.

Plain form: `{"version": 1, "kind": "plain", "key": <b64>}`. Sealed form: the key encrypted
with AES-256-GCM under a key derived by scrypt (memory-hard) from the passphrase; the scrypt
parameters (n, r, p) and the salt are stored beside it. A sealed file without a passphrase
leaves the engine sealed; a wrong passphrase is refused without saying anything else. A file
others can read, or one that is damaged, is refused with a message saying what to fix; an
empty passphrase never seals (it would protect nothing).

The file is only ever replaced whole (`replace_root_doc`: a private temporary file, fsync,
rename, fsync of the folder), so a crash leaves the old file or the new one. Root key
rotation writes the new key to `root.key.next` first (`NEXT_FILE`); engine.rootkeys decides
which of the two belongs to the database. Once unsealed, the key the passphrase derived
(`kek`) stays in memory beside the root key (and is dropped with it) so a rotated key can be
sealed under the same passphrase without asking for it again.
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
NEXT_FILE = "root.key.next"  # a rotated key waiting for its database commit
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**15, 8, 1
_AAD = b"dewtui root key v1"


@dataclass
class RootKeyFile:
    """What was read from disk: the key, or the sealed envelope when no passphrase opened it."""

    path: Path
    key: bytes | None
    sealed_doc: dict | None = None  # the file's sealed document; None for a plain file
    kek: bytes | None = None  # what the passphrase derived (held only while unsealed)

    @property
    def sealed(self) -> bool:
        return self.key is None

    @property
    def protected(self) -> bool:
        """Whether the file is passphrase-sealed (whatever is in memory now)."""
        return self.sealed_doc is not None

    def unseal(self, passphrase: str) -> bytes:
        if self.key is not None:
            return self.key
        assert self.sealed_doc is not None
        self.key, self.kek = _open_sealed(self.sealed_doc,
                                          checked_passphrase(passphrase, "unseal the root key"))
        return self.key

    def forget(self) -> None:
        """Drop the key (and the passphrase's key) from memory: sealed until `unseal`."""
        if self.sealed_doc is None:
            raise DewError("DEW.0004", "the root key is not passphrase-sealed: set a passphrase "
                                       "before sealing the engine", 400)
        self.key = self.kek = None

    def check_passphrase(self, passphrase: object) -> None:
        """Refuse (DEW.0002, without detail) a passphrase that does not open this file."""
        if self.sealed_doc is None:
            raise DewError("DEW.0004", "the root key is not passphrase-sealed", 400)
        key, _ = _open_sealed(self.sealed_doc, checked_passphrase(passphrase, "check the root key passphrase"))
        if key != self.key:
            raise DewError("DEW.0002", "wrong passphrase for the root key", 403)

    def check_unchanged_on_disk(self) -> None:
        """Refuse (DEW.0004) when the file is no longer what this process opened: another
        process changed its passphrase, and writing ours would undo that."""
        try:
            doc = read_root_doc(self.path)
        except FileNotFoundError:
            raise missing_root_key(self.path) from None
        same = (plain_key(doc) == self.key and self.sealed_doc is None) if doc["kind"] == PLAIN_KIND \
            else doc == self.sealed_doc
        if not same:
            raise DewError("DEW.0004", f"the root key file {self.path} changed since dewtui opened it "
                                       "(another dewtui process?): open it again first", 409)

    def doc_for(self, key: bytes, rng: SystemRng) -> dict:
        """The file document for `key` protected as this file is: plain, or sealed under the
        same passphrase (same salt and parameters, a fresh nonce)."""
        if self.sealed_doc is None:
            return plain_doc(key)
        if self.kek is None:
            raise DewError("DEW.0001", "the engine is sealed: unseal it with the root key passphrase", 403)
        return _sealed_with(key, self.kek, sealed_parts(self.sealed_doc)[0], self.sealed_doc, rng)


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


def _open_sealed(doc: dict, passphrase: str) -> tuple[bytes, bytes]:
    """(root key, kek) of a sealed document; DEW.0002 without detail when it does not open."""
    salt, _, _ = sealed_parts(doc)
    kek = _kdf(passphrase, salt, doc["n"], doc["r"], doc["p"])
    return open_with_kek(doc, kek), kek


def open_with_kek(doc: dict, kek: bytes) -> bytes:
    """The root key of a sealed document, opened with a kek already derived."""
    _, nonce, ct = sealed_parts(doc)
    try:
        return AESGCM(kek).decrypt(nonce, ct, _AAD)
    except InvalidTag:
        raise DewError("DEW.0002", "wrong passphrase for the root key", 403) from None


def _b64(b: bytes) -> str:
    return base64.b64encode(b).decode()


def plain_doc(key: bytes) -> dict:
    return {"version": 1, "kind": PLAIN_KIND, "key": _b64(key)}


def _sealed_with(key: bytes, kek: bytes, salt: bytes, params: dict, rng: SystemRng) -> dict:
    nonce = rng.secret_bytes(12)
    ct = AESGCM(kek).encrypt(nonce, key, _AAD)
    return {"version": 1, "kind": SEALED_KIND, "n": params["n"], "r": params["r"],
            "p": params["p"], "salt": _b64(salt), "nonce": _b64(nonce), "ct": _b64(ct)}


def sealed_doc_and_kek(key: bytes, passphrase: object, rng: SystemRng) -> tuple[dict, bytes]:
    """A new sealed document for `key` (fresh salt, this code's scrypt cost) and its kek."""
    passphrase = checked_passphrase(passphrase, "seal the root key")
    salt = rng.secret_bytes(16)
    kek = _kdf(passphrase, salt, _SCRYPT_N, _SCRYPT_R, _SCRYPT_P)
    params = {"n": _SCRYPT_N, "r": _SCRYPT_R, "p": _SCRYPT_P}
    return _sealed_with(key, kek, salt, params, rng), kek


def _seal_doc(key: bytes, passphrase: str, rng: SystemRng) -> dict:
    return sealed_doc_and_kek(key, passphrase, rng)[0]


def _write_new(path: Path, doc: dict) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(doc, fh)
        fh.flush()
        os.fsync(fh.fileno())


def _sync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace_root_doc(path: Path, doc: dict, rng: SystemRng) -> None:
    """Put `doc` at `path` atomically: a private temporary file (0600, written and fsynced),
    renamed over `path`, then the folder fsynced. A crash leaves the old file or the new."""
    tmp = path.with_name(f"{path.name}.{rng.hex_id(8)}.tmp")
    _write_new(tmp, doc)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _sync_dir(path.parent)


def promote_next(home: Path) -> None:
    """Make `root.key.next` the root key file (atomic rename, folder fsynced)."""
    os.replace(home / NEXT_FILE, home / ROOT_KEY_FILE)
    _sync_dir(home)


def discard_next(home: Path) -> None:
    (home / NEXT_FILE).unlink(missing_ok=True)
    _sync_dir(home)


def read_root_doc(path: Path) -> dict:
    """The checked document of a root key file (private, regular, well formed)."""
    return parse_root_key_doc(path, _read_private(path))


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
    return root_key_of(path, doc, passphrase)


def root_key_of(path: Path, doc: dict, passphrase: str | None) -> RootKeyFile:
    """The RootKeyFile of a checked document, unsealed when a passphrase is given."""
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
        kek = None
        if passphrase is None:
            doc = plain_doc(key)
        else:
            doc, kek = sealed_doc_and_kek(key, passphrase, rng)
        try:
            _write_new(path, doc)
        except FileExistsError:  # another process created it first: use theirs
            return load_root_key(home, passphrase)
        return RootKeyFile(path, key, None if kek is None else doc, kek)
    return load_root_key(home, passphrase)


def seal_root_key_file(home: Path, passphrase: str, rng: SystemRng) -> None:
    """Re-write a plain root key file in passphrase-sealed form (same key)."""
    path = home / ROOT_KEY_FILE
    rk = load_root_key(home, None)
    if rk.key is None:
        raise DewError("DEW.0004", "the root key is already passphrase-sealed", 400)
    replace_root_doc(path, _seal_doc(rk.key, passphrase, rng), rng)
