"""After a session of crypto calls, no plaintext, data key or key material is in the database
files (dew.db, -wal, -shm) in any encoding, nor in any audit trace's request or response."""
from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sqlmodel import select

from engine import DewError
from engine.models.core import AuditTrace
from engine.models.kms import KeyVersion

DB_FILES = ("dew.db", "dew.db-wal", "dew.db-shm")


def encodings(secret: bytes) -> list[bytes]:
    """Raw, hex (both cases) and base64 at every alignment (standard and URL-safe)."""
    out = [secret, secret.hex().encode(), secret.hex().upper().encode()]
    for shift in range(3):
        enc = base64.b64encode(b"\0" * shift + secret)
        # drop the characters touched by the shift prefix and the final partial group
        inner = enc[(shift * 8 + 5) // 6 + 1: -4 if len(enc) > 8 else None]
        out += [inner, inner.replace(b"+", b"-").replace(b"/", b"_")]
    return [e for e in out if len(e) >= 12]


def found(blob: bytes, secret: bytes) -> list[bytes]:
    return [e for e in encodings(secret) if e in blob]


def material(eng, key_id: str, spec: str) -> bytes:
    with eng.context.db.session(write=False) as s:
        row = s.get(KeyVersion, (key_id, 1))
        return eng.context.hsm.open_material(row.sealed_material, key_id, 1, spec)


def db_bytes(home) -> dict[str, bytes]:
    return {name: (home / name).read_bytes() for name in DB_FILES if (home / name).exists()}


def session(eng) -> tuple[list[bytes], list[str]]:
    """Use every operation with marker secrets; return (secrets, key ids)."""
    kms = eng.kms
    aes = kms.create_key("aes-at-rest").key_id
    hm = kms.create_key("hmac-at-rest", key_spec="HMAC_512").key_id
    ec = kms.create_key("ec-at-rest", key_spec="EC_P256").key_id
    rsa = kms.create_key("rsa-at-rest", key_spec="RSA_2048", key_usage="ENCRYPT_DECRYPT").key_id
    secrets = [b"MARKER-PLAINTEXT-aes-0123456789abcdef", b"MARKER-PLAINTEXT-rsa-0123456789abcdef",
               b"MARKER-DATAKEY-raw-0123456789abcdef!", b"MARKER-MAC-MESSAGE-0123456789abcdef",
               b"MARKER-SIGNED-MESSAGE-0123456789abcd", b"MARKER-REFUSED-PLAINTEXT-0123456789ab"]
    ct = kms.encrypt_data(aes, secrets[0], additional_authenticated_data="ctx").cipher_text
    assert kms.decrypt_data(ct, additional_authenticated_data="ctx").plain_text == secrets[0]
    rct = kms.encrypt_data(rsa, secrets[1], encryption_algorithm="RSAES_OAEP_SHA_256").cipher_text
    assert kms.decrypt_data(rct, key_id=rsa, encryption_algorithm="RSAES_OAEP_SHA_256").plain_text == secrets[1]
    dk = kms.create_datakey(aes)
    secrets.append(dk.plain_text)
    secrets.append(kms.decrypt_datakey(aes, kms.create_datakey_without_plaintext(aes).cipher_text).data_key)
    edk = kms.encrypt_datakey(aes, secrets[2])
    assert kms.decrypt_datakey(aes, edk.cipher_text).data_key == secrets[2]
    mac = kms.generate_mac(hm, secrets[3], "HMAC_SHA_512").mac
    assert kms.verify_mac(hm, secrets[3], "HMAC_SHA_512", mac)
    secrets.append(bytes.fromhex(mac))
    sig = kms.sign(ec, secrets[4], "ECDSA_SHA_256").signature
    assert kms.verify(ec, secrets[4], sig, "ECDSA_SHA_256")
    secrets.append(bytes.fromhex(kms.gen_random(256)))
    # refused calls carrying secrets are audited too
    for fn in (lambda: kms.encrypt_data(hm, secrets[5]),
               lambda: kms.decrypt_data(ct, additional_authenticated_data="wrong"),
               lambda: kms.encrypt_datakey(rsa, secrets[5]),
               lambda: kms.generate_mac(aes, secrets[5], "HMAC_SHA_256")):
        with pytest.raises(DewError):
            fn()
    for kid, spec in ((aes, "AES_256"), (hm, "HMAC_512"), (ec, "EC_P256"), (rsa, "RSA_2048")):
        secrets += material_parts(material(eng, kid, spec))
    return secrets, [aes, hm, ec, rsa]


def material_parts(m: bytes) -> list[bytes]:
    """The material, and for private keys their private numbers (found even if re-encoded)."""
    if len(m) <= 64:
        return [m]
    key = serialization.load_der_private_key(m, password=None)
    nums = key.private_numbers()
    ints = [nums.private_value] if isinstance(key, ec.EllipticCurvePrivateKey) else [nums.d, nums.p, nums.q]
    return [m] + [i.to_bytes((i.bit_length() + 7) // 8, "big") for i in ints]


def test_scanner_finds_what_is_there():
    secret = b"0123456789-abcdefghij-ABCDEFGHIJ"
    for prefix in (b"", b"x", b"xy"):
        assert found(b"..." + base64.b64encode(prefix + secret) + b"...", secret)
        assert found(b"..." + base64.urlsafe_b64encode(prefix + secret) + b"...", secret)
    assert found(b"..." + secret.hex().encode() + b"...", secret)
    assert found(b"..." + secret.hex().upper().encode() + b"...", secret)
    assert not found(b"nothing here", secret)


def test_no_secret_in_database_files(eng, home):
    secrets, key_ids = session(eng)
    open_files = db_bytes(home)
    assert "dew.db" in open_files
    everything = b"".join(open_files.values())
    assert all(k.encode() in everything for k in key_ids)  # the scan reads real content
    for name, blob in open_files.items():
        for secret in secrets:
            assert not found(blob, secret), (name, secret[:8])
    eng.close()
    for name, blob in db_bytes(home).items():
        for secret in secrets:
            assert not found(blob, secret), (name, secret[:8])


def test_no_secret_in_audit_traces(eng):
    secrets, key_ids = session(eng)
    with eng.context.db.session(write=False) as s:
        rows = s.exec(select(AuditTrace)).all()
    names = {r.trace_name for r in rows}
    assert {"encryptData", "decryptData", "createDataKey", "createDataKeyWithoutPlaintext",
            "encryptDatakey", "decryptDatakey", "generateMac", "verifyMac", "sign",
            "validateSignature", "genRandom"} <= names
    assert any(r.trace_rating == "warning" for r in rows)
    for r in rows:
        text = (r.request + r.response + r.message).encode()
        for secret in secrets:
            assert not found(text, secret), (r.trace_name, secret[:8])
        assert b"MARKER" not in text.upper()
