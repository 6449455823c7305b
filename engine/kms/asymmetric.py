"""Asymmetric keys: sign / verify (RSA and ECDSA), get-publickey, and RSA-OAEP primitives.

Output is interoperable with OpenSSL: signatures are the standard encodings (RSA PKCS#1 v1.5
or PSS with salt length = digest length, ECDSA DER), so `openssl dgst -sha256 -verify pub.pem
-signature sig [-sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest] msg` accepts
them; RSA-OAEP ciphertext is plain OAEP with MGF1 on the same hash and no label.

Any ECDSA_SHA_* algorithm works with any EC curve (P-256 with SHA-384 is valid ECDSA, the
digest is truncated to the curve order); RSA keys take the six RSASSA algorithms.
A private key is loaded from its sealed material for one operation and never leaves memory.
"""
from __future__ import annotations

import base64
import binascii
from typing import Callable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, utils

from engine.errors import DewError
from engine.hsm.keygen import load_trusted_private_key as load_private_key
from engine.hsm.keygen import public_key_pem  # noqa: F401  (re-exported for the mixin)
from engine.kms.cryptoargs import b64, usable_key
from engine.kms.keyrows import open_version
from engine.kms.results import SignResult
from engine.kms.rules import DIGEST_LENGTH, INVALID, RSA_CANNOT_DECRYPT, check_size
from engine.kms.specs import EC_SIGNING, RSA_ENCRYPTION, RSA_SIGNING, SIGN_VERIFY, SPECS, is_ec, is_rsa
from engine.models.kms import Cmk
from engine.service import Service

_HASHES: dict[str, Callable[[], hashes.HashAlgorithm]] = {
    "SHA_1": hashes.SHA1, "SHA_256": hashes.SHA256, "SHA_384": hashes.SHA384, "SHA_512": hashes.SHA512}
MESSAGE_TYPES = ("RAW", "DIGEST")
MESSAGE_MAX = 4096


def hash_for(algorithm: str) -> hashes.HashAlgorithm:
    """SHA_256 → SHA256() etc., from the algorithm name's suffix."""
    for suffix, h in _HASHES.items():
        if algorithm.endswith(suffix):
            return h()
    raise ValueError(algorithm)


# --- RSA-OAEP (encrypt-data / decrypt-data with RSA ENCRYPT_DECRYPT keys) ---------------------

def _oaep(algorithm: str) -> padding.OAEP:
    h = hash_for(algorithm)
    return padding.OAEP(mgf=padding.MGF1(algorithm=h), algorithm=h, label=None)


def oaep_max_plaintext(key_spec: str, algorithm: str) -> int:
    nbytes = int(key_spec.split("_")[1]) // 8
    return nbytes - 2 * hash_for(algorithm).digest_size - 2


def rsa_encrypt(key: Cmk, material: bytes, algorithm: str, data: bytes) -> bytes:
    limit = oaep_max_plaintext(key.key_spec, algorithm)
    if len(data) > limit:
        raise DewError(INVALID, f"plain_text is {len(data)} bytes: {algorithm} with {key.key_spec} "
                                f"encrypts at most {limit} bytes", 400)
    return load_private_key(material).public_key().encrypt(data, _oaep(algorithm))


def rsa_decrypt(material: bytes, algorithm: str, blob: bytes) -> bytes:
    """Plaintext, or KMS.0311 "cannot be decrypted" for anything wrong (no detail)."""
    try:
        return load_private_key(material).decrypt(blob, _oaep(algorithm))
    except ValueError:
        raise DewError(RSA_CANNOT_DECRYPT, "the ciphertext cannot be decrypted", 400) from None


def check_rsa_encryption_key(key: Cmk, algorithm: object) -> None:
    if algorithm not in RSA_ENCRYPTION:
        raise DewError(INVALID, f"invalid encryption_algorithm {algorithm!r}", 400)
    if not is_rsa(key.key_spec):
        raise DewError(INVALID, f"encryption_algorithm {algorithm} does not fit key {key.key_id} "
                                f"({key.key_spec}/{key.key_usage}): use SYMMETRIC_DEFAULT", 400)
    if key.key_usage != "ENCRYPT_DECRYPT":
        raise DewError(INVALID, f"key {key.key_id} is {key.key_spec}/{key.key_usage}: "
                                f"{algorithm} needs an ENCRYPT_DECRYPT key", 400)


# --- signing ------------------------------------------------------------------------------

def check_signing(key: Cmk, algorithm: object) -> str:
    if algorithm not in RSA_SIGNING + EC_SIGNING:
        raise DewError(INVALID, f"invalid signing_algorithm {algorithm!r}; one of "
                                f"{', '.join(RSA_SIGNING + EC_SIGNING)}", 400)
    if key.key_usage != SIGN_VERIFY:
        raise DewError(INVALID, f"key {key.key_id} is {key.key_spec}/{key.key_usage}: "
                                f"{algorithm} needs a SIGN_VERIFY key", 400)
    fits = (is_rsa(key.key_spec) and algorithm in RSA_SIGNING) or \
           (is_ec(key.key_spec) and algorithm in EC_SIGNING)
    if not fits:
        allowed = RSA_SIGNING if is_rsa(key.key_spec) else EC_SIGNING
        raise DewError(INVALID, f"signing_algorithm {algorithm} does not fit key spec "
                                f"{key.key_spec} (allowed: {', '.join(allowed)})", 400)
    return str(algorithm)


def prepare_message(message: object, message_type: object, algorithm: str):
    """(data, hash-or-Prehashed): RAW 1–4096 bytes; DIGEST exactly the hash's length (KMS.0329)."""
    if message_type not in MESSAGE_TYPES:
        raise DewError(INVALID, f"invalid message_type {message_type!r}; RAW or DIGEST", 400)
    if not isinstance(message, (bytes, bytearray, memoryview)):
        raise DewError(INVALID, "message must be bytes", 400)
    data, h = bytes(message), hash_for(algorithm)
    if message_type == "RAW":
        return check_size(data, 1, MESSAGE_MAX, "message"), h
    if len(data) != h.digest_size:
        raise DewError(DIGEST_LENGTH, f"a {h.name.upper()} digest is {h.digest_size} bytes, "
                                      f"the message is {len(data)}", 400)
    return data, utils.Prehashed(h)


def _rsa_padding(algorithm: str):
    if algorithm.startswith("RSASSA_PSS"):
        h = hash_for(algorithm)
        return padding.PSS(mgf=padding.MGF1(h), salt_length=h.digest_size)
    return padding.PKCS1v15()


def sign_bytes(material: bytes, algorithm: str, data: bytes, algo) -> bytes:
    priv = load_private_key(material)
    if algorithm.startswith("ECDSA"):
        return priv.sign(data, ec.ECDSA(algo))
    return priv.sign(data, _rsa_padding(algorithm), algo)


def verify_bytes(material: bytes, algorithm: str, data: bytes, algo, signature: bytes) -> bool:
    pub = load_private_key(material).public_key()
    try:
        if algorithm.startswith("ECDSA"):
            pub.verify(signature, data, ec.ECDSA(algo))
        else:
            pub.verify(signature, data, _rsa_padding(algorithm), algo)
    except InvalidSignature:
        return False
    return True


class AsymmetricOps(Service):
    """sign, verify, get_publickey (mixed into `eng.kms`)."""

    def sign(self, key_id: str, message: bytes, signing_algorithm: str,
             message_type: str = "RAW") -> SignResult:
        request = {"key_id": key_id, "signing_algorithm": signing_algorithm, "message_type": message_type}
        with self._call("sign", "cmk", request=request) as call:
            key = usable_key(call, key_id, "kms:cmk:crypto", None)
            algorithm = check_signing(key, signing_algorithm)
            data, algo = prepare_message(message, message_type, algorithm)
            _, material = open_version(call.s, self.ctx.hsm, key)
            signature = sign_bytes(material, algorithm, data, algo)
            call.response = {"key_id": key.key_id}
            return SignResult(key.key_id, b64(signature))

    def verify(self, key_id: str, message: bytes, signature: str, signing_algorithm: str,
               message_type: str = "RAW") -> bool:
        """True when the signature is valid; a malformed (non-base64) signature is KMS.0308."""
        request = {"key_id": key_id, "signing_algorithm": signing_algorithm, "message_type": message_type}
        with self._call("validateSignature", "cmk", request=request) as call:
            key = usable_key(call, key_id, "kms:cmk:crypto", None)
            algorithm = check_signing(key, signing_algorithm)
            data, algo = prepare_message(message, message_type, algorithm)
            try:
                sig = base64.b64decode(signature, validate=True) if isinstance(signature, str) else None
            except (binascii.Error, ValueError):
                sig = None
            if not sig:
                raise DewError(INVALID, "signature must be non-empty base64", 400)
            _, material = open_version(call.s, self.ctx.hsm, key)
            valid = verify_bytes(material, algorithm, data, algo, sig)
            call.response = {"key_id": key.key_id, "signature_valid": valid}
            return valid

    def get_publickey(self, key_id: str) -> str:
        """The public key as PEM SubjectPublicKeyInfo (asymmetric keys only)."""
        with self._call("getPublicKey", "cmk", request={"key_id": key_id}) as call:
            key = usable_key(call, key_id, "kms:cmk:get", None)
            if SPECS[key.key_spec].symmetric:
                raise DewError(INVALID, f"key {key.key_id} is {key.key_spec}/{key.key_usage}: "
                                        "only asymmetric keys have a public key", 400)
            _, material = open_version(call.s, self.ctx.hsm, key)
            call.response = {"key_id": key.key_id}
            return public_key_pem(material)
