"""Online tool tab: encrypt up to 4 KB of text with this key, decrypt any ciphertext.

As the guide says, only Enabled custom symmetric encryption keys offer the tool: default
keys and asymmetric keys are refused here (the API can still use them). Decryption needs no
key: the ciphertext names the key (and version) that made it. Text is sent as UTF-8.
"""
from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, TextArea

from dewtui.widgets.detail import DetailPane
from engine import KeyState
from engine.catalog import ENCRYPT_DECRYPT, SPECS

MAX_BYTES = 4096


def tool_refusal(key) -> str:
    """Why the online tool is not offered for this key ('' when it is)."""
    if key.default_key_flag:
        return "The online tool cannot use default keys (the API can)."
    if not SPECS[key.key_spec].symmetric:
        return "The online tool cannot use asymmetric keys: see the Public key tab to sign and verify."
    if key.key_usage != ENCRYPT_DECRYPT:
        return f"This key's usage is {key.key_usage}: the online tool encrypts with ENCRYPT_DECRYPT keys only."
    if key.key_state is not KeyState.ENABLED:
        return f"The key is {key.state_label}: only Enabled keys encrypt and decrypt."
    return ""


class OnlineToolPane(DetailPane):
    def compose(self) -> ComposeResult:
        yield Label("", id="tool-note", classes="note")
        with Horizontal(id="tool-io"):
            with Vertical():
                yield Label("Input: text to encrypt, or ciphertext (base64) to decrypt", classes="area-label")
                yield TextArea(id="tool-input", soft_wrap=True, show_line_numbers=False)
            with Vertical():
                yield Label("Result", classes="area-label", id="result-label")
                yield TextArea(id="tool-output", read_only=True, soft_wrap=True, show_line_numbers=False)
        with Horizontal(classes="buttons"):
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
        reason = tool_refusal(self.item)
        self.query_one("#tool-note", Label).update(reason or f"Encrypts with {self.item.key_alias}; "
                                                   "decrypt finds the key from the ciphertext.")
        self.query_one("#tool-note").set_class(bool(reason), "refused")
        for wid in ("#encrypt", "#decrypt", "#tool-input"):
            self.query_one(wid).disabled = bool(reason)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if event.text_area.id == "tool-input":
            n = len(event.text_area.text.encode("utf-8"))
            label = self.query_one("#tool-count", Label)
            label.update(f"{n} / {MAX_BYTES} bytes")
            label.set_class(n > MAX_BYTES, "error")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        getattr(self, f"do_{event.button.id}")()

    def _output(self, text: str, label: str) -> None:
        self.query_one("#tool-output", TextArea).text = text
        self.query_one("#result-label", Label).update(label)

    def do_encrypt(self) -> None:
        data = self.query_one("#tool-input", TextArea).text.encode("utf-8")
        if not 1 <= len(data) <= MAX_BYTES:
            self.notify(f"enter 1 to {MAX_BYTES} bytes of text to encrypt", severity="warning")
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
                         done=lambda r: self._output(r.plain_text.decode("utf-8", errors="replace"),
                                                     f"Result: plaintext (key {r.key_id})"))

    def do_clear(self) -> None:
        self.query_one("#tool-input", TextArea).text = ""
        self._output("", "Result")

    def do_copy(self) -> None:
        text = self.query_one("#tool-output", TextArea).text
        if text:
            self.app.copy_to_clipboard(text)
            self.notify("Copied the result to the clipboard", timeout=3)
