"""Deterministic sample accounts for the UI tests: keys, secrets, and events with their
notifications and audit trail, each on a given engine.

Ids come from SeededRng(7) and times from the FrozenClock (advanced by fixed steps), so every
id, time and trace on screen is the same on every run. The only random thing left would be
public keys, so EC P-256 keys get a fixed private scalar (`fixed_ec_material`): snapshots of
the Public key tab stay byte-for-byte stable. Values are obviously fake.
"""
from __future__ import annotations

from datetime import timedelta

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

import engine.kms.lifecycle as lifecycle
from engine import DewError

FAKE_TEXT = "fake-db-password-1"
FAKE_PAIRS = {"username": "demo-user", "password": "fake-pass-123"}

_real_generate = lifecycle.generate_material


def fixed_ec_material(spec: str, rng) -> bytes:
    """Key material as the engine makes it, except EC_P256: always the same private scalar."""
    if spec == "EC_P256":
        key = ec.derive_private_key(0x5EED_0F_DE11_7E57, ec.SECP256R1())
        return key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption())
    return _real_generate(spec, rng)


def populate_keys(eng) -> dict:
    """A realistic small account: every state, several specs, a project, tags, a default key
    (patch `engine.kms.lifecycle.generate_material` with `fixed_ec_material` first)."""
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


def populate_users(eng) -> None:
    """Two principals besides the admin: bob, and carol of the partner domain."""
    eng.iam.create_user("bob")
    eng.iam.create_user("carol", domain="partner")


def populate_secrets(eng, clock) -> dict:
    """Secrets in every state, two keys, a project, tags, stages and rotation."""
    kms, csms = eng.kms, eng.csms
    kms.create_enterprise_project("finance")
    app_key = kms.create_key("app/secrets", key_description="seals the app's secrets")
    old_key = kms.create_key("old-secrets")
    kms.create_key("signing", key_spec="EC_P256", key_usage="SIGN_VERIFY")  # never offered for secrets
    csms.create_secret("db-password", secret_string=FAKE_TEXT, description="orders database",
                       tags={"env": "prod", "team": "payments"})
    clock.advance(timedelta(hours=1))
    csms.create_secret_version("db-password", secret_string="fake-db-password-2")
    csms.update_secret_stage("db-password", "STAGING", "v1")
    clock.advance(timedelta(hours=1))
    csms.create_secret("api-credentials", secret_string=FAKE_PAIRS, kms_key_id=app_key.key_id,
                       enterprise_project_id="finance", tags={"env": "prod"})
    clock.advance(timedelta(hours=1))
    csms.create_secret("rotating-token", secret_string="fake-token-0", kms_key_id=old_key.key_id,
                       rotation={"rotation_period": "30d", "generator": {"type": "password", "length": 24}})
    kms.disable_key(old_key.key_id)
    clock.advance(timedelta(hours=1))
    csms.create_secret("legacy-cert", secret_string="fake-certificate")
    csms.schedule_secret_deletion("legacy-cert", 14)
    clock.advance(timedelta(hours=1))
    return {"app_key": app_key, "old_key": old_key}


def populate_events(eng, clock) -> dict:
    """Topics, events (one disabled), subscribed secrets, notifications (one read, one
    warning from a version expiry), and a refused call (a warning trace)."""
    ev, csms = eng.events, eng.csms
    ev.create_topic("ops-inbox")
    ev.create_topic("spare-feed", file=True)  # never written: no event of the spare topic fires
    ev.create_secret_event("versions", ["SECRET_VERSION_CREATED", "SECRET_VERSION_EXPIRED", "SECRET_DELETED"],
                           notification="ops-inbox")
    ev.create_secret_event("rotation-watch", ["SECRET_ROTATED", "SECRET_ROTATED_FAILED"],
                           notification="ops-inbox")
    ev.create_secret_event("quiet", ["SECRET_DELETED"], state="DISABLED", notification="spare-feed")
    clock.advance(timedelta(minutes=5))
    csms.create_secret("db-password", secret_string="s3cret-1", event_subscriptions=["versions"])
    csms.create_secret("api-token", secret_string="tok-1", event_subscriptions=["versions"])
    clock.advance(timedelta(minutes=7))
    csms.create_secret_version("db-password", secret_string="s3cret-2",
                               expire_time=clock.now() + timedelta(hours=2))
    clock.advance(timedelta(minutes=3))
    csms.create_secret_version("api-token", secret_string="tok-2")
    clock.advance(timedelta(hours=3))
    eng.run_due()  # db-password v2 expired: one SECRET_VERSION_EXPIRED (warning)
    try:
        ev.delete_secret_event("versions")  # refused: secrets subscribe (a warning trace)
    except DewError:
        pass
    clock.advance(timedelta(minutes=1))
    oldest = ev.list_notification_records(limit=100)[-1]
    ev.mark_read([oldest.record_id])
    return {"read": oldest.record_id}
