"""Data keys: create (with / without plaintext), encrypt-datakey, decrypt-datakey."""
from __future__ import annotations

import base64
import hashlib
import math

import pytest
from sqlmodel import select

from engine.errors import CANNOT_DECRYPT
from engine.models.core import AuditTrace
from refusals import refused


def blob_len(n: int) -> int:
    return 124 + math.ceil(n / 16) * 16


@pytest.fixture
def key(eng):
    return eng.kms.create_key("dek-master")


@pytest.mark.parametrize("kwargs,nbytes", [
    ({}, 32), ({"key_spec": "AES_256"}, 32), ({"key_spec": "AES_128"}, 16), ({"key_spec": None}, 32),
    ({"datakey_length": 8}, 1), ({"datakey_length": "264"}, 33), ({"datakey_length": 8192}, 1024),
    ({"key_spec": "AES_128", "datakey_length": 512}, 64),  # datakey_length wins
])
def test_create_datakey_sizes_and_round_trip(eng, key, kwargs, nbytes):
    dk = eng.kms.create_datakey(key.key_id, **kwargs)
    assert dk.key_id == key.key_id and len(dk.plain_text) == nbytes
    assert len(bytes.fromhex(dk.cipher_text)) == blob_len(nbytes)
    back = eng.kms.decrypt_datakey(key.key_id, dk.cipher_text)
    assert back.data_key == dk.plain_text and back.datakey_length == nbytes
    assert back.datakey_dgst == hashlib.sha256(dk.plain_text).hexdigest()


def test_data_keys_are_fresh(eng, key):
    a, b = eng.kms.create_datakey(key.key_id), eng.kms.create_datakey(key.key_id)
    assert a.plain_text != b.plain_text and a.cipher_text != b.cipher_text


def test_create_without_plaintext(eng, key):
    dk = eng.kms.create_datakey_without_plaintext(key.key_id, key_spec="AES_128")
    assert not hasattr(dk, "plain_text") and dk.datakey_length == 16
    assert len(eng.kms.decrypt_datakey(key.key_id, dk.cipher_text).data_key) == 16


@pytest.mark.parametrize("kwargs,code", [
    ({"datakey_length": 0}, "KMS.1901"), ({"datakey_length": 8200}, "KMS.1901"),
    ({"datakey_length": "abc"}, "KMS.1901"), ({"datakey_length": True}, "KMS.1901"),
    ({"datakey_length": 12}, "KMS.1903"), ({"datakey_length": "260"}, "KMS.1903"),
    ({"key_spec": "AES_512"}, "KMS.1902"), ({"key_spec": "HMAC_256"}, "KMS.1902"),
])
def test_create_datakey_refusals(eng, key, kwargs, code):
    refused(code, eng.kms.create_datakey, key.key_id, **kwargs)
    refused(code, eng.kms.create_datakey_without_plaintext, key.key_id, **kwargs)


@pytest.mark.parametrize("n", [1, 16, 32, 1024])
def test_encrypt_datakey_raw_bytes(eng, key, n):
    dek = bytes(range(256)) * 4
    dek = dek[:n]
    c = eng.kms.encrypt_datakey(key.key_id, dek)
    assert c.datakey_length == n and len(bytes.fromhex(c.cipher_text)) == blob_len(n)
    back = eng.kms.decrypt_datakey(key.key_id, c.cipher_text)
    assert back.data_key == dek and back.datakey_dgst == hashlib.sha256(dek).hexdigest()


def test_encrypt_datakey_cloud_hex_convention(eng, key):
    dek = b"\x11" * 64
    c = eng.kms.encrypt_datakey(key.key_id, (dek + hashlib.sha256(dek).digest()).hex().upper())
    assert c.datakey_length == 64
    assert eng.kms.decrypt_datakey(key.key_id, c.cipher_text).data_key == dek
    refused("KMS.2103", eng.kms.encrypt_datakey, key.key_id, (dek + b"\0" * 32).hex())
    refused("KMS.2101", eng.kms.encrypt_datakey, key.key_id, "zz" * 40)
    refused("KMS.2101", eng.kms.encrypt_datakey, key.key_id, hashlib.sha256(b"").hexdigest())


@pytest.mark.parametrize("value", [b"", b"x" * 1025, 42, None])
def test_encrypt_datakey_size_refused(eng, key, value):
    refused("KMS.2101", eng.kms.encrypt_datakey, key.key_id, value)


def test_aad_binds_the_data_key(eng, key):
    dk = eng.kms.create_datakey(key.key_id, additional_authenticated_data="bucket=a")
    got = eng.kms.decrypt_datakey(key.key_id, dk.cipher_text, additional_authenticated_data="bucket=a")
    assert got.data_key == dk.plain_text
    for wrong in ("bucket=b", None):
        err = refused("KMS.2201", eng.kms.decrypt_datakey, key.key_id, dk.cipher_text,
                      additional_authenticated_data=wrong)
        assert err.message == CANNOT_DECRYPT
    refused("KMS.0208", eng.kms.create_datakey, key.key_id, additional_authenticated_data="a" * 129)
    c = eng.kms.encrypt_datakey(key.key_id, b"k" * 32, additional_authenticated_data=b"ctx")
    refused("KMS.2201", eng.kms.decrypt_datakey, key.key_id, c.cipher_text)


def test_flipping_any_byte_is_refused(eng, key):
    blob = bytes.fromhex(eng.kms.encrypt_datakey(key.key_id, b"\x42").cipher_text)
    assert len(blob) == 140
    for pos in range(len(blob)):
        bad = bytearray(blob)
        bad[pos] ^= 0x01
        err = refused("KMS.2201", eng.kms.decrypt_datakey, key.key_id, bytes(bad).hex())
        assert err.message == CANNOT_DECRYPT, pos


@pytest.mark.parametrize("text", ["xyz", "0", "", "00" * 10, None])
def test_invalid_hex_or_blob_refused(eng, key, text):
    assert refused("KMS.2201", eng.kms.decrypt_datakey, key.key_id, text).message == CANNOT_DECRYPT


def test_blob_of_another_key_refused(eng, key):
    other = eng.kms.create_key("other")
    dk = eng.kms.create_datakey(other.key_id)
    assert refused("KMS.2201", eng.kms.decrypt_datakey, key.key_id, dk.cipher_text).message == CANNOT_DECRYPT


def test_data_ciphertext_is_not_a_data_key(eng, key):
    ct = eng.kms.encrypt_data(key.key_id, b"k" * 32).cipher_text
    refused("KMS.2201", eng.kms.decrypt_datakey, key.key_id, base64.b64decode(ct).hex())


@pytest.mark.parametrize("spec,usage", [("RSA_2048", "ENCRYPT_DECRYPT"), ("HMAC_256", None), ("EC_P256", None)])
def test_data_keys_need_an_aes_key(eng, spec, usage):
    k = eng.kms.create_key("k", key_spec=spec, key_usage=usage)
    for fn, args in ((eng.kms.create_datakey, ()), (eng.kms.create_datakey_without_plaintext, ()),
                     (eng.kms.encrypt_datakey, (b"k" * 32,)), (eng.kms.decrypt_datakey, ("00" * 156,))):
        err = refused("KMS.0308", fn, k.key_id, *args)
        assert spec in err.message and "AES_256" in err.message


def test_trace_names_and_no_data_key_in_traces(eng, key):
    dk = eng.kms.create_datakey(key.key_id)
    c = eng.kms.create_datakey_without_plaintext(key.key_id)
    e = eng.kms.encrypt_datakey(key.key_id, dk.plain_text)
    eng.kms.decrypt_datakey(key.key_id, c.cipher_text)
    eng.kms.decrypt_datakey(key.key_id, e.cipher_text)
    with eng.context.db.session(write=False) as s:
        rows = s.exec(select(AuditTrace).order_by(AuditTrace.seq)).all()
    names = [r.trace_name for r in rows[-5:]]
    assert names == ["createDataKey", "createDataKeyWithoutPlaintext", "encryptDatakey",
                     "decryptDatakey", "decryptDatakey"]
    assert all(r.resource_id == key.key_id and r.resource_type == "cmk" for r in rows[-5:])
    text = "".join(r.request + r.response + r.message for r in rows).lower()
    assert dk.plain_text.hex() not in text
    assert base64.b64encode(dk.plain_text).decode().lower() not in text
