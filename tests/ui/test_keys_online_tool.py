"""Pilot tests of the online tool: text is base64-encoded before encrypting (so the API
decrypts a TUI ciphertext to that base64 text, and the tool shows the text again), and HMAC
keys generate and verify MACs. Asserted against the engine."""
from __future__ import annotations

import base64
import hashlib
import hmac

from textual.widgets import Button, Input, TextArea

from dewtui.keys.detail import KeyDetailScreen
from ui.helpers import SIZE, settle, toasts


async def _press(pilot, selector: str) -> None:
    pilot.app.screen.query_one(selector, Button).press()
    await settle(pilot)


async def _open_tool(pilot):
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, KeyDetailScreen)
    screen.action_show_tab("online-tool")
    await settle(pilot)
    return screen


async def test_tool_encrypts_the_base64_of_the_text_and_shows_the_text_again(app, eng):
    eng.kms.create_key("app/pay")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_tool(pilot)
        screen.query_one("#tool-input", TextArea).text = "héllo"
        await settle(pilot)
        assert str(screen.query_one("#tool-count").render()) == "8 / 4096 bytes"  # base64 of 6 bytes
        await _press(pilot, "#encrypt")
        await settle(pilot)
        cipher = screen.query_one("#tool-output", TextArea).text
        assert eng.kms.decrypt_data(cipher).plain_text == base64.b64encode("héllo".encode())
        screen.query_one("#tool-input", TextArea).text = cipher
        await _press(pilot, "#decrypt")
        await settle(pilot)
        assert screen.query_one("#tool-output", TextArea).text == "héllo"


async def test_tool_shows_a_plain_api_ciphertext_as_its_text(app, eng):
    key = eng.kms.create_key("app/pay")
    cipher = eng.kms.encrypt_data(key.key_id, b"not base64!").cipher_text
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_tool(pilot)
        screen.query_one("#tool-input", TextArea).text = cipher
        await _press(pilot, "#decrypt")
        await settle(pilot)
        assert screen.query_one("#tool-output", TextArea).text == "not base64!"


async def test_tool_refuses_text_too_long_once_encoded(app, eng):
    eng.kms.create_key("app/pay")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_tool(pilot)
        screen.query_one("#tool-input", TextArea).text = "x" * 3073  # 4100 bytes of base64
        await _press(pilot, "#encrypt")
        await settle(pilot)
        assert screen.query_one("#tool-output", TextArea).text == ""
        assert any("once base64-encoded" in t for t in toasts(app))


async def test_hmac_key_generates_and_verifies_macs(app, eng):
    key = eng.kms.create_key("hooks", key_spec="HMAC_256")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_tool(pilot)
        assert not screen.query("#encrypt")
        screen.query_one("#tool-input", TextArea).text = "payload"
        await _press(pilot, "#generate-mac")
        await settle(pilot)
        mac = screen.query_one("#tool-output", TextArea).text
        assert eng.kms.verify_mac(key.key_id, b"payload", "HMAC_SHA_256", mac)
        screen.query_one("#mac-input", Input).value = mac
        await _press(pilot, "#verify-mac")
        await settle(pilot)
        assert screen.query_one("#tool-output", TextArea).text.startswith("valid")
        wrong = hmac.new(b"other", b"payload", hashlib.sha256).hexdigest()
        screen.query_one("#mac-input", Input).value = wrong
        await _press(pilot, "#verify-mac")
        await settle(pilot)
        assert screen.query_one("#tool-output", TextArea).text.startswith("INVALID")


async def test_hmac_verify_refuses_a_mac_that_is_not_hex(app, eng):
    eng.kms.create_key("hooks", key_spec="HMAC_384")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_tool(pilot)
        screen.query_one("#tool-input", TextArea).text = "payload"
        screen.query_one("#mac-input", Input).value = "zz-not-hex"
        await _press(pilot, "#verify-mac")
        await settle(pilot)
        assert any(t.startswith("KMS.0308") for t in toasts(app))
        assert screen.query_one("#tool-output", TextArea).text == ""
