"""Online tool tab: encrypt up to 4 KB with this key and decrypt any ciphertext; for HMAC
keys, generate and verify MACs.

As the guide says, only Enabled custom symmetric keys offer the tool: default keys and
asymmetric keys are refused here (the API can still use them). As the guide's note says,
the tool base64-encodes the text before encrypting it, so a ciphertext made here decrypts
through the API to that base64 text; decrypting here decodes it back for display (a
ciphertext of anything else is shown as its text). Decryption needs no key: the ciphertext
names the key (and version) that made it. MACs are over the text's UTF-8 bytes, as hex.
"""
from __future__ import annotations

import base64
import binascii

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, TextArea

from dewtui.widgets.detail import DetailPane
from engine import KeyState
from engine.catalog import ENCRYPT_DECRYPT, GENERATE_VERIFY_MAC, SPECS

MAX_BYTES = 4096  # what one encrypt-data call takes: the base64 of the text


def tool_refusal(key) -> str:
    """Why the online tool is not offered for this key ('' when it is)."""
    if key.default_key_flag:
        return "The online tool cannot use default keys (the API can)."
    if not SPECS[key.key_spec].symmetric:
        return "The online tool cannot use asymmetric keys: see the Public key tab to sign and verify."
    if key.key_usage not in (ENCRYPT_DECRYPT, GENERATE_VERIFY_MAC):
        return f"This key's usage is {key.key_usage}: the online tool encrypts with ENCRYPT_DECRYPT keys only."
    if key.key_state is not KeyState.ENABLED:
        return f"The key is {key.state_label}: only Enabled keys encrypt, decrypt and make MACs."
    return ""


def is_mac_key(key) -> bool:
    return key.key_usage == GENERATE_VERIFY_MAC


def mac_algorithm(key_spec: str) -> str:
    """HMAC_256 → HMAC_SHA_256: the one MAC algorithm each HMAC key spec takes."""
    return "HMAC_SHA_" + key_spec.removeprefix("HMAC_")


def encoded(text: str) -> bytes:
    """What the tool encrypts for `text`: the base64 of its UTF-8 bytes."""
    return base64.b64encode(text.encode("utf-8"))


def shown(plain: bytes) -> str:
    """A decrypted plaintext for display: base64 made by the tool is decoded back to its text."""
    try:
        return base64.b64decode(plain, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return plain.decode("utf-8", errors="replace")


class OnlineToolPane(DetailPane):
    def compose(self) -> ComposeResult:
        mac = is_mac_key(self.item)
        yield Label("", id="tool-note", classes="note")
        with Horizontal(id="tool-io"):
            with Vertical():
                yield Label("Message (text) to make or check a MAC of" if mac else
                            "Input: text to encrypt, or ciphertext (base64) to decrypt", classes="area-label")
                yield TextArea(id="tool-input", soft_wrap=True, show_line_numbers=False)
            with Vertical():
                yield Label("Result", classes="area-label", id="result-label")
                yield TextArea(id="tool-output", read_only=True, soft_wrap=True, show_line_numbers=False)
        if mac:
            with Horizontal(classes="field"):
                yield Label("MAC to verify (hex)", classes="field-label")
                yield Input(id="mac-input", placeholder="the MAC to check against the message")
        with Horizontal(classes="buttons"):
            if mac:
                yield Button("Generate MAC", variant="primary", id="generate-mac")
                yield Button("Verify MAC", variant="primary", id="verify-mac")
            else:
                yield Button("Encrypt", variant="primary", id="encrypt")
                yield Button("Decrypt", variant="primary", id="decrypt")
            yield Button("Clear", id="clear")
            yield Button("Copy result", id="copy")
            yield Label(f"0 / {MAX_BYTES} bytes", id="tool-count")

    def on_mount(self) -> None:
        self._lock()

    def show_item(self, key) -> None:
        super().show_item(key)
        self._lock()

    def _lock(self) -> None:
        key = self.item
        reason = tool_refusal(key)
        if is_mac_key(key):
            fine = f"Makes and checks {mac_algorithm(key.key_spec)} MACs with {key.key_alias}."
            wids = ("#generate-mac", "#verify-mac", "#tool-input", "#mac-input")
        else:
            fine = f"Encrypts with {key.key_alias}; decrypt finds the key from the ciphertext."
            wids = ("#encrypt", "#decrypt", "#tool-input")
        self.query_one("#tool-note", Label).update(reason or fine)
        self.query_one("#tool-note").set_class(bool(reason), "refused")
        for wid in wids:
            self.query_one(wid).disabled = bool(reason)

    def _sent_bytes(self, text: str) -> int:
        data = text.encode("utf-8")
        return len(data) if is_mac_key(self.item) else len(encoded(text))

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if event.text_area.id == "tool-input":
            n = self._sent_bytes(event.text_area.text)
            label = self.query_one("#tool-count", Label)
            label.update(f"{n} / {MAX_BYTES} bytes")
            label.set_class(n > MAX_BYTES, "error")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        getattr(self, f"do_{(event.button.id or '').replace('-', '_')}")()

    def _output(self, text: str, label: str) -> None:
        self.query_one("#tool-output", TextArea).text = text
        self.query_one("#result-label", Label).update(label)

    def _message(self) -> bytes | None:
        """The input's text, if it fits one call (else a warning and None)."""
        text = self.query_one("#tool-input", TextArea).text
        if not text or self._sent_bytes(text) > MAX_BYTES:
            what = "a message" if is_mac_key(self.item) else "text to encrypt"
            self.notify(f"enter {what} of 1 to {MAX_BYTES} bytes"
                        + ("" if is_mac_key(self.item) else " once base64-encoded"), severity="warning")
            return None
        return text.encode("utf-8") if is_mac_key(self.item) else encoded(text)

    def do_encrypt(self) -> None:
        data = self._message()
        if data is None:
            return
        kms, key_id = self.engine.kms, self.item.key_id
        self.call_engine(lambda: kms.encrypt_data(key_id, data), label="encrypt", success="Encrypted",
                         done=lambda r: self._output(r.cipher_text, "Result: ciphertext (base64)"))

    def do_decrypt(self) -> None:
        cipher = "".join(self.query_one("#tool-input", TextArea).text.split())
        if not cipher:
            self.notify("paste a ciphertext to decrypt", severity="warning")
            return
        kms = self.engine.kms
        self.call_engine(lambda: kms.decrypt_data(cipher), label="decrypt", success="Decrypted",
                         done=lambda r: self._output(shown(r.plain_text), f"Result: plaintext (key {r.key_id})"))

    def do_generate_mac(self) -> None:
        message = self._message()
        if message is None:
            return
        kms, key_id, algorithm = self.engine.kms, self.item.key_id, mac_algorithm(self.item.key_spec)
        self.call_engine(lambda: kms.generate_mac(key_id, message, algorithm), label="generate MAC",
                         success="MAC generated",
                         done=lambda r: self._output(r.mac, f"Result: {r.mac_algorithm} MAC (hex)"))

    def do_verify_mac(self) -> None:
        message = self._message()
        mac = self.query_one("#mac-input", Input).value.strip()
        if message is None:
            return
        if not mac:
            self.notify("enter the MAC to verify (hex)", severity="warning")
            self.query_one("#mac-input", Input).focus()
            return
        kms, key_id, algorithm = self.engine.kms, self.item.key_id, mac_algorithm(self.item.key_spec)
        self.call_engine(lambda: kms.verify_mac(key_id, message, algorithm, mac), label="verify MAC",
                         done=self._verified)

    def _verified(self, valid: bool) -> None:
        self._output("valid: the MAC matches the message" if valid else
                     "INVALID: the MAC does not match the message", "Result: verification")
        self.notify("MAC valid" if valid else "MAC invalid", severity="information" if valid else "warning",
                    timeout=4)

    def do_clear(self) -> None:
        self.query_one("#tool-input", TextArea).text = ""
        self._output("", "Result")

    def do_copy(self) -> None:
        text = self.query_one("#tool-output", TextArea).text
        if text:
            self.app.copy_to_clipboard(text)
            self.notify("Copied the result to the clipboard", timeout=3)
