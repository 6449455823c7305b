"""Checks the JSON document of a root key file before anything uses it.

A hand-edited, truncated or corrupted `root.key` must give a clear `DEW.0003` naming the
file and what is wrong with it, not a KeyError from deep inside the key loader. Messages
name fields, never their values (the values are key material or its sealed form).
"""
from __future__ import annotations

import base64
import binascii
import json
from pathlib import Path

from engine.errors import DewError

PLAIN_KIND = "plain"
SEALED_KIND = "scrypt-aes256gcm"
KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
MIN_SALT_BYTES = 16
MAX_FILE_BYTES = 64 * 1024
# scrypt cost bounds: what this code writes (2**15, 8, 1) fits well inside; a damaged file
# asking for more would stall or exhaust memory before failing.
MAX_SCRYPT_N, MAX_SCRYPT_R, MAX_SCRYPT_P = 2**20, 32, 16


def damaged(path: Path, what: str) -> DewError:
    return DewError("DEW.0003", f"the root key file {path} is damaged: {what}", 500)


def parse_root_key_doc(path: Path, raw: bytes) -> dict:
    """The checked document of a root key file (plain or sealed), or DEW.0003."""
    if len(raw) > MAX_FILE_BYTES:
        raise damaged(path, "it is far larger than a root key file")
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):
        raise damaged(path, "it is not JSON") from None
    if not isinstance(doc, dict):
        raise damaged(path, "it is not a JSON object")
    version = doc.get("version")
    if version != 1 or isinstance(version, bool):
        raise damaged(path, "missing or unsupported 'version' (expected 1)")
    kind = doc.get("kind")
    if kind == PLAIN_KIND:
        _b64_field(path, doc, "key", exact=KEY_BYTES)
    elif kind == SEALED_KIND:
        _check_sealed(path, doc)
    else:
        raise damaged(path, f"missing or unknown 'kind' (expected {PLAIN_KIND!r} or {SEALED_KIND!r})")
    return doc


def plain_key(doc: dict) -> bytes:
    """The key of a checked plain document."""
    return base64.b64decode(doc["key"], validate=True)


def sealed_parts(doc: dict) -> tuple[bytes, bytes, bytes]:
    """(salt, nonce, ciphertext) of a checked sealed document."""
    salt, nonce, ct = (base64.b64decode(doc[f], validate=True) for f in ("salt", "nonce", "ct"))
    return salt, nonce, ct


def _check_sealed(path: Path, doc: dict) -> None:
    n, r, p = (_int_field(path, doc, f) for f in ("n", "r", "p"))
    if n < 2 or n & (n - 1) or n > MAX_SCRYPT_N:
        raise damaged(path, f"'n' must be a power of two between 2 and {MAX_SCRYPT_N}")
    if not 1 <= r <= MAX_SCRYPT_R:
        raise damaged(path, f"'r' must be between 1 and {MAX_SCRYPT_R}")
    if not 1 <= p <= MAX_SCRYPT_P:
        raise damaged(path, f"'p' must be between 1 and {MAX_SCRYPT_P}")
    _b64_field(path, doc, "salt", minimum=MIN_SALT_BYTES)
    _b64_field(path, doc, "nonce", exact=NONCE_BYTES)
    _b64_field(path, doc, "ct", exact=KEY_BYTES + TAG_BYTES)


def _int_field(path: Path, doc: dict, name: str) -> int:
    value = doc.get(name)
    if not isinstance(value, int) or isinstance(value, bool):
        raise damaged(path, f"'{name}' is missing or not an integer")
    return value


def _b64_field(path: Path, doc: dict, name: str, exact: int | None = None, minimum: int = 0) -> None:
    value = doc.get(name)
    if not isinstance(value, str):
        raise damaged(path, f"'{name}' is missing or not a string")
    try:
        data = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise damaged(path, f"'{name}' is not valid base64") from None
    if exact is not None and len(data) != exact:
        raise damaged(path, f"'{name}' has the wrong length (expected {exact} bytes)")
    if len(data) < minimum:
        raise damaged(path, f"'{name}' is too short (expected at least {minimum} bytes)")
