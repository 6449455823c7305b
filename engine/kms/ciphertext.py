"""The self-describing symmetric ciphertext format (encrypt-data and data keys).

Layout (all integers big-endian), exactly `124 + ceil(n/16)*16` bytes for n plaintext bytes:

    0   2  format        0x02 0x00
    2   1  kind          1 = encrypt-data, 2 = data key (a data-key blob never opens as data)
    3   1  algorithm     1 = AES-256-GCM with a per-message HKDF key
    4   1  pad           zero bytes appended to reach a 16-byte multiple (0..15)
    5   3  reserved      zero
    8  36  key id        ASCII UUID
   44   4  key version   the material version that encrypted
   48  32  salt          per-message HKDF salt
   80  12  nonce
   92  16  commitment    HMAC(commit key, header[0:92])[:16] — key commitment
  108   m  body          AES-GCM ciphertext of plaintext || pad zeros (m = ceil(n/16)*16)
  108+m 16 tag           GCM tag over body, AAD = canonical(header[0:108], caller AAD)

The per-message keys are HKDF-SHA256(material, salt, canonical(label, key id, version)), so a
nonce never repeats under one AES key, and the commitment binds the ciphertext to one key
(GCM alone is not key-committing). Every failure says only "cannot be decrypted".
"""
from __future__ import annotations

import hashlib
import hmac
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from engine.codec import canonical
from engine.errors import CANNOT_DECRYPT, DewError
from engine.kms.rules import INVALID
from engine.rand import SystemRng

FORMAT = b"\x02\x00"
KIND_DATA = 1
KIND_DATAKEY = 2
ALG_AES256_GCM_HKDF = 1
HEADER_LEN = 108
OVERHEAD = HEADER_LEN + 16  # 124
_PREFIX = struct.Struct(">2sBBB3s36sI32s12s")  # 92 bytes, then the 16-byte commitment


def cipher_error(code: str = INVALID) -> DewError:
    return DewError(code, CANNOT_DECRYPT, 400)


@dataclass(frozen=True)
class Header:
    kind: int
    pad: int
    key_id: str
    version: int
    salt: bytes
    nonce: bytes
    commitment: bytes
    raw: bytes  # the 108 header bytes


def ciphertext_length(n: int) -> int:
    return OVERHEAD + -(-n // 16) * 16


def _keys(material: bytes, salt: bytes, key_id: str, version: int) -> tuple[bytes, bytes]:
    okm = HKDF(algorithm=hashes.SHA256(), length=64, salt=salt,
               info=canonical("dewtui ciphertext v2", key_id, version)).derive(material)
    return okm[:32], okm[32:]


def seal(material: bytes, key_id: str, version: int, kind: int, plaintext: bytes,
         aad: bytes | None, rng: SystemRng) -> bytes:
    pad = (-len(plaintext)) % 16
    salt, nonce = rng.secret_bytes(32), rng.secret_bytes(12)
    prefix = _PREFIX.pack(FORMAT, kind, ALG_AES256_GCM_HKDF, pad, b"\0\0\0",
                          key_id.encode("ascii"), version, salt, nonce)
    enc_key, commit_key = _keys(material, salt, key_id, version)
    header = prefix + hmac.new(commit_key, prefix, hashlib.sha256).digest()[:16]
    body = AESGCM(enc_key).encrypt(nonce, plaintext + b"\0" * pad, canonical(header, aad or b""))
    return header + body


def parse(blob: bytes, kind: int, code: str = INVALID) -> Header:
    """Read the header of a blob of the expected kind, or refuse (vaguely)."""
    if len(blob) < OVERHEAD + 16 or (len(blob) - OVERHEAD) % 16:
        raise cipher_error(code)
    fmt, k, alg, pad, _res, kid, version, salt, nonce = _PREFIX.unpack(blob[:92])
    if fmt != FORMAT or k != kind or alg != ALG_AES256_GCM_HKDF or pad > 15:
        raise cipher_error(code)
    try:
        key_id = kid.decode("ascii")
    except UnicodeDecodeError:
        raise cipher_error(code) from None
    return Header(k, pad, key_id, version, salt, nonce, blob[92:HEADER_LEN], blob[:HEADER_LEN])


def open_(material: bytes, header: Header, blob: bytes, aad: bytes | None,
          code: str = INVALID) -> bytes:
    enc_key, commit_key = _keys(material, header.salt, header.key_id, header.version)
    expect = hmac.new(commit_key, header.raw[:92], hashlib.sha256).digest()[:16]
    if not hmac.compare_digest(expect, header.commitment):
        raise cipher_error(code)
    try:
        padded = AESGCM(enc_key).decrypt(header.nonce, blob[HEADER_LEN:], canonical(header.raw, aad or b""))
    except InvalidTag:
        raise cipher_error(code) from None
    if header.pad:
        if padded[-header.pad:] != b"\0" * header.pad:
            raise cipher_error(code)
        return padded[:-header.pad]
    return padded
