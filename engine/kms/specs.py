"""Key specs, their usages and the algorithms each (spec, usage) pair may use.

One table (SPEC §2): every check of "does this operation fit this key" reads it.
"""
from __future__ import annotations

from dataclasses import dataclass

ENCRYPT_DECRYPT = "ENCRYPT_DECRYPT"
SIGN_VERIFY = "SIGN_VERIFY"
GENERATE_VERIFY_MAC = "GENERATE_VERIFY_MAC"


@dataclass(frozen=True)
class SpecInfo:
    spec: str
    symmetric: bool
    usages: tuple[str, ...]  # default first
    importable: bool


SPECS: dict[str, SpecInfo] = {
    "AES_256": SpecInfo("AES_256", True, (ENCRYPT_DECRYPT,), True),
    "RSA_2048": SpecInfo("RSA_2048", False, (SIGN_VERIFY, ENCRYPT_DECRYPT), True),
    "RSA_3072": SpecInfo("RSA_3072", False, (SIGN_VERIFY, ENCRYPT_DECRYPT), True),
    "RSA_4096": SpecInfo("RSA_4096", False, (SIGN_VERIFY, ENCRYPT_DECRYPT), True),
    "EC_P256": SpecInfo("EC_P256", False, (SIGN_VERIFY,), True),
    "EC_P384": SpecInfo("EC_P384", False, (SIGN_VERIFY,), True),
    "HMAC_256": SpecInfo("HMAC_256", True, (GENERATE_VERIFY_MAC,), False),
    "HMAC_384": SpecInfo("HMAC_384", True, (GENERATE_VERIFY_MAC,), False),
    "HMAC_512": SpecInfo("HMAC_512", True, (GENERATE_VERIFY_MAC,), False),
}

ALL_USAGES = (ENCRYPT_DECRYPT, SIGN_VERIFY, GENERATE_VERIFY_MAC)

RSA_SIGNING = ("RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512",
               "RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512")
EC_SIGNING = ("ECDSA_SHA_256", "ECDSA_SHA_384", "ECDSA_SHA_512")
RSA_ENCRYPTION = ("RSAES_OAEP_SHA_256", "RSAES_OAEP_SHA_1")
MAC_FOR_SPEC = {"HMAC_256": "HMAC_SHA_256", "HMAC_384": "HMAC_SHA_384", "HMAC_512": "HMAC_SHA_512"}


def is_rsa(spec: str) -> bool:
    return spec.startswith("RSA_")


def is_ec(spec: str) -> bool:
    return spec.startswith("EC_")
