"""KMS cryptographic operations: encrypt-data / decrypt-data, MACs, random data.

`KeyCrypto` is the mixin `eng.kms` uses; it also brings in data keys (`datakeys.py`) and
sign / verify / get-publickey (`asymmetric.py`). Every operation runs in one audited call:
load the key → authorize (IAM action, grant operation) → Enabled only → does the
algorithm fit the key's spec and usage → cryptography. Audit request/response dicts carry
only key ids, algorithms and lengths — never plaintext, data keys, messages or MACs.

Decryption failures of any kind (bad base64, tampering, wrong AAD, another key, unknown
version) say only "the ciphertext cannot be decrypted": KMS.0308 for symmetric ciphertext,
KMS.0311 for RSA.
"""
from __future__ import annotations

import hashlib
import hmac

from engine.errors import CANNOT_DECRYPT, DewError
from engine.kms import ciphertext
from engine.kms.asymmetric import (AsymmetricOps, check_rsa_encryption_key, rsa_decrypt,
                                   rsa_encrypt)
from engine.kms.cryptoargs import authorized_key, b64, usable_key
from engine.kms.datakeys import DataKeyOps
from engine.kms.envelope import (decrypt_under, encrypt_under, peek_key_id,
                                 require_symmetric_encryption_key)
from engine.kms.keyrows import load_key_or, open_version
from engine.kms.results import DecryptResult, EncryptResult, MacResult
from engine.kms.rules import (INVALID, INVALID_CONTEXT, MISSING_PARAMETER, RANDOM_LENGTH, RANDOM_MULTIPLE,
                              RSA_CANNOT_DECRYPT, aad_bytes, as_bytes, b64_or_none, bits_param, check_size,
                              hex_or_none)
from engine.kms.specs import GENERATE_VERIFY_MAC, MAC_FOR_SPEC, RSA_ENCRYPTION
from engine.models.kms import Cmk

SYMMETRIC_DEFAULT = "SYMMETRIC_DEFAULT"
PLAIN_MAX = 4096
MAC_HASHES = {"HMAC_SHA_256": hashlib.sha256, "HMAC_SHA_384": hashlib.sha384,
              "HMAC_SHA_512": hashlib.sha512}


def check_encryption(key: Cmk, algorithm: object) -> str:
    """The algorithm, if it fits the key; else KMS.0308 naming the algorithm and the key."""
    if algorithm == SYMMETRIC_DEFAULT:
        if key.key_spec.startswith("RSA_") and key.key_usage == "ENCRYPT_DECRYPT":
            raise DewError(INVALID, f"encryption_algorithm SYMMETRIC_DEFAULT does not fit key "
                                    f"{key.key_id} ({key.key_spec}/{key.key_usage}): use "
                                    f"{' or '.join(RSA_ENCRYPTION)}", 400)
        require_symmetric_encryption_key(key)
        return SYMMETRIC_DEFAULT
    check_rsa_encryption_key(key, algorithm)
    return str(algorithm)


def no_aad_for_rsa(aad: bytes | None, algorithm: str) -> None:
    # RSA-OAEP output carries no context; silently ignoring one would mislead the caller
    if aad:
        raise DewError(INVALID_CONTEXT, f"additional_authenticated_data is not supported with {algorithm}", 400)


def check_mac(key: Cmk, algorithm: object, message: object) -> bytes:
    if key.key_usage != GENERATE_VERIFY_MAC or key.key_spec not in MAC_FOR_SPEC:
        raise DewError(INVALID, f"key {key.key_id} is {key.key_spec}/{key.key_usage}: "
                                "MACs need a GENERATE_VERIFY_MAC (HMAC) key", 400)
    expected = MAC_FOR_SPEC[key.key_spec]
    if algorithm != expected:
        raise DewError(INVALID, f"mac_algorithm {algorithm!r} does not fit key spec "
                                f"{key.key_spec} (use {expected})", 400)
    if not isinstance(message, (bytes, bytearray, memoryview)):
        raise DewError(INVALID, "message must be bytes", 400)
    return check_size(bytes(message), 1, PLAIN_MAX, "message")


class KeyCrypto(DataKeyOps, AsymmetricOps):
    """encrypt_data, decrypt_data, generate_mac, verify_mac, gen_random (+ the two mixins)."""

    def encrypt_data(self, key_id: str, plain_text: bytes, encryption_algorithm: str = SYMMETRIC_DEFAULT,
                     additional_authenticated_data: str | bytes | None = None) -> EncryptResult:
        request = {"key_id": key_id, "encryption_algorithm": encryption_algorithm}
        with self._call("encryptData", "cmk", request=request) as call:
            key = usable_key(call, key_id, "kms:cmk:crypto", "encrypt-data")
            algorithm = check_encryption(key, encryption_algorithm)
            data = check_size(as_bytes(plain_text, "plain_text"), 1, PLAIN_MAX, "plain_text")
            aad = aad_bytes(additional_authenticated_data)
            if algorithm == SYMMETRIC_DEFAULT:
                blob = encrypt_under(call.s, self.ctx.hsm, self.ctx.rng, key, data, aad,
                                     ciphertext.KIND_DATA)
            else:
                no_aad_for_rsa(aad, algorithm)
                _, material = open_version(call.s, self.ctx.hsm, key)
                blob = rsa_encrypt(key, material, algorithm, data)
            call.response = {"key_id": key.key_id}
            return EncryptResult(key.key_id, b64(blob))

    def decrypt_data(self, cipher_text: str, key_id: str | None = None,
                     encryption_algorithm: str = SYMMETRIC_DEFAULT,
                     additional_authenticated_data: str | bytes | None = None) -> DecryptResult:
        """Symmetric ciphertext names its key (key_id, if given, must match); RSA needs key_id."""
        request = {"key_id": key_id, "encryption_algorithm": encryption_algorithm}
        with self._call("decryptData", "cmk", request=request) as call:
            aad = aad_bytes(additional_authenticated_data)
            if encryption_algorithm == SYMMETRIC_DEFAULT:
                key, plain = self._decrypt_symmetric(call, cipher_text, key_id, aad)
            elif encryption_algorithm in RSA_ENCRYPTION:
                key, plain = self._decrypt_rsa(call, cipher_text, key_id, encryption_algorithm, aad)
            else:
                raise DewError(INVALID, f"invalid encryption_algorithm {encryption_algorithm!r}", 400)
            call.response = {"key_id": key.key_id}
            return DecryptResult(key.key_id, plain)

    def _decrypt_symmetric(self, call, cipher_text, key_id, aad) -> tuple[Cmk, bytes]:
        named = None
        if key_id is not None:  # a key the caller names: its own errors (KMS.0207, 0209, ...)
            named = usable_key(call, key_id, "kms:cmk:crypto", "decrypt-data")
            check_encryption(named, SYMMETRIC_DEFAULT)
        blob = b64_or_none(cipher_text)
        if blob is None:
            raise ciphertext.cipher_error()
        kid = peek_key_id(blob, ciphertext.KIND_DATA)
        if named is not None and kid != named.key_id:
            raise ciphertext.cipher_error()
        if named is None:
            # a key id read from the ciphertext: a missing or malformed one is tampering
            found = load_key_or(call.s, kid, ciphertext.cipher_error)
            authorized_key(call, found, "kms:cmk:crypto", "decrypt-data")
        return decrypt_under(call.s, self.ctx.hsm, blob, aad, ciphertext.KIND_DATA, expected_key_id=kid)

    def _decrypt_rsa(self, call, cipher_text, key_id, algorithm, aad) -> tuple[Cmk, bytes]:
        if key_id is None:
            raise DewError(MISSING_PARAMETER, f"key_id is required to decrypt {algorithm} ciphertext", 400)
        key = usable_key(call, key_id, "kms:cmk:crypto", "decrypt-data")
        check_encryption(key, algorithm)
        no_aad_for_rsa(aad, algorithm)
        blob = b64_or_none(cipher_text)
        if not blob:
            raise DewError(RSA_CANNOT_DECRYPT, CANNOT_DECRYPT, 400)
        _, material = open_version(call.s, self.ctx.hsm, key)
        return key, rsa_decrypt(material, algorithm, blob)

    def generate_mac(self, key_id: str, message: bytes, mac_algorithm: str) -> MacResult:
        request = {"key_id": key_id, "mac_algorithm": mac_algorithm}
        with self._call("generateMac", "cmk", request=request) as call:
            key = usable_key(call, key_id, "kms:cmk:crypto", None)
            data = check_mac(key, mac_algorithm, message)
            _, material = open_version(call.s, self.ctx.hsm, key)
            mac = hmac.new(material, data, MAC_HASHES[mac_algorithm]).hexdigest()
            call.response = {"key_id": key.key_id, "mac_algorithm": mac_algorithm}
            return MacResult(key.key_id, mac_algorithm, mac)

    def verify_mac(self, key_id: str, message: bytes, mac_algorithm: str, mac: str) -> bool:
        """True when `mac` (hex) is the key's MAC of message; non-hex mac → KMS.0308."""
        request = {"key_id": key_id, "mac_algorithm": mac_algorithm}
        with self._call("verifyMac", "cmk", request=request) as call:
            key = usable_key(call, key_id, "kms:cmk:crypto", None)
            data = check_mac(key, mac_algorithm, message)
            given = hex_or_none(mac)
            if not given:
                raise DewError(INVALID, "mac must be non-empty hex", 400)
            _, material = open_version(call.s, self.ctx.hsm, key)
            expect = hmac.new(material, data, MAC_HASHES[mac_algorithm]).digest()
            valid = hmac.compare_digest(expect, given)
            call.response = {"key_id": key.key_id, "mac_algorithm": mac_algorithm, "mac_valid": valid}
            return valid

    def gen_random(self, random_data_length: int | str = 512) -> str:
        """Hex of `random_data_length` bits (8–512, a multiple of 8: SPEC §2) from the CSPRNG."""
        with self._call("genRandom", "rng", request={"random_data_length": random_data_length}) as call:
            call.authorize("kms:cmk:generate")
            bits = bits_param(random_data_length, "random_data_length", 8, 512, RANDOM_LENGTH, RANDOM_MULTIPLE)
            call.response = {"random_data_length": bits}
            return self.ctx.rng.secret_bytes(bits // 8).hex()
