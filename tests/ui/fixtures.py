"""Deterministic data for UI tests: a populated engine on a tmp dir, fixed EC material.

Ids come from SeededRng(7) and times from FrozenClock(T0); the only random thing left in
what the screens show would be public keys, so EC keys created here get a fixed private
scalar (snapshots of the Public key tab then stay byte-for-byte stable).
"""
from __future__ import annotations

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

import engine.kms.lifecycle as lifecycle

_real_generate = lifecycle.generate_material


def fixed_ec_material(spec: str, rng) -> bytes:
    if spec == "EC_P256":
        key = ec.derive_private_key(0x5EED_0F_DE11_7E57, ec.SECP256R1())
        return key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption())
    return _real_generate(spec, rng)


def populate(eng) -> dict:
    """A realistic small account: every state, several specs, a project, tags, a default key."""
    kms = eng.kms
    kms.create_enterprise_project("finance")
    keys = {
        "orders": kms.create_key("app/orders", key_description="order records at rest",
                                 tags={"env": "prod", "team": "payments"}),
        "signer": kms.create_key("billing-signer", key_spec="EC_P256"),
        "ledger": kms.create_key("ledger", enterprise_project_id="finance"),
        "legacy": kms.create_key("legacy-key"),
        "archive": kms.create_key("old-archive"),
        "import": kms.create_key("byok-import", origin="external"),
        "mac": kms.create_key("webhook-mac", key_spec="HMAC_256"),
    }
    kms.disable_key(keys["legacy"].key_id)
    kms.schedule_key_deletion(keys["archive"].key_id, 30)
    keys["default"] = kms.get_default_key("obs")
    return {name: kms.describe_key(k.key_id) for name, k in keys.items()}
