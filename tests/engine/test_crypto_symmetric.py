"""encrypt-data / decrypt-data with AES_256 keys: format, round trips, tampering, AAD, states."""
from __future__ import annotations

import base64
import math

import pytest
from sqlmodel import select

from engine.errors import CANNOT_DECRYPT
from engine.hsm.keygen import generate_material
from engine.kms.keyrows import add_version
from engine.models.core import AuditTrace
from engine.models.kms import Cmk
from refusals import refused


def set_state(eng, key_id: str, state: str) -> None:
    """Disable / schedule deletion through the API when it exists, else on the row."""
    if state == "3" and hasattr(eng.kms, "disable_key"):
        eng.kms.disable_key(key_id)
    elif state == "4" and hasattr(eng.kms, "schedule_key_deletion"):
        eng.kms.schedule_key_deletion(key_id, pending_days=7)
    else:
        with eng.context.db.session() as s:
            row = s.get(Cmk, key_id)
            row.key_state = state
            s.add(row)
    assert eng.kms.describe_key(key_id).key_state.value == state


def last_trace(eng) -> AuditTrace:
    with eng.context.db.session(write=False) as s:
        return s.exec(select(AuditTrace).order_by(AuditTrace.seq.desc())).first()


@pytest.fixture
def key(eng):
    return eng.kms.create_key("data-key")


@pytest.mark.parametrize("n", [1, 4, 15, 16, 17, 4095, 4096])
def test_ciphertext_length_and_round_trip(eng, key, n):
    plain = bytes((i * 7 + 3) % 256 for i in range(n))
    ct = eng.kms.encrypt_data(key.key_id, plain).cipher_text
    assert len(base64.b64decode(ct)) == 124 + math.ceil(n / 16) * 16
    back = eng.kms.decrypt_data(ct)
    assert back.plain_text == plain and back.key_id == key.key_id
    assert eng.kms.decrypt_data(ct, key_id=key.key_id).plain_text == plain


def test_four_bytes_give_188_base64_characters(eng, key):
    ct = eng.kms.encrypt_data(key.key_id, b"abcd").cipher_text
    assert len(ct) == 188


def test_text_plaintext_is_utf8_and_ciphertexts_differ(eng, key):
    a = eng.kms.encrypt_data(key.key_id, "héllo").cipher_text
    b = eng.kms.encrypt_data(key.key_id, "héllo").cipher_text
    assert a != b
    assert eng.kms.decrypt_data(a).plain_text == "héllo".encode()


@pytest.mark.parametrize("n", [0, 4097])
def test_plaintext_size_refused(eng, key, n):
    err = refused("KMS.0308", eng.kms.encrypt_data, key.key_id, b"x" * n)
    assert str(n) in err.message and "1-4096" in err.message


def test_flipping_any_byte_is_refused(eng, key):
    ct = base64.b64decode(eng.kms.encrypt_data(key.key_id, b"k").cipher_text)
    assert len(ct) == 140
    for pos in range(len(ct)):
        for mask in (0x01, 0x80):
            bad = bytearray(ct)
            bad[pos] ^= mask
            err = refused("KMS.0308", eng.kms.decrypt_data, base64.b64encode(bytes(bad)).decode())
            assert err.message == CANNOT_DECRYPT, (pos, mask)


@pytest.mark.parametrize("mangle", [
    lambda c: c[:-16], lambda c: c + b"\0" * 16, lambda c: c[:100], lambda c: b"",
    lambda c: c[:-1],
])
def test_truncated_or_extended_refused(eng, key, mangle):
    ct = base64.b64decode(eng.kms.encrypt_data(key.key_id, b"0123456789").cipher_text)
    err = refused("KMS.0308", eng.kms.decrypt_data, base64.b64encode(mangle(ct)).decode())
    assert err.message == CANNOT_DECRYPT


@pytest.mark.parametrize("text", ["not base64!!", "AAAA====", "", 12345, None])
def test_bad_base64_refused(eng, key, text):
    assert refused("KMS.0308", eng.kms.decrypt_data, text).message == CANNOT_DECRYPT


def test_aad_must_match(eng, key):
    ct = eng.kms.encrypt_data(key.key_id, b"secret", additional_authenticated_data="ctx-1").cipher_text
    assert eng.kms.decrypt_data(ct, additional_authenticated_data=b"ctx-1").plain_text == b"secret"
    for wrong in ("ctx-2", None, "", "CTX-1"):
        err = refused("KMS.0308", eng.kms.decrypt_data, ct, additional_authenticated_data=wrong)
        assert err.message == CANNOT_DECRYPT
    plain_ct = eng.kms.encrypt_data(key.key_id, b"secret").cipher_text
    refused("KMS.0308", eng.kms.decrypt_data, plain_ct, additional_authenticated_data="ctx-1")
    # an empty context is no context
    assert eng.kms.decrypt_data(plain_ct, additional_authenticated_data="").plain_text == b"secret"


def test_aad_size_limit(eng, key):
    ct = eng.kms.encrypt_data(key.key_id, b"x", additional_authenticated_data=b"a" * 128).cipher_text
    assert eng.kms.decrypt_data(ct, additional_authenticated_data=b"a" * 128).plain_text == b"x"
    err = refused("KMS.0208", eng.kms.encrypt_data, key.key_id, b"x", additional_authenticated_data="a" * 129)
    assert "129" in err.message
    refused("KMS.0208", eng.kms.decrypt_data, ct, additional_authenticated_data="a" * 129)
    refused("KMS.0208", eng.kms.encrypt_data, key.key_id, b"x", additional_authenticated_data=42)


def test_wrong_key_refused(eng, key):
    other = eng.kms.create_key("other")
    ct = eng.kms.encrypt_data(key.key_id, b"secret").cipher_text
    assert refused("KMS.0308", eng.kms.decrypt_data, ct, key_id=other.key_id).message == CANNOT_DECRYPT


def test_named_key_that_does_not_exist(eng, key):
    ct = eng.kms.encrypt_data(key.key_id, b"secret").cipher_text
    refused("KMS.0207", eng.kms.decrypt_data, ct, key_id="00000000-0000-4000-8000-000000000000")
    refused("KMS.0205", eng.kms.decrypt_data, ct, key_id="nope")
    refused("KMS.0207", eng.kms.encrypt_data, "00000000-0000-4000-8000-000000000000", b"x")


def test_deleted_key_ciphertext_cannot_be_decrypted(eng, key):
    ct = eng.kms.encrypt_data(key.key_id, b"secret").cipher_text
    with eng.context.db.session() as s:
        s.delete(s.get(Cmk, key.key_id))
    assert refused("KMS.0308", eng.kms.decrypt_data, ct).message == CANNOT_DECRYPT


def test_datakey_blob_is_not_data_ciphertext(eng, key):
    dk = eng.kms.create_datakey(key.key_id)
    ct = base64.b64encode(bytes.fromhex(dk.cipher_text)).decode()
    assert refused("KMS.0308", eng.kms.decrypt_data, ct).message == CANNOT_DECRYPT


def test_newest_version_encrypts_and_old_versions_still_decrypt(eng, key):
    old = eng.kms.encrypt_data(key.key_id, b"before").cipher_text
    with eng.context.db.session() as s:
        row = s.get(Cmk, key.key_id)
        add_version(s, eng.context.hsm, row, generate_material("AES_256", eng.context.rng), eng.context.clock.now())
    new = eng.kms.encrypt_data(key.key_id, b"after").cipher_text
    assert int.from_bytes(base64.b64decode(new)[44:48], "big") == 2
    assert int.from_bytes(base64.b64decode(old)[44:48], "big") == 1
    assert eng.kms.decrypt_data(old).plain_text == b"before"
    assert eng.kms.decrypt_data(new).plain_text == b"after"


@pytest.mark.parametrize("spec,usage", [("HMAC_256", None), ("EC_P256", None), ("RSA_2048", "SIGN_VERIFY")])
def test_symmetric_default_on_other_keys_names_both(eng, spec, usage):
    k = eng.kms.create_key("k", key_spec=spec, key_usage=usage)
    err = refused("KMS.0308", eng.kms.encrypt_data, k.key_id, b"x")
    assert spec in err.message and k.key_usage in err.message


def test_oaep_on_aes_key_names_both(eng, key):
    err = refused("KMS.0308", eng.kms.encrypt_data, key.key_id, b"x", encryption_algorithm="RSAES_OAEP_SHA_256")
    assert "RSAES_OAEP_SHA_256" in err.message and "AES_256" in err.message
    ct = eng.kms.encrypt_data(key.key_id, b"x").cipher_text
    err = refused("KMS.0308", eng.kms.decrypt_data, ct, key_id=key.key_id, encryption_algorithm="RSAES_OAEP_SHA_1")
    assert "AES_256" in err.message
    refused("KMS.0308", eng.kms.encrypt_data, key.key_id, b"x", encryption_algorithm="AES_GCM")
    refused("KMS.0308", eng.kms.decrypt_data, ct, encryption_algorithm="AES_GCM")


def _ops(eng, aes, hmac_key, ec_key, ct, dk):
    return {
        "encrypt_data": lambda: eng.kms.encrypt_data(aes, b"x"),
        "decrypt_data": lambda: eng.kms.decrypt_data(ct),
        "decrypt_data_named": lambda: eng.kms.decrypt_data(ct, key_id=aes),
        "create_datakey": lambda: eng.kms.create_datakey(aes),
        "create_datakey_without_plaintext": lambda: eng.kms.create_datakey_without_plaintext(aes),
        "encrypt_datakey": lambda: eng.kms.encrypt_datakey(aes, b"k" * 32),
        "decrypt_datakey": lambda: eng.kms.decrypt_datakey(aes, dk),
        "generate_mac": lambda: eng.kms.generate_mac(hmac_key, b"m", "HMAC_SHA_256"),
        "verify_mac": lambda: eng.kms.verify_mac(hmac_key, b"m", "HMAC_SHA_256", "00" * 32),
        "sign": lambda: eng.kms.sign(ec_key, b"m", "ECDSA_SHA_256"),
        "verify": lambda: eng.kms.verify(ec_key, b"m", "AAAA", "ECDSA_SHA_256"),
        "get_publickey": lambda: eng.kms.get_publickey(ec_key),
    }


OPS = ["encrypt_data", "decrypt_data", "decrypt_data_named", "create_datakey",
       "create_datakey_without_plaintext", "encrypt_datakey", "decrypt_datakey", "generate_mac",
       "verify_mac", "sign", "verify", "get_publickey"]


@pytest.mark.parametrize("state,code", [("3", "KMS.0209"), ("4", "KMS.0210")])
@pytest.mark.parametrize("op", OPS)
def test_only_enabled_keys_work(eng, op, state, code):
    aes = eng.kms.create_key("aes").key_id
    hm = eng.kms.create_key("hm", key_spec="HMAC_256").key_id
    ec = eng.kms.create_key("ec", key_spec="EC_P256").key_id
    ct = eng.kms.encrypt_data(aes, b"x").cipher_text
    dk = eng.kms.create_datakey(aes).cipher_text
    ops = _ops(eng, aes, hm, ec, ct, dk)
    ops[op]()  # works while Enabled
    for k in (aes, hm, ec):
        set_state(eng, k, state)
    refused(code, ops[op])
    assert last_trace(eng).code == code and last_trace(eng).trace_rating == "warning"


def test_other_users_are_refused(eng, key):
    ct = eng.kms.encrypt_data(key.key_id, b"x").cipher_text
    eng.iam.create_user("bob")
    bob = eng.as_user("bob")
    refused("KMS.0306", bob.kms.encrypt_data, key.key_id, b"x")
    refused("KMS.0306", bob.kms.decrypt_data, ct)
    refused("KMS.0306", bob.kms.gen_random)


def test_traces_name_the_key_and_carry_no_plaintext(eng, key):
    ct = eng.kms.encrypt_data(key.key_id, b"MARKER-PLAINTEXT-1").cipher_text
    t = last_trace(eng)
    assert (t.trace_name, t.resource_type, t.resource_id, t.resource_name) == \
        ("encryptData", "cmk", key.key_id, "data-key")
    eng.kms.decrypt_data(ct)
    t = last_trace(eng)
    assert t.trace_name == "decryptData" and t.resource_id == key.key_id
    assert "MARKER" not in t.request + t.response
    assert base64.b64encode(b"MARKER-PLAINTEXT-1").decode() not in t.request + t.response
