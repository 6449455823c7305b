"""Pilot tests of the import wizard (guide 2.1.3): drive the four steps, wrap the material in
the test as openssl would (RSA-OAEP-SHA256 under the saved PublicKey.bin; RFC 5649 for a
private key), and assert the ENGINE's state. Plus reopening from a row and deleting material.
"""
from __future__ import annotations

import base64
import os
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding
from cryptography.hazmat.primitives.keywrap import aes_key_wrap_with_padding
from textual.widgets import Checkbox, DataTable, Input, RadioButton

from dewtui.keys.delete_material_dialog import DeleteMaterialDialog
from dewtui.keys.import_wizard import CommandsDialog, ImportKeyDialog, MaterialDialog, WrappingDialog
from dewtui.keys.import_files import openssl_commands
from engine import KeyState
from ui.helpers import SIZE, settle, toasts

T0_PLUS_24H = "2026-03-02 09:00"


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


def wrap_oaep(folder, data: bytes) -> bytes:
    public = serialization.load_der_public_key((folder / "PublicKey.bin").read_bytes())
    return public.encrypt(data, padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(),
                                             label=None))


async def _cursor_to(pilot, alias: str) -> None:
    screen = pilot.app.screen
    aliases = [k.key_alias for k in screen.page.keys]
    screen.query_one("#keys", DataTable).move_cursor(row=aliases.index(alias), animate=False)


async def _steps_1_to_3(pilot, folder, alias: str, spec: str = "AES_256") -> None:
    app = pilot.app
    await pilot.press("i")
    await settle(pilot)
    assert isinstance(app.screen, ImportKeyDialog)
    await pilot.press(*alias)
    app.screen.query_one("#spec").value = spec
    await pilot.pause()
    assert app.screen.query_one("#ok").disabled  # "I understand…" first
    app.screen.query_one("#understand", Checkbox).value = True
    await pilot.pause()
    await pilot.click("#ok")
    await settle(pilot)
    assert isinstance(app.screen, WrappingDialog)
    app.screen.query_one("#directory", Input).value = str(folder)
    await pilot.click("#ok")
    await settle(pilot)
    assert isinstance(app.screen, CommandsDialog)
    await pilot.click("#ok")
    await settle(pilot)
    assert isinstance(app.screen, MaterialDialog)


async def test_import_wizard_symmetric(app, eng, tmp_path):
    folder = tmp_path / "items"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _steps_1_to_3(pilot, folder, "byok/orders")
        [key] = eng.kms.list_keys().keys
        assert (key.key_alias, key.origin, key.key_state) == ("byok/orders", "external", KeyState.PENDING_IMPORT)
        # step 2 saved the items, owner-only
        for name in ("PublicKey.bin", "ImportToken.txt"):
            assert (folder / name).stat().st_mode & 0o777 == 0o600
        assert folder.stat().st_mode & 0o777 == 0o700
        # the user's openssl step, done here with cryptography
        (folder / "EncryptedKeyMaterial.bin").write_bytes(wrap_oaep(folder, os.urandom(32)))
        dialog = app.screen
        assert dialog.query_one("#material", Input).value == f"{folder}/EncryptedKeyMaterial.bin"
        assert dialog.query_one("#expires-at", Input).value == T0_PLUS_24H  # default: 24 h
        await pilot.click("#ok")
        await settle(pilot)
        key = eng.kms.describe_key(key.key_id)
        assert key.key_state is KeyState.ENABLED
        assert key.expiration_time == eng.now() + timedelta(hours=24)
        assert "Key imported successfully" in toasts(app)
        assert eng.kms.decrypt_data(eng.kms.encrypt_data(key.key_id, b"hi").cipher_text).plain_text == b"hi"
        assert app.screen.page.keys[0].key_state is KeyState.ENABLED  # the list refreshed


async def test_import_wizard_ec_never_expires(app, eng, tmp_path):
    folder = tmp_path / "ec"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _steps_1_to_3(pilot, folder, "byok/signer", "EC_P256")
        temporary = os.urandom(32)
        private = ec.generate_private_key(ec.SECP256R1())
        der = private.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
        (folder / "EncryptedKeyMaterial.bin").write_bytes(wrap_oaep(folder, temporary))
        (folder / "EncryptedPrivateKey.bin").write_bytes(aes_key_wrap_with_padding(temporary, der))
        app.screen.query_one("#never", RadioButton).value = True
        await pilot.pause()
        assert app.screen.query_one("#expires-at").disabled
        await pilot.click("#ok")
        await settle(pilot)
        [key] = eng.kms.list_keys().keys
        assert key.key_state is KeyState.ENABLED and key.expiration_time is None
        # the key signs with OUR private key: its signature verifies with our public half
        sig = base64.b64decode(eng.kms.sign(key.key_id, b"invoice 42", "ECDSA_SHA_256").signature)
        private.public_key().verify(sig, b"invoice 42", ec.ECDSA(hashes.SHA256()))


async def test_import_refusal_reopens_step_4(app, eng, tmp_path):
    folder = tmp_path / "bad"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _steps_1_to_3(pilot, folder, "byok/bad")
        (folder / "EncryptedKeyMaterial.bin").write_bytes(wrap_oaep(folder, os.urandom(16)))  # too short
        await pilot.click("#ok")
        await settle(pilot)
        assert isinstance(app.screen, MaterialDialog)  # back at step 4, the error written in it
        assert "KMS.2604" in str(app.screen.query_one("#errors").render())
        [key] = eng.kms.list_keys().keys
        assert key.key_state is KeyState.PENDING_IMPORT
        # the token was not spent by the refusal: fix the file and import
        (folder / "EncryptedKeyMaterial.bin").write_bytes(wrap_oaep(folder, os.urandom(32)))
        await pilot.click("#ok")
        await settle(pilot)
        assert eng.kms.describe_key(key.key_id).key_state is KeyState.ENABLED


async def test_step_4_checks_files_inline(app, eng, tmp_path):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _steps_1_to_3(pilot, tmp_path / "x", "byok/x")
        await pilot.click("#ok")  # no EncryptedKeyMaterial.bin yet
        await settle(pilot)
        assert isinstance(app.screen, MaterialDialog)
        assert "no file" in str(app.screen.query_one("#errors").render())
        app.screen.query_one("#expires-at", Input).value = "2020-01-01 00:00"
        await pilot.click("#ok")
        assert "future" in str(app.screen.query_one("#errors").render())
        await pilot.click("#back")
        await settle(pilot)
        assert isinstance(app.screen, CommandsDialog)


async def test_reopen_from_pending_import_row_and_delete_material(app, eng, tmp_path):
    key = eng.kms.create_key("waiting", origin="external")
    eng.kms.create_key("generated")
    folder = tmp_path / "again"
    material = os.urandom(32)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _cursor_to(pilot, "generated")
        await pilot.press("m")  # not a Pending-import key: refused with a reason
        await settle(pilot)
        assert not isinstance(app.screen, WrappingDialog)
        assert any("origin kms" in t for t in toasts(app))
        await _cursor_to(pilot, "waiting")
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, WrappingDialog)  # step 2 onward
        app.screen.query_one("#directory", Input).value = str(folder)
        await pilot.click("#ok")
        await settle(pilot)
        await pilot.click("#ok")
        await settle(pilot)
        (folder / "EncryptedKeyMaterial.bin").write_bytes(wrap_oaep(folder, material))
        await pilot.click("#ok")
        await settle(pilot)
        assert eng.kms.describe_key(key.key_id).key_state is KeyState.ENABLED

        await _cursor_to(pilot, "waiting")
        await pilot.press("M")
        await settle(pilot)
        assert isinstance(app.screen, DeleteMaterialDialog)
        await pilot.click("#ok")  # not ticked: OK says so, nothing happens
        await settle(pilot)
        assert isinstance(app.screen, DeleteMaterialDialog)
        assert app.screen.query_one("#ok-why").has_class("refused")
        assert eng.kms.describe_key(key.key_id).key_state is KeyState.ENABLED
        app.screen.query_one("#understand", Checkbox).value = True
        await pilot.pause()
        await pilot.click("#ok")
        await settle(pilot)
        assert eng.kms.describe_key(key.key_id).key_state is KeyState.PENDING_IMPORT
        assert "Key material deleted successfully" in toasts(app)


def test_openssl_commands_name_the_real_files():
    sym = [c for _comment, c in openssl_commands("AES_256", "RSAES_OAEP_SHA_256", "/tmp/x")]
    assert "openssl rand -out PlaintextKeyMaterial.bin 32" in sym
    assert ("openssl pkeyutl -encrypt -pubin -keyform der -inkey PublicKey.bin -in PlaintextKeyMaterial.bin "
            "-out EncryptedKeyMaterial.bin -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256") in sym
    assert not any("wrap-pad" in c for c in sym)
    asym = " ".join(c for _comment, c in openssl_commands("RSA_3072", "RSAES_OAEP_SHA_1", "/tmp/x"))
    assert "rsa_keygen_bits:3072" in asym and "rsa_oaep_md:sha1" in asym
    assert "openssl enc -id-aes256-wrap-pad -iv A65959A6 -K $(xxd -p -c 64 PlaintextKeyMaterial.bin) " \
           "-in PrivateKey.der -out EncryptedPrivateKey.bin" in asym
