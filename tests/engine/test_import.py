"""Bring your own key: import parameters, openssl-wrapped material, every refusal, expiry."""
from __future__ import annotations

import base64
import os
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding
from cryptography.hazmat.primitives.keywrap import aes_key_wrap_with_padding
from sqlmodel import select

from engine import DewError, KeyState
from engine.models.core import AuditTrace
from engine.models.imports import ImportParams
from engine.models.kms import KeyVersion
from refusals import code_of


# --- helpers: the guide's openssl commands -----------------------------------------------
def openssl(cwd: Path, *args: str) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def save_parameters(work: Path, params) -> None:
    """Guide 2.1.3.2 step 6: PublicKey.b64 → PublicKey.bin, ImportToken.b64."""
    work.mkdir(parents=True, exist_ok=True)
    (work / "PublicKey.b64").write_text(params.public_key)
    (work / "ImportToken.b64").write_text(params.import_token)
    openssl(work, "enc", "-d", "-base64", "-A", "-in", "PublicKey.b64", "-out", "PublicKey.bin")


def wrap_material(work: Path, md: str = "sha256") -> None:
    """Guide step 7: PlaintextKeyMaterial.bin → EncryptedKeyMaterial.bin (RSA-OAEP)."""
    openssl(work, "pkeyutl", "-in", "PlaintextKeyMaterial.bin", "-inkey", "PublicKey.bin",
            "-out", "EncryptedKeyMaterial.bin", "-keyform", "der", "-pubin", "-encrypt",
            "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", f"rsa_oaep_md:{md}")


def wrap_private_key(work: Path, der_name: str) -> None:
    """Guide step 7.c.4: the DER PKCS#8 key wrapped under the temporary key material."""
    hex_key = (work / "PlaintextKeyMaterial.bin").read_bytes().hex()
    openssl(work, "enc", "-id-aes256-wrap-pad", "-K", hex_key, "-iv", "A65959A6",
            "-in", der_name, "-out", "out_private_key.der")


def b64file(path: Path) -> str:
    return base64.b64encode(path.read_bytes()).decode()


def symmetric_import(eng, work: Path, key_id: str, material: bytes | None = None, **kw):
    params = eng.kms.get_parameters_for_import(key_id)
    save_parameters(work, params)
    if material is None:
        openssl(work, "rand", "-out", "PlaintextKeyMaterial.bin", "32")
    else:
        (work / "PlaintextKeyMaterial.bin").write_bytes(material)
    wrap_material(work)
    eng.kms.import_key_material(key_id, (work / "ImportToken.b64").read_text(),
                                b64file(work / "EncryptedKeyMaterial.bin"), **kw)
    return (work / "PlaintextKeyMaterial.bin").read_bytes()


def make_ec_der(work: Path) -> str:
    openssl(work, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
            "-out", "ec_private_key.pem")
    openssl(work, "pkcs8", "-topk8", "-inform", "PEM", "-outform", "DER", "-in",
            "ec_private_key.pem", "-out", "ec_private_key.der", "-nocrypt")
    return "ec_private_key.der"


def make_rsa_der(work: Path, bits: str = "2048") -> str:
    openssl(work, "genrsa", "-out", "pkcs1_rsa_private_key.pem", bits)
    openssl(work, "pkcs8", "-topk8", "-inform", "PEM", "-in", "pkcs1_rsa_private_key.pem",
            "-outform", "pem", "-nocrypt", "-out", "rsa_private_key.pem")
    openssl(work, "pkcs8", "-topk8", "-inform", "PEM", "-outform", "DER", "-in",
            "rsa_private_key.pem", "-out", "rsa_private_key.der", "-nocrypt")
    return "rsa_private_key.der"


def asymmetric_import(eng, work: Path, key_id: str, der_name: str, **kw) -> None:
    params = eng.kms.get_parameters_for_import(key_id)
    save_parameters(work, params)
    openssl(work, "rand", "-out", "PlaintextKeyMaterial.bin", "32")
    wrap_material(work)
    wrap_private_key(work, der_name)
    eng.kms.import_key_material(key_id, (work / "ImportToken.b64").read_text(),
                                b64file(work / "EncryptedKeyMaterial.bin"),
                                encrypted_privatekey=b64file(work / "out_private_key.der"), **kw)


def oaep_wrap(params, material: bytes, h=hashes.SHA256) -> str:
    pub = serialization.load_der_public_key(base64.b64decode(params.public_key))
    return base64.b64encode(pub.encrypt(material, padding.OAEP(mgf=padding.MGF1(h()), algorithm=h(),
                                                               label=None))).decode()


def versions(eng, key_id):
    with eng.context.db.session(write=False) as s:
        return s.exec(select(KeyVersion).where(KeyVersion.key_id == key_id)).all()


def params_rows(eng):
    with eng.context.db.session(write=False) as s:
        return s.exec(select(ImportParams)).all()


def db_bytes(home: Path) -> bytes:
    return b"".join(p.read_bytes() for p in home.iterdir() if p.name.startswith("dew.db"))


# --- openssl imports -----------------------------------------------------------------------
def test_symmetric_import_with_openssl(eng, home, tmp_path):
    k = eng.kms.create_key("byok-aes", origin="external")
    assert k.key_state is KeyState.PENDING_IMPORT
    params = eng.kms.get_parameters_for_import(k.key_id)
    assert params.key_id == k.key_id
    assert params.expiration_time == eng.now() + timedelta(hours=24)
    assert 200 <= len(params.import_token) <= 6144
    pub = serialization.load_der_public_key(base64.b64decode(params.public_key))
    assert pub.key_size == 2048
    material = symmetric_import(eng, tmp_path / "w", k.key_id)
    d = eng.kms.describe_key(k.key_id)
    assert d.key_state is KeyState.ENABLED and d.key_version == 1 and d.expiration_time is None
    assert [v.version for v in versions(eng, k.key_id)] == [1]
    assert material not in db_bytes(home)  # only sealed material at rest


def test_wrapping_key_spec_and_sha1_wrapping(eng, tmp_path):
    k = eng.kms.create_key("byok-sha1", origin="external")
    params = eng.kms.get_parameters_for_import(k.key_id, wrapping_algorithm="RSAES_OAEP_SHA_1",
                                               wrapping_key_spec="RSA_3072")
    pub = serialization.load_der_public_key(base64.b64decode(params.public_key))
    assert pub.key_size == 3072
    work = tmp_path / "w"
    save_parameters(work, params)
    openssl(work, "rand", "-out", "PlaintextKeyMaterial.bin", "32")
    wrap_material(work, md="sha1")
    eng.kms.import_key_material(k.key_id, params.import_token, b64file(work / "EncryptedKeyMaterial.bin"))
    assert eng.kms.describe_key(k.key_id).key_state is KeyState.ENABLED


def test_ec_import_with_openssl_wrap_pad(eng, tmp_path):
    k = eng.kms.create_key("byok-ec", key_spec="EC_P256", origin="external")
    work = tmp_path / "w"
    work.mkdir()
    asymmetric_import(eng, work, k.key_id, make_ec_der(work))
    d = eng.kms.describe_key(k.key_id)
    assert d.key_state is KeyState.ENABLED and d.key_version == 1


def test_rsa_import_with_openssl_wrap_pad(eng, tmp_path):
    k = eng.kms.create_key("byok-rsa", key_spec="RSA_2048", origin="external")
    work = tmp_path / "w"
    work.mkdir()
    asymmetric_import(eng, work, k.key_id, make_rsa_der(work))
    assert eng.kms.describe_key(k.key_id).key_state is KeyState.ENABLED


def test_used_parameters_are_destroyed_and_token_is_single_use(eng, tmp_path):
    k = eng.kms.create_key("once", origin="external")
    other = eng.kms.get_parameters_for_import(k.key_id)  # a second, unused set
    symmetric_import(eng, tmp_path / "w", k.key_id)
    assert [p.token_id for p in params_rows(eng)] != []
    assert len(params_rows(eng)) == 1  # only the unused one remains
    eng.kms.delete_imported_key_material(k.key_id)
    token = (tmp_path / "w" / "ImportToken.b64").read_text()
    wrapped = b64file(tmp_path / "w" / "EncryptedKeyMaterial.bin")
    assert code_of(eng.kms.import_key_material, k.key_id, token, wrapped) == "KMS.2605"
    eng.kms.import_key_material(k.key_id, other.import_token,
                                oaep_wrap(other, (tmp_path / "w" / "PlaintextKeyMaterial.bin").read_bytes()))
    assert params_rows(eng) == []


# --- token refusals -------------------------------------------------------------------------
def test_token_bound_to_its_key(eng):
    a = eng.kms.create_key("a", origin="external")
    b = eng.kms.create_key("b", origin="external")
    pa = eng.kms.get_parameters_for_import(a.key_id)
    assert code_of(eng.kms.import_key_material, b.key_id, pa.import_token,
                   oaep_wrap(pa, os.urandom(32))) == "KMS.2603"


def test_expired_token(eng, clock):
    k = eng.kms.create_key("late", origin="external")
    p = eng.kms.get_parameters_for_import(k.key_id)
    clock.advance(timedelta(hours=24, seconds=1))
    assert code_of(eng.kms.import_key_material, k.key_id, p.import_token,
                   oaep_wrap(p, os.urandom(32))) == "KMS.2601"


def test_forged_or_garbage_token(eng):
    k = eng.kms.create_key("forge", origin="external")
    p = eng.kms.get_parameters_for_import(k.key_id)
    raw = bytearray(base64.b64decode(p.import_token))
    raw[40] ^= 1
    forged = base64.b64encode(bytes(raw)).decode()
    wrapped = oaep_wrap(p, os.urandom(32))
    assert code_of(eng.kms.import_key_material, k.key_id, forged, wrapped) == "KMS.2605"
    assert code_of(eng.kms.import_key_material, k.key_id, "not base64 !!", wrapped) == "KMS.2605"
    assert code_of(eng.kms.import_key_material, k.key_id, base64.b64encode(b"x" * 40).decode(),
                   wrapped) == "KMS.2605"
    assert code_of(eng.kms.import_key_material, k.key_id, None, wrapped) == "KMS.2605"


def test_expiration_time_in_the_past(eng):
    k = eng.kms.create_key("exp", origin="external")
    p = eng.kms.get_parameters_for_import(k.key_id)
    assert code_of(eng.kms.import_key_material, k.key_id, p.import_token, oaep_wrap(p, os.urandom(32)),
                   expiration_time=eng.now() - timedelta(seconds=1)) == "KMS.2602"
    assert code_of(eng.kms.import_key_material, k.key_id, p.import_token, oaep_wrap(p, os.urandom(32)),
                   expiration_time=eng.now()) == "KMS.2602"


# --- key and material refusals --------------------------------------------------------------
def test_origin_and_state_refusals(eng):
    kms_key = eng.kms.create_key("generated")
    assert code_of(eng.kms.get_parameters_for_import, kms_key.key_id) == "KMS.0309"
    ext = eng.kms.create_key("ext", origin="external")
    p = eng.kms.get_parameters_for_import(ext.key_id)
    assert code_of(eng.kms.import_key_material, kms_key.key_id, p.import_token,
                   oaep_wrap(p, os.urandom(32))) == "KMS.0309"
    eng.kms.import_key_material(ext.key_id, p.import_token, oaep_wrap(p, os.urandom(32)))
    assert code_of(eng.kms.get_parameters_for_import, ext.key_id) == "KMS.0310"
    assert code_of(eng.kms.get_parameters_for_import, "0" * 8) == "KMS.0205"


def test_invalid_wrapping_choices(eng):
    k = eng.kms.create_key("choices", origin="external")
    assert code_of(eng.kms.get_parameters_for_import, k.key_id, wrapping_algorithm="SM2_ENCRYPT") == "KMS.0308"
    assert code_of(eng.kms.get_parameters_for_import, k.key_id, wrapping_key_spec="RSA_1024") == "KMS.0308"


def test_import_into_enabled_key_refused(eng):
    k = eng.kms.create_key("twice", origin="external")
    p1 = eng.kms.get_parameters_for_import(k.key_id)
    p2 = eng.kms.get_parameters_for_import(k.key_id)
    eng.kms.import_key_material(k.key_id, p1.import_token, oaep_wrap(p1, os.urandom(32)))
    assert code_of(eng.kms.import_key_material, k.key_id, p2.import_token,
                   oaep_wrap(p2, os.urandom(32))) == "KMS.0310"


def test_material_size_and_wrapping_refusals(eng):
    k = eng.kms.create_key("sizes", origin="external")
    p = eng.kms.get_parameters_for_import(k.key_id)
    imp = eng.kms.import_key_material
    assert code_of(imp, k.key_id, p.import_token, oaep_wrap(p, os.urandom(16))) == "KMS.2604"
    assert code_of(imp, k.key_id, p.import_token, base64.b64encode(os.urandom(100)).decode()) == "KMS.0308"
    assert code_of(imp, k.key_id, p.import_token, base64.b64encode(os.urandom(256)).decode()) == "KMS.0311"
    assert code_of(imp, k.key_id, p.import_token, "%%%") == "KMS.0308"
    assert code_of(imp, k.key_id, p.import_token, "") == "KMS.0204"
    assert code_of(imp, k.key_id, p.import_token, oaep_wrap(p, os.urandom(32), hashes.SHA1)) == "KMS.0311"
    assert code_of(imp, k.key_id, p.import_token, oaep_wrap(p, os.urandom(32)),
                   encrypted_privatekey="AAAA") == "KMS.0308"
    # nothing was spent by the refusals: the right material still imports with this token
    imp(k.key_id, p.import_token, oaep_wrap(p, os.urandom(32)))
    assert eng.kms.describe_key(k.key_id).key_state is KeyState.ENABLED


def _ec_der(curve) -> bytes:
    return ec.generate_private_key(curve()).private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def test_asymmetric_refusals(eng):
    k = eng.kms.create_key("ec-bad", key_spec="EC_P256", origin="external")
    p = eng.kms.get_parameters_for_import(k.key_id)
    imp = eng.kms.import_key_material
    temp = os.urandom(32)
    wrapped_temp = oaep_wrap(p, temp)
    b64 = lambda b: base64.b64encode(b).decode()  # noqa: E731
    assert code_of(imp, k.key_id, p.import_token, wrapped_temp) == "KMS.0204"
    wrong_curve = aes_key_wrap_with_padding(temp, _ec_der(ec.SECP384R1))
    assert code_of(imp, k.key_id, p.import_token, wrapped_temp, encrypted_privatekey=b64(wrong_curve)) == "KMS.0308"
    not_a_key = aes_key_wrap_with_padding(temp, os.urandom(100))
    assert code_of(imp, k.key_id, p.import_token, wrapped_temp, encrypted_privatekey=b64(not_a_key)) == "KMS.0308"
    under_other = aes_key_wrap_with_padding(os.urandom(32), _ec_der(ec.SECP256R1))
    assert code_of(imp, k.key_id, p.import_token, wrapped_temp, encrypted_privatekey=b64(under_other)) == "KMS.0311"
    assert code_of(imp, k.key_id, p.import_token, wrapped_temp, encrypted_privatekey=b64(b"short")) == "KMS.0311"
    assert code_of(imp, k.key_id, p.import_token, oaep_wrap(p, os.urandom(16)),
                   encrypted_privatekey=b64(under_other)) == "KMS.2604"
    good = aes_key_wrap_with_padding(temp, _ec_der(ec.SECP256R1))
    imp(k.key_id, p.import_token, wrapped_temp, encrypted_privatekey=b64(good))
    assert eng.kms.describe_key(k.key_id).key_state is KeyState.ENABLED
    assert code_of(eng.kms.delete_imported_key_material, k.key_id) == "KMS.0308"


def test_user_without_permission_refused(eng):
    eng.iam.create_user("bob")
    k = eng.kms.create_key("mine", origin="external")
    assert code_of(eng.as_user("bob").kms.get_parameters_for_import, k.key_id) == "KMS.0306"


# --- first material forever, deletion, expiry --------------------------------------------
def test_key_keeps_its_first_material(eng, tmp_path):
    k = eng.kms.create_key("bound", origin="external")
    material = symmetric_import(eng, tmp_path / "a", k.key_id)
    eng.kms.delete_imported_key_material(k.key_id)
    d = eng.kms.describe_key(k.key_id)
    assert d.key_state is KeyState.PENDING_IMPORT and d.key_version == 0
    assert versions(eng, k.key_id) == []
    p = eng.kms.get_parameters_for_import(k.key_id)
    assert code_of(eng.kms.import_key_material, k.key_id, p.import_token,
                   oaep_wrap(p, os.urandom(32))) == "KMS.2606"
    symmetric_import(eng, tmp_path / "b", k.key_id, material=material)
    d = eng.kms.describe_key(k.key_id)
    assert d.key_state is KeyState.ENABLED and d.key_version == 1


def test_delete_material_refusals(eng):
    ext = eng.kms.create_key("pending", origin="external")
    assert code_of(eng.kms.delete_imported_key_material, ext.key_id) == "KMS.2701"
    gen = eng.kms.create_key("gen")
    assert code_of(eng.kms.delete_imported_key_material, gen.key_id) == "KMS.0309"
    assert code_of(eng.kms.delete_imported_key_material, "00000000-0000-4000-8000-000000000000") == "KMS.0207"


def test_delete_material_of_disabled_key(eng):
    k = eng.kms.create_key("dis", origin="external")
    p = eng.kms.get_parameters_for_import(k.key_id)
    eng.kms.import_key_material(k.key_id, p.import_token, oaep_wrap(p, os.urandom(32)))
    eng.kms.disable_key(k.key_id)
    eng.kms.delete_imported_key_material(k.key_id)
    assert eng.kms.describe_key(k.key_id).key_state is KeyState.PENDING_IMPORT


def test_expired_material_deleted_by_scheduler(eng, clock, tmp_path):
    k = eng.kms.create_key("expiring", origin="external")
    material = symmetric_import(eng, tmp_path / "a", k.key_id,
                                expiration_time=eng.now() + timedelta(days=1))
    assert eng.kms.describe_key(k.key_id).expiration_time == eng.now() + timedelta(days=1)
    clock.advance(timedelta(hours=23))
    assert eng.run_due().done["expire_imported_material"] == 0
    clock.advance(timedelta(hours=2))
    report = eng.run_due()
    assert report.done["expire_imported_material"] == 1
    assert eng.run_due().done["expire_imported_material"] == 0  # idempotent
    d = eng.kms.describe_key(k.key_id)
    assert d.key_state is KeyState.PENDING_IMPORT and d.expiration_time is None
    assert versions(eng, k.key_id) == []
    with eng.context.db.session(write=False) as s:
        t = s.exec(select(AuditTrace).where(AuditTrace.trace_name == "deleteImportedKeyMaterial")).all()
    assert [(x.resource_id, x.user, x.source) for x in t] == [(k.key_id, "system", "scheduler")]
    # epoch seconds accepted too; the same material comes back
    symmetric_import(eng, tmp_path / "b", k.key_id, material=material,
                     expiration_time=int((eng.now() + timedelta(days=3)).timestamp()))
    assert eng.kms.describe_key(k.key_id).key_state is KeyState.ENABLED


def test_expired_parameters_cleaned_up(eng, clock):
    k = eng.kms.create_key("tidy", origin="external")
    eng.kms.get_parameters_for_import(k.key_id)
    assert len(params_rows(eng)) == 1
    assert eng.run_due().done["cleanup_import_parameters"] == 0
    clock.advance(timedelta(hours=24))
    assert eng.run_due().done["cleanup_import_parameters"] == 1
    assert params_rows(eng) == []


def test_wrapping_private_key_is_sealed(eng):
    k = eng.kms.create_key("sealed", origin="external")
    eng.kms.get_parameters_for_import(k.key_id)
    (row,) = params_rows(eng)
    with pytest.raises(ValueError):
        serialization.load_der_private_key(row.sealed_private_key, password=None)
    with pytest.raises(DewError):  # bound to its token id and key
        eng.context.hsm.open(row.sealed_private_key, "import-wrapping-key", "other", row.key_id)


# --- using imported keys (crypto mixin) ------------------------------------------------------
def test_imported_aes_key_encrypts_with_the_users_material(eng, tmp_path):
    from engine.kms import ciphertext
    k = eng.kms.create_key("use-aes", origin="external")
    material = symmetric_import(eng, tmp_path / "a", k.key_id)
    ct = eng.kms.encrypt_data(k.key_id, b"attack at dawn").cipher_text
    blob = base64.b64decode(ct)
    header = ciphertext.parse(blob, ciphertext.KIND_DATA)
    assert (header.key_id, header.version) == (k.key_id, 1)
    # decrypting independently with the material openssl made proves it is the one in use
    assert ciphertext.open_(material, header, blob, None) == b"attack at dawn"
    assert eng.kms.decrypt_data(ct).plain_text == b"attack at dawn"
    eng.kms.delete_imported_key_material(k.key_id)
    with pytest.raises(DewError):
        eng.kms.decrypt_data(ct)
    symmetric_import(eng, tmp_path / "b", k.key_id, material=material)
    assert eng.kms.decrypt_data(ct).plain_text == b"attack at dawn"  # old ciphertexts are back


def _openssl_verify(work: Path, eng, key_id: str, signature_b64: str, *sigopts: str) -> None:
    (work / "pub.pem").write_text(eng.kms.get_publickey(key_id))
    (work / "sig.bin").write_bytes(base64.b64decode(signature_b64))
    opts = [x for o in sigopts for x in ("-sigopt", o)]
    out = subprocess.run(["openssl", "dgst", "-sha256", "-verify", "pub.pem", *opts,
                          "-signature", "sig.bin", "msg.bin"], cwd=work, capture_output=True, text=True)
    assert out.returncode == 0 and "Verified OK" in out.stdout, out.stdout + out.stderr


def _public_pem_of(work: Path, pem_name: str) -> str:
    return subprocess.run(["openssl", "pkey", "-in", pem_name, "-pubout"], cwd=work, check=True,
                          capture_output=True, text=True).stdout


def test_imported_ec_key_signs_and_openssl_verifies(eng, tmp_path):
    k = eng.kms.create_key("use-ec", key_spec="EC_P256", origin="external")
    work = tmp_path / "w"
    work.mkdir()
    asymmetric_import(eng, work, k.key_id, make_ec_der(work))
    assert eng.kms.get_publickey(k.key_id).strip() == _public_pem_of(work, "ec_private_key.pem").strip()
    (work / "msg.bin").write_bytes(b"signed by my own key")
    sig = eng.kms.sign(k.key_id, b"signed by my own key", "ECDSA_SHA_256").signature
    _openssl_verify(work, eng, k.key_id, sig)
    assert eng.kms.verify(k.key_id, b"signed by my own key", sig, "ECDSA_SHA_256")


def test_imported_rsa_key_signs_and_openssl_verifies(eng, tmp_path):
    k = eng.kms.create_key("use-rsa", key_spec="RSA_2048", origin="external")
    work = tmp_path / "w"
    work.mkdir()
    asymmetric_import(eng, work, k.key_id, make_rsa_der(work))
    assert eng.kms.get_publickey(k.key_id).strip() == _public_pem_of(work, "rsa_private_key.pem").strip()
    (work / "msg.bin").write_bytes(b"release 1.0")
    sig = eng.kms.sign(k.key_id, b"release 1.0", "RSASSA_PKCS1_V1_5_SHA_256").signature
    _openssl_verify(work, eng, k.key_id, sig)
    pss = eng.kms.sign(k.key_id, b"release 1.0", "RSASSA_PSS_SHA_256").signature
    _openssl_verify(work, eng, k.key_id, pss, "rsa_padding_mode:pss", "rsa_pss_saltlen:auto")
