"""Key material generation and loading, per key spec.

Symmetric material is raw bytes from the CSPRNG; asymmetric material is the private key as
DER PKCS#8, the form it is sealed in and imported in.
"""
from __future__ import annotations

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from engine.rand import SystemRng

SYMMETRIC_SIZES = {"AES_256": 32, "HMAC_256": 32, "HMAC_384": 48, "HMAC_512": 64}
RSA_BITS = {"RSA_2048": 2048, "RSA_3072": 3072, "RSA_4096": 4096}
EC_CURVES = {"EC_P256": ec.SECP256R1, "EC_P384": ec.SECP384R1}


def generate_material(spec: str, rng: SystemRng) -> bytes:
    if spec in SYMMETRIC_SIZES:
        return rng.secret_bytes(SYMMETRIC_SIZES[spec])
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    if spec in RSA_BITS:
        key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS[spec])
    elif spec in EC_CURVES:
        key = ec.generate_private_key(EC_CURVES[spec]())
    else:
        raise ValueError(f"unknown key spec {spec}")
    return key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def load_private_key(material: bytes):
    """Load and fully validate untrusted DER PKCS#8 (imported material, for example)."""
    return serialization.load_der_private_key(material, password=None)


def load_trusted_private_key(material: bytes):
    """Load material opened from sealed storage, without re-validating RSA keys.

    Validation costs ~0.8 s for RSA-4096 on every call. Material opened from AES-GCM-sealed
    storage is byte-for-byte what was generated, or validated at import: re-checking it
    adds nothing.
    """
    return serialization.load_der_private_key(material, password=None,
                                              unsafe_skip_rsa_key_validation=True)


def private_key_matches_spec(material: bytes, spec: str) -> bool:
    """True when DER PKCS#8 material is a private key of exactly this spec."""
    try:
        key = load_private_key(material)
    except (ValueError, TypeError):
        return False
    if spec in RSA_BITS:
        return isinstance(key, rsa.RSAPrivateKey) and key.key_size == RSA_BITS[spec]
    if spec in EC_CURVES:
        return isinstance(key, ec.EllipticCurvePrivateKey) and isinstance(key.curve, EC_CURVES[spec])
    return False


def public_key_pem(material: bytes) -> str:
    key = load_trusted_private_key(material)
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()
