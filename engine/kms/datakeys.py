"""Data keys (envelope encryption): create with and without plaintext, encrypt and decrypt.

A data key's ciphertext is the self-describing blob of `ciphertext.py` with kind DATAKEY
(so a data-key blob never opens through decrypt-data and vice versa), hex-encoded as in the
cloud API. The plaintext data key exists only in memory and in the returned result: it is
never in a trace, a log or the database.

encrypt-datakey input: `bytes` are the raw data key (1–1024 bytes). A `str` follows the
cloud API's convention: hex( DEK ‖ SHA-256(DEK) ); the 32-byte digest is checked
(KMS.2103 when it does not match) and only the DEK is encrypted.
"""
from __future__ import annotations

import hashlib
import hmac

from engine.errors import CANNOT_DECRYPT, DewError
from engine.kms import ciphertext
from engine.kms.cryptoargs import usable_key
from engine.kms.envelope import decrypt_under, encrypt_under, new_data_key, require_symmetric_encryption_key
from engine.kms.results import DataKey, DataKeyCipher, DecryptedDataKey
from engine.kms.rules import (DATAKEY_CIPHER, DATAKEY_HASH, DATAKEY_LENGTH, DATAKEY_MULTIPLE, DATAKEY_PLAIN,
                              DATAKEY_SPEC, aad_bytes, bits_param, check_size, hex_or_none)
from engine.service import Service

DATAKEY_SPECS = {"AES_256": 256, "AES_128": 128}
DEK_MAX = 1024


def datakey_bits(key_spec: object, datakey_length: object) -> int:
    """Bits of a new data key: datakey_length wins when given, else key_spec, else 256."""
    if key_spec not in (None, "") and key_spec not in DATAKEY_SPECS:
        raise DewError(DATAKEY_SPEC, f"invalid key_spec {key_spec!r}: AES_128 or AES_256", 400)
    if datakey_length not in (None, ""):
        return bits_param(datakey_length, "datakey_length", 8, 8192, DATAKEY_LENGTH, DATAKEY_MULTIPLE)
    return DATAKEY_SPECS[key_spec] if isinstance(key_spec, str) and key_spec else DATAKEY_SPECS["AES_256"]


def dek_from_input(plain_text: object) -> bytes:
    """The raw data key from bytes, or from the cloud's hex(DEK ‖ SHA-256(DEK)) string."""
    if isinstance(plain_text, (bytes, bytearray, memoryview)):
        dek = bytes(plain_text)
    elif isinstance(plain_text, str):
        raw = hex_or_none(plain_text)
        if raw is None or len(raw) <= 32:
            raise DewError(DATAKEY_PLAIN, "plain_text must be hex of the data key followed by its "
                                       "SHA-256 digest", 400)
        dek, digest = raw[:-32], raw[-32:]
        if not hmac.compare_digest(hashlib.sha256(dek).digest(), digest):
            raise DewError(DATAKEY_HASH, "the data key does not match its SHA-256 digest", 400)
    else:
        raise DewError(DATAKEY_PLAIN, "plain_text must be bytes (or hex of DEK and its SHA-256)", 400)
    return check_size(dek, 1, DEK_MAX, "data key", DATAKEY_PLAIN)


class DataKeyOps(Service):
    """create_datakey, create_datakey_without_plaintext, encrypt_datakey, decrypt_datakey."""

    def _new_datakey(self, trace: str, grant_op: str, key_id, key_spec, datakey_length, aad):
        request = {"key_id": key_id, "key_spec": key_spec, "datakey_length": datakey_length}
        with self._call(trace, "cmk", request=request) as call:
            key = usable_key(call, key_id, "kms:dek:crypto", grant_op)
            require_symmetric_encryption_key(key)
            nbytes = datakey_bits(key_spec, datakey_length) // 8
            dek, blob = new_data_key(call.s, self.ctx.hsm, self.ctx.rng, key, nbytes, aad_bytes(aad))
            call.response = {"key_id": key.key_id, "datakey_length": nbytes}
            return key.key_id, dek, blob

    def create_datakey(self, key_id: str, key_spec: str | None = "AES_256",
                       datakey_length: int | str | None = None,
                       additional_authenticated_data: str | bytes | None = None) -> DataKey:
        kid, dek, blob = self._new_datakey("createDataKey", "create-datakey", key_id, key_spec,
                                           datakey_length, additional_authenticated_data)
        return DataKey(kid, dek, blob.hex())

    def create_datakey_without_plaintext(self, key_id: str, key_spec: str | None = "AES_256",
                                         datakey_length: int | str | None = None,
                                         additional_authenticated_data: str | bytes | None = None
                                         ) -> DataKeyCipher:
        kid, dek, blob = self._new_datakey("createDataKeyWithoutPlaintext",
                                           "create-datakey-without-plaintext", key_id, key_spec,
                                           datakey_length, additional_authenticated_data)
        return DataKeyCipher(kid, blob.hex(), len(dek))

    def encrypt_datakey(self, key_id: str, plain_text: bytes | str,
                        additional_authenticated_data: str | bytes | None = None) -> DataKeyCipher:
        with self._call("encryptDatakey", "cmk", request={"key_id": key_id}) as call:
            key = usable_key(call, key_id, "kms:dek:crypto", "encrypt-datakey")
            require_symmetric_encryption_key(key)
            dek = dek_from_input(plain_text)
            blob = encrypt_under(call.s, self.ctx.hsm, self.ctx.rng, key, dek,
                                 aad_bytes(additional_authenticated_data), ciphertext.KIND_DATAKEY)
            call.response = {"key_id": key.key_id, "datakey_length": len(dek)}
            return DataKeyCipher(key.key_id, blob.hex(), len(dek))

    def decrypt_datakey(self, key_id: str, cipher_text: str,
                        additional_authenticated_data: str | bytes | None = None) -> DecryptedDataKey:
        """The data key, or KMS.2201 "cannot be decrypted" (bad hex, tampering, other key, AAD)."""
        with self._call("decryptDatakey", "cmk", request={"key_id": key_id}) as call:
            key = usable_key(call, key_id, "kms:dek:crypto", "decrypt-datakey")
            require_symmetric_encryption_key(key)
            aad = aad_bytes(additional_authenticated_data)
            blob = hex_or_none(cipher_text)
            if blob is None:
                raise DewError(DATAKEY_CIPHER, CANNOT_DECRYPT, 400)
            _, dek = decrypt_under(call.s, self.ctx.hsm, blob, aad, ciphertext.KIND_DATAKEY,
                                   expected_key_id=key.key_id, code=DATAKEY_CIPHER)
            call.response = {"key_id": key.key_id, "datakey_length": len(dek)}
            return DecryptedDataKey(dek, len(dek), hashlib.sha256(dek).hexdigest())
