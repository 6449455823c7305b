"""Pilot tests: closing the import wizard after step 2 and before importing invalidates its
import token (guide 2.1.3.2); the saved token then no longer imports."""
from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from textual.widgets import Button, Checkbox, Input

from dewtui.keys.import_wizard import CommandsDialog, ImportKeyDialog, MaterialDialog, WrappingDialog
from refusals import code_of
from ui.helpers import SIZE, settle, toasts


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


async def _press(pilot, selector: str) -> None:
    pilot.app.screen.query_one(selector, Button).press()
    await settle(pilot)


async def _to_step_3(pilot, folder) -> None:
    app = pilot.app
    await settle(pilot)
    await pilot.press("i")
    await settle(pilot)
    assert isinstance(app.screen, ImportKeyDialog)
    await pilot.press(*"byok/x")
    app.screen.query_one("#understand", Checkbox).value = True
    await settle(pilot)
    await _press(pilot, "#ok")
    assert isinstance(app.screen, WrappingDialog)
    app.screen.query_one("#directory", Input).value = str(folder)
    await _press(pilot, "#ok")
    assert isinstance(app.screen, CommandsDialog)


def _token_refused(eng, folder) -> str:
    [key] = eng.kms.list_keys().keys
    public = serialization.load_der_public_key((folder / "PublicKey.bin").read_bytes())
    wrapped = public.encrypt(b"k" * 32, padding.OAEP(padding.MGF1(hashes.SHA256()), hashes.SHA256(), None))
    token = (folder / "ImportToken.txt").read_text().strip()
    return code_of(eng.kms.import_key_material, key.key_id, token, base64.b64encode(wrapped).decode())


async def test_cancel_at_step_4_invalidates_the_token(app, eng, tmp_path):
    folder = tmp_path / "items"
    async with app.run_test(size=SIZE) as pilot:
        await _to_step_3(pilot, folder)
        await _press(pilot, "#ok")
        assert isinstance(app.screen, MaterialDialog)
        await _press(pilot, "#cancel")
        assert not isinstance(app.screen, MaterialDialog)
        assert any(t.startswith("Import cancelled") for t in toasts(app))
    assert _token_refused(eng, folder) == "KMS.2605"


async def test_cancel_at_step_3_invalidates_the_token(app, eng, tmp_path):
    folder = tmp_path / "items"
    async with app.run_test(size=SIZE) as pilot:
        await _to_step_3(pilot, folder)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, CommandsDialog)
    assert _token_refused(eng, folder) == "KMS.2605"


async def test_back_from_step_4_keeps_the_token(app, eng, tmp_path):
    folder = tmp_path / "items"
    async with app.run_test(size=SIZE) as pilot:
        await _to_step_3(pilot, folder)
        await _press(pilot, "#ok")
        await _press(pilot, "#back")
        assert isinstance(app.screen, CommandsDialog)
    [key] = eng.kms.list_keys().keys
    public = serialization.load_der_public_key((folder / "PublicKey.bin").read_bytes())
    wrapped = public.encrypt(b"k" * 32, padding.OAEP(padding.MGF1(hashes.SHA256()), hashes.SHA256(), None))
    eng.kms.import_key_material(key.key_id, (folder / "ImportToken.txt").read_text().strip(),
                                base64.b64encode(wrapped).decode())
    assert eng.kms.describe_key(key.key_id).key_state.value == "2"
