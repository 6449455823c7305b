"""Asymmetric keys: sign / verify checked by the system `openssl`, get-publickey, RSA-OAEP.

One engine per module: RSA key generation is the slow part, so every key is made once.
"""
from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from engine import Engine, FrozenClock, SeededRng
from engine.errors import CANNOT_DECRYPT
from engine.kms.specs import EC_SIGNING, RSA_SIGNING
from tests.conftest import T0
from refusals import refused

OPENSSL = shutil.which("openssl")
needs_openssl = pytest.mark.skipif(OPENSSL is None, reason="no openssl binary")
MESSAGE = b"The quick brown fox jumps over the lazy dog\n" * 3
SPECS = ("RSA_2048", "RSA_3072", "RSA_4096", "EC_P256", "EC_P384")


@pytest.fixture(scope="module")
def meng(tmp_path_factory):
    e = Engine.open(home=tmp_path_factory.mktemp("asym"), clock=FrozenClock(T0), rng=SeededRng(7))
    yield e
    e.close()


@pytest.fixture(scope="module")
def keys(meng):
    out = {spec: meng.kms.create_key(f"sign-{spec}", key_spec=spec).key_id for spec in SPECS}
    for spec in ("RSA_2048", "RSA_3072", "RSA_4096"):
        out[f"enc-{spec}"] = meng.kms.create_key(f"enc-{spec}", key_spec=spec,
                                                 key_usage="ENCRYPT_DECRYPT").key_id
    out["AES_256"] = meng.kms.create_key("aes").key_id
    out["HMAC_256"] = meng.kms.create_key("hmac", key_spec="HMAC_256").key_id
    return out


def _hash_name(alg: str) -> str:
    return "sha" + alg.rsplit("_", 1)[1]


def openssl_verify(tmp_path, pem: str, alg: str, message: bytes, signature_b64: str) -> bool:
    (tmp_path / "pub.pem").write_text(pem)
    (tmp_path / "msg.bin").write_bytes(message)
    (tmp_path / "sig.bin").write_bytes(base64.b64decode(signature_b64))
    cmd = [OPENSSL, "dgst", f"-{_hash_name(alg)}", "-verify", str(tmp_path / "pub.pem"),
           "-signature", str(tmp_path / "sig.bin")]
    if alg.startswith("RSASSA_PSS"):
        cmd += ["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:digest"]
    proc = subprocess.run(cmd + [str(tmp_path / "msg.bin")], capture_output=True, text=True)
    return proc.returncode == 0 and "Verified OK" in proc.stdout


COMBOS = [(spec, alg) for spec in SPECS for alg in (RSA_SIGNING if spec.startswith("RSA") else EC_SIGNING)]


@needs_openssl
@pytest.mark.parametrize("message_type", ["RAW", "DIGEST"])
@pytest.mark.parametrize("spec,alg", COMBOS)
def test_signature_verified_by_openssl(meng, keys, tmp_path, spec, alg, message_type):
    kid = keys[spec]
    msg = MESSAGE if message_type == "RAW" else hashlib.new(_hash_name(alg), MESSAGE).digest()
    sig = meng.kms.sign(kid, msg, alg, message_type=message_type)
    assert sig.key_id == kid
    assert meng.kms.verify(kid, msg, sig.signature, alg, message_type=message_type) is True
    pem = meng.kms.get_publickey(kid)
    assert openssl_verify(tmp_path, pem, alg, MESSAGE, sig.signature)
    # and the check can fail: another message does not verify, neither here nor in openssl
    assert not openssl_verify(tmp_path, pem, alg, MESSAGE + b"!", sig.signature)
    other = MESSAGE + b"!" if message_type == "RAW" else hashlib.new(_hash_name(alg), b"x").digest()
    assert meng.kms.verify(kid, other, sig.signature, alg, message_type=message_type) is False


def test_raw_and_digest_signatures_are_interchangeable(meng, keys):
    kid = keys["RSA_2048"]
    sig = meng.kms.sign(kid, MESSAGE, "RSASSA_PKCS1_V1_5_SHA_256").signature  # deterministic scheme
    digest = hashlib.sha256(MESSAGE).digest()
    assert meng.kms.sign(kid, digest, "RSASSA_PKCS1_V1_5_SHA_256", message_type="DIGEST").signature == sig
    assert meng.kms.verify(kid, digest, sig, "RSASSA_PKCS1_V1_5_SHA_256", message_type="DIGEST")


def test_verify_with_other_key_or_tampered_signature(meng, keys):
    sig = meng.kms.sign(keys["EC_P256"], MESSAGE, "ECDSA_SHA_256").signature
    assert meng.kms.verify(keys["EC_P384"], MESSAGE, sig, "ECDSA_SHA_256") is False
    raw = bytearray(base64.b64decode(sig))
    raw[-1] ^= 1
    assert meng.kms.verify(keys["EC_P256"], MESSAGE, base64.b64encode(bytes(raw)).decode(), "ECDSA_SHA_256") is False
    for alg in ("RSASSA_PSS_SHA_256", "RSASSA_PKCS1_V1_5_SHA_256"):  # garbage is invalid, not a fault
        assert meng.kms.verify(keys["RSA_2048"], MESSAGE, "AAAA", alg) is False
        assert meng.kms.verify(keys["RSA_2048"], MESSAGE, "A" * 344, alg) is False
    for bad in ("not base64!", "", None):
        refused("KMS.0308", meng.kms.verify, keys["EC_P256"], MESSAGE, bad, "ECDSA_SHA_256")


@pytest.mark.parametrize("alg,n", [("RSASSA_PSS_SHA_256", 31), ("RSASSA_PSS_SHA_384", 32),
                                   ("RSASSA_PKCS1_V1_5_SHA_512", 48), ("RSASSA_PKCS1_V1_5_SHA_256", 0)])
def test_digest_length_must_match(meng, keys, alg, n):
    err = refused("KMS.0329", meng.kms.sign, keys["RSA_2048"], b"d" * n, alg, message_type="DIGEST")
    assert str(n) in err.message
    refused("KMS.0329", meng.kms.verify, keys["RSA_2048"], b"d" * n, "AAAA", alg, message_type="DIGEST")


def test_ecdsa_digest_length(meng, keys):
    refused("KMS.0329", meng.kms.sign, keys["EC_P256"], b"d" * 48, "ECDSA_SHA_256", message_type="DIGEST")


def test_raw_message_limits(meng, keys):
    assert meng.kms.sign(keys["EC_P256"], b"m" * 4096, "ECDSA_SHA_256").signature
    for n in (0, 4097):
        err = refused("KMS.0308", meng.kms.sign, keys["EC_P256"], b"m" * n, "ECDSA_SHA_256")
        assert str(n) in err.message
    refused("KMS.0308", meng.kms.sign, keys["EC_P256"], "text", "ECDSA_SHA_256")
    refused("KMS.0308", meng.kms.sign, keys["EC_P256"], MESSAGE, "ECDSA_SHA_256", message_type="HEX")


@pytest.mark.parametrize("key,alg", [
    ("RSA_2048", "ECDSA_SHA_256"), ("EC_P256", "RSASSA_PSS_SHA_256"), ("EC_P384", "RSASSA_PKCS1_V1_5_SHA_384"),
    ("enc-RSA_2048", "RSASSA_PSS_SHA_256"), ("AES_256", "RSASSA_PSS_SHA_256"), ("HMAC_256", "ECDSA_SHA_256"),
])
def test_algorithm_must_fit_key(meng, keys, key, alg):
    spec = key.removeprefix("enc-")
    err = refused("KMS.0308", meng.kms.sign, keys[key], MESSAGE, alg)
    assert alg in err.message and spec in err.message
    refused("KMS.0308", meng.kms.verify, keys[key], MESSAGE, "AAAA", alg)


def test_unknown_algorithm(meng, keys):
    err = refused("KMS.0308", meng.kms.sign, keys["RSA_2048"], MESSAGE, "SM2DSA_SM3")
    assert "SM2DSA_SM3" in err.message


@pytest.mark.parametrize("spec", SPECS)
def test_get_publickey_is_pem_of_the_right_kind(meng, keys, spec):
    pem = meng.kms.get_publickey(keys[spec])
    assert pem.startswith("-----BEGIN PUBLIC KEY-----")
    pub = serialization.load_pem_public_key(pem.encode())
    if spec.startswith("RSA"):
        assert isinstance(pub, rsa.RSAPublicKey) and pub.key_size == int(spec[4:])
    else:
        assert isinstance(pub, ec.EllipticCurvePublicKey)
        assert pub.curve.name == {"EC_P256": "secp256r1", "EC_P384": "secp384r1"}[spec]


@pytest.mark.parametrize("key", ["AES_256", "HMAC_256"])
def test_get_publickey_of_symmetric_key_refused(meng, keys, key):
    err = refused("KMS.0308", meng.kms.get_publickey, keys[key])
    assert key in err.message


# --- RSA-OAEP encrypt-data / decrypt-data -------------------------------------------------

LIMITS = {("RSA_2048", "RSAES_OAEP_SHA_256"): 190, ("RSA_2048", "RSAES_OAEP_SHA_1"): 214,
          ("RSA_3072", "RSAES_OAEP_SHA_256"): 318, ("RSA_3072", "RSAES_OAEP_SHA_1"): 342,
          ("RSA_4096", "RSAES_OAEP_SHA_256"): 446, ("RSA_4096", "RSAES_OAEP_SHA_1"): 470}


@pytest.mark.parametrize("spec,alg", list(LIMITS))
def test_rsa_oaep_round_trip_and_size_limit(meng, keys, spec, alg):
    kid, limit = keys[f"enc-{spec}"], LIMITS[(spec, alg)]
    for n in (1, limit):
        ct = meng.kms.encrypt_data(kid, b"p" * n, encryption_algorithm=alg).cipher_text
        assert len(base64.b64decode(ct)) == int(spec[4:]) // 8
        back = meng.kms.decrypt_data(ct, key_id=kid, encryption_algorithm=alg)
        assert back.plain_text == b"p" * n and back.key_id == kid
    err = refused("KMS.0308", meng.kms.encrypt_data, kid, b"p" * (limit + 1), encryption_algorithm=alg)
    assert str(limit) in err.message and spec in err.message


@needs_openssl
def test_rsa_oaep_interoperates_with_openssl(meng, keys, tmp_path):
    kid = keys["enc-RSA_2048"]
    (tmp_path / "pub.pem").write_text(meng.kms.get_publickey(kid))
    (tmp_path / "in.bin").write_bytes(b"from openssl")
    subprocess.run([OPENSSL, "pkeyutl", "-encrypt", "-pubin", "-inkey", str(tmp_path / "pub.pem"),
                    "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha256",
                    "-pkeyopt", "rsa_mgf1_md:sha256", "-in", str(tmp_path / "in.bin"),
                    "-out", str(tmp_path / "out.bin")], check=True, capture_output=True)
    ct = base64.b64encode((tmp_path / "out.bin").read_bytes()).decode()
    assert meng.kms.decrypt_data(ct, key_id=kid, encryption_algorithm="RSAES_OAEP_SHA_256").plain_text == \
        b"from openssl"


def test_rsa_decrypt_refusals(meng, keys):
    kid = keys["enc-RSA_2048"]
    ct = meng.kms.encrypt_data(kid, b"secret", encryption_algorithm="RSAES_OAEP_SHA_256").cipher_text
    refused("KMS.0204", meng.kms.decrypt_data, ct, encryption_algorithm="RSAES_OAEP_SHA_256")
    raw = bytearray(base64.b64decode(ct))
    raw[10] ^= 1
    for bad, key_id, alg in ((base64.b64encode(bytes(raw)).decode(), kid, "RSAES_OAEP_SHA_256"),
                             (ct, keys["enc-RSA_3072"], "RSAES_OAEP_SHA_256"),
                             (ct, kid, "RSAES_OAEP_SHA_1"), ("!!", kid, "RSAES_OAEP_SHA_256"),
                             ("", kid, "RSAES_OAEP_SHA_256")):
        err = refused("KMS.0311", meng.kms.decrypt_data, bad, key_id=key_id, encryption_algorithm=alg)
        assert err.message == CANNOT_DECRYPT


def test_rsa_encryption_algorithm_must_fit(meng, keys):
    err = refused("KMS.0308", meng.kms.encrypt_data, keys["enc-RSA_2048"], b"x")
    assert "SYMMETRIC_DEFAULT" in err.message and "RSA_2048" in err.message
    err = refused("KMS.0308", meng.kms.encrypt_data, keys["RSA_2048"], b"x", encryption_algorithm="RSAES_OAEP_SHA_256")
    assert "SIGN_VERIFY" in err.message and "RSAES_OAEP_SHA_256" in err.message
    refused("KMS.0308", meng.kms.encrypt_data, keys["EC_P256"], b"x", encryption_algorithm="RSAES_OAEP_SHA_256")
    refused("KMS.0208", meng.kms.encrypt_data, keys["enc-RSA_2048"], b"x",
            encryption_algorithm="RSAES_OAEP_SHA_256", additional_authenticated_data="ctx")


def test_trace_names(meng, keys):
    from sqlmodel import select
    from engine.models.core import AuditTrace
    kid = keys["EC_P256"]
    sig = meng.kms.sign(kid, MESSAGE, "ECDSA_SHA_256").signature
    meng.kms.verify(kid, MESSAGE, sig, "ECDSA_SHA_256")
    meng.kms.get_publickey(kid)
    with meng.context.db.session(write=False) as s:
        rows = s.exec(select(AuditTrace).order_by(AuditTrace.seq.desc()).limit(3)).all()
    assert [r.trace_name for r in reversed(rows)] == ["sign", "validateSignature", "getPublicKey"]
    assert all(r.resource_id == kid for r in rows)
    text = "".join(r.request + r.response for r in rows)
    assert "quick brown" not in text and sig not in text
