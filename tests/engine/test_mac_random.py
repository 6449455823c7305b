"""generate-mac / verify-mac against Python's hmac, and gen-random."""
from __future__ import annotations

import hashlib
import hmac

import pytest
from sqlmodel import select

from engine.models.core import AuditTrace
from engine.models.kms import KeyVersion
from refusals import refused

HASH = {"HMAC_256": ("HMAC_SHA_256", hashlib.sha256), "HMAC_384": ("HMAC_SHA_384", hashlib.sha384),
        "HMAC_512": ("HMAC_SHA_512", hashlib.sha512)}


def material(eng, key) -> bytes:
    """The key's material, opened the way the engine does (test-only access)."""
    with eng.context.db.session(write=False) as s:
        row = s.get(KeyVersion, (key.key_id, 1))
        return eng.context.hsm.open_material(row.sealed_material, key.key_id, 1, key.key_spec)


def last_trace(eng) -> AuditTrace:
    with eng.context.db.session(write=False) as s:
        return s.exec(select(AuditTrace).order_by(AuditTrace.seq.desc())).first()


@pytest.mark.parametrize("spec", list(HASH))
@pytest.mark.parametrize("n", [1, 100, 4096])
def test_mac_matches_python_hmac(eng, spec, n):
    key = eng.kms.create_key("mac", key_spec=spec)
    alg, h = HASH[spec]
    msg = bytes(i % 251 for i in range(n))
    res = eng.kms.generate_mac(key.key_id, msg, alg)
    assert (res.key_id, res.mac_algorithm) == (key.key_id, alg)
    assert res.mac == hmac.new(material(eng, key), msg, h).hexdigest()
    assert eng.kms.verify_mac(key.key_id, msg, alg, res.mac) is True
    assert eng.kms.verify_mac(key.key_id, msg, alg, res.mac.upper()) is True
    assert eng.kms.verify_mac(key.key_id, msg[:-1] + b"!", alg, res.mac) is False
    flipped = ("0" if res.mac[0] != "0" else "1") + res.mac[1:]
    assert eng.kms.verify_mac(key.key_id, msg, alg, flipped) is False
    assert eng.kms.verify_mac(key.key_id, msg, alg, res.mac[:-2]) is False


def test_mac_of_another_key_does_not_verify(eng):
    a, b = eng.kms.create_key("a", key_spec="HMAC_256"), eng.kms.create_key("b", key_spec="HMAC_256")
    mac = eng.kms.generate_mac(a.key_id, b"m", "HMAC_SHA_256").mac
    assert eng.kms.verify_mac(b.key_id, b"m", "HMAC_SHA_256", mac) is False


@pytest.mark.parametrize("spec,alg", [("HMAC_256", "HMAC_SHA_384"), ("HMAC_384", "HMAC_SHA_256"),
                                      ("HMAC_512", "HMAC_SHA_256"), ("HMAC_256", "HMAC_SM3")])
def test_algorithm_must_fit_key_size(eng, spec, alg):
    key = eng.kms.create_key("mac", key_spec=spec)
    err = refused("KMS.0308", eng.kms.generate_mac, key.key_id, b"m", alg)
    assert alg in err.message and spec in err.message and HASH[spec][0] in err.message
    refused("KMS.0308", eng.kms.verify_mac, key.key_id, b"m", alg, "00" * 32)


@pytest.mark.parametrize("spec,usage", [("AES_256", None), ("RSA_2048", None), ("EC_P256", None)])
def test_mac_needs_an_hmac_key(eng, spec, usage):
    key = eng.kms.create_key("k", key_spec=spec, key_usage=usage)
    err = refused("KMS.0308", eng.kms.generate_mac, key.key_id, b"m", "HMAC_SHA_256")
    assert spec in err.message and "GENERATE_VERIFY_MAC" in err.message


@pytest.mark.parametrize("message", [b"", b"m" * 4097, "text", None])
def test_mac_message_limits(eng, message):
    key = eng.kms.create_key("mac", key_spec="HMAC_256")
    refused("KMS.0308", eng.kms.generate_mac, key.key_id, message, "HMAC_SHA_256")
    refused("KMS.0308", eng.kms.verify_mac, key.key_id, message, "HMAC_SHA_256", "00" * 32)


@pytest.mark.parametrize("mac", ["zz", "", None, "abc"])
def test_verify_mac_needs_hex(eng, mac):
    key = eng.kms.create_key("mac", key_spec="HMAC_256")
    refused("KMS.0308", eng.kms.verify_mac, key.key_id, b"m", "HMAC_SHA_256", mac)


def test_mac_traces_carry_no_message_or_mac(eng):
    key = eng.kms.create_key("mac", key_spec="HMAC_256")
    mac = eng.kms.generate_mac(key.key_id, b"MARKER-MESSAGE", "HMAC_SHA_256").mac
    t = last_trace(eng)
    assert (t.trace_name, t.resource_id) == ("generateMac", key.key_id)
    assert mac not in t.response and "MARKER" not in t.request + t.response
    eng.kms.verify_mac(key.key_id, b"MARKER-MESSAGE", "HMAC_SHA_256", mac)
    t = last_trace(eng)
    assert t.trace_name == "verifyMac" and mac not in t.request + t.response


@pytest.mark.parametrize("bits", [8, 256, 504, 512, "128"])
def test_gen_random_lengths(eng, bits):
    out = eng.kms.gen_random(bits)
    assert len(out) == int(bits) // 4 and bytes.fromhex(out)


def test_gen_random_default_is_512_bits_and_fresh(eng):
    a, b = eng.kms.gen_random(), eng.kms.gen_random()
    assert len(a) == 128 and a != b
    t = last_trace(eng)
    assert (t.trace_name, t.resource_type, t.code) == ("genRandom", "rng", "200")
    assert b not in t.request + t.response


@pytest.mark.parametrize("bits,code", [(0, "KMS.1801"), (520, "KMS.1801"), (8192, "KMS.1801"), (-8, "KMS.1801"),
                                       ("x", "KMS.1801"), (None, "KMS.1801"), (12, "KMS.1802"),
                                       ("100", "KMS.1802")])
def test_gen_random_refusals(eng, bits, code):
    refused(code, eng.kms.gen_random, bits)
    assert last_trace(eng).code == code
