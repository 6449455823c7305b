"""Parameter checks shared by the KMS cryptographic operations.

Every crypto call starts the same way (find the key, name it in the audit trace, decide the
permission, refuse unless Enabled) and validates the same kinds of argument (byte strings
with size limits, encryption context, bit lengths, base64/hex text). Keeping these here
keeps the operations short and the refusal codes consistent. Messages name sizes and
fields, never the values: a value may be a plaintext, a data key or a MAC.
"""
from __future__ import annotations

import base64
import binascii

from engine.errors import DewError
from engine.kms.keyrows import load_key
from engine.kms.states import require_usable
from engine.models.kms import Cmk

AAD_MAX = 128


def usable_key(call, key_id: object, action: str, grant_op: str | None) -> Cmk:
    """load → name the resource → authorize → Enabled only (KMS.0209 / KMS.0210)."""
    call.resource(key_id if isinstance(key_id, str) else "")
    key = load_key(call.s, key_id)
    call.resource(key.key_id, key.key_alias)
    call.authorize(action, key=key, grant_op=grant_op)
    require_usable(key.key_state, key.key_id)
    return key


def authorized_key(call, key: Cmk, action: str, grant_op: str | None) -> Cmk:
    """The same sequence for a key found another way (the key id inside a ciphertext)."""
    call.resource(key.key_id, key.key_alias)
    call.authorize(action, key=key, grant_op=grant_op)
    require_usable(key.key_state, key.key_id)
    return key


def as_bytes(value: object, field: str, code: str = "KMS.0308") -> bytes:
    """bytes as given; str as UTF-8 (the cloud API's plain_text is a string)."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, str):
        return value.encode("utf-8")
    raise DewError(code, f"{field} must be bytes", 400)


def check_size(data: bytes, lo: int, hi: int, field: str, code: str = "KMS.0308") -> bytes:
    if not lo <= len(data) <= hi:
        raise DewError(code, f"{field} must be {lo}-{hi} bytes, got {len(data)}", 400)
    return data


def aad_bytes(aad: object) -> bytes | None:
    """The encryption context as bytes (≤ 128), or None. Empty means none at all."""
    if aad is None:
        return None
    if isinstance(aad, str):
        aad = aad.encode("utf-8")
    if not isinstance(aad, (bytes, bytearray, memoryview)):
        raise DewError("KMS.0208", "additional_authenticated_data must be str or bytes", 400)
    aad = bytes(aad)
    if len(aad) > AAD_MAX:
        raise DewError("KMS.0208", f"additional_authenticated_data must be at most {AAD_MAX} bytes, "
                                   f"got {len(aad)}", 400)
    return aad or None


def int_param(value: object, field: str, code: str) -> int:
    """An integer given as int or as a decimal string (the cloud sends strings)."""
    if isinstance(value, bool):
        raise DewError(code, f"{field} must be an integer", 400)
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise DewError(code, f"{field} must be an integer", 400)


def bits_param(value: object, field: str, lo: int, hi: int, range_code: str, multiple_code: str) -> int:
    n = int_param(value, field, range_code)
    if not lo <= n <= hi:
        raise DewError(range_code, f"{field} must be {lo}-{hi} bits, got {n}", 400)
    if n % 8:
        raise DewError(multiple_code, f"{field} must be a multiple of 8 bits, got {n}", 400)
    return n


def b64_or_none(text: object) -> bytes | None:
    """Strict base64 decoding; None when the text is not base64."""
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("ascii")
        except UnicodeDecodeError:
            return None
    if not isinstance(text, str):
        return None
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None


def hex_or_none(text: object) -> bytes | None:
    if not isinstance(text, str):
        return None
    try:
        return bytes.fromhex(text.strip())
    except ValueError:
        return None


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
