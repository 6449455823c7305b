"""Public key tab (asymmetric keys): the PEM, copy it, and try sign/verify with this key.

The signature is made by the engine with the private key it keeps sealed; what is shown
here (PEM, base64 signature) is public. `openssl dgst -verify` accepts both.
"""
from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input, Label, Select, TextArea

from dewtui.widgets.detail import DetailPane
from engine import KeyState
from engine.catalog import EC_SIGNING, RSA_SIGNING, SIGN_VERIFY, is_rsa


def algorithms(spec: str) -> tuple[str, ...]:
    return RSA_SIGNING if is_rsa(spec) else EC_SIGNING


class PublicKeyPane(DetailPane):
    def compose(self) -> ComposeResult:
        with Horizontal(classes="buttons"):
            yield Label("Public key (PEM, SubjectPublicKeyInfo)", classes="area-label")
            yield Button("Copy PEM", id="copy-pem")
        yield TextArea("", id="pem", read_only=True, show_line_numbers=False)
        if self.item.key_usage == SIGN_VERIFY:
            yield Label("Try it: sign a message with this key, then verify the signature", classes="area-label")
            with Horizontal(classes="field"):
                yield Input(placeholder="message to sign", id="sign-message")
                algos = algorithms(self.item.key_spec)
                yield Select([(a, a) for a in algos], value=algos[0], allow_blank=False, id="sign-algorithm")
            with Horizontal(classes="field"):
                yield Input(placeholder="signature (base64)", id="signature")
            with Horizontal(classes="buttons"):
                yield Button("Sign", variant="primary", id="sign")
                yield Button("Verify", id="verify")
                yield Label("", id="verify-result")
        else:
            yield Label("This key encrypts (RSA OAEP) rather than signs: share the PEM with whoever "
                        "encrypts data for it.", classes="note")

    def on_mount(self) -> None:
        self.load_pem()

    def load_pem(self) -> None:
        if self.item.key_state is KeyState.PENDING_IMPORT:
            self.query_one("#pem", TextArea).text = "(no key material yet: import it first)"
            return
        kms, key_id = self.engine.kms, self.item.key_id
        self.call_engine(lambda: kms.get_publickey(key_id), label="get public key",
                         done=lambda pem: setattr(self.query_one("#pem", TextArea), "text", pem))

    def show_item(self, key) -> None:
        super().show_item(key)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        getattr(self, "do_" + str(event.button.id).replace("-", "_"))()

    def do_copy_pem(self) -> None:
        pem = self.query_one("#pem", TextArea).text
        if pem.startswith("-----BEGIN"):
            self.app.copy_to_clipboard(pem)
            self.notify("Copied the public key to the clipboard", timeout=3)

    def _args(self) -> tuple[bytes, str]:
        message = self.query_one("#sign-message", Input).value.encode("utf-8")
        return message, str(self.query_one("#sign-algorithm", Select).value)

    def do_sign(self) -> None:
        message, algorithm = self._args()
        kms, key_id = self.engine.kms, self.item.key_id
        self.call_engine(lambda: kms.sign(key_id, message, algorithm), label="sign", success="Signed",
                         done=self._signed)

    def _signed(self, result) -> None:
        self.query_one("#signature", Input).value = result.signature
        self.query_one("#verify-result", Label).update("")

    def do_verify(self) -> None:
        message, algorithm = self._args()
        signature = self.query_one("#signature", Input).value.strip()
        kms, key_id = self.engine.kms, self.item.key_id
        self.call_engine(lambda: kms.verify(key_id, message, signature, algorithm), label="verify",
                         done=self._verified)

    def _verified(self, valid: bool) -> None:
        label = self.query_one("#verify-result", Label)
        label.update("[green]✔ signature valid[/]" if valid else "[red]✘ signature does not match[/]")
