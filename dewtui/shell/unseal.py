"""Unseal prompt: the root key is passphrase-sealed; ask for the passphrase (never echoed)."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label

from dewtui.widgets.form import FormDialog


class UnsealDialog(FormDialog[str]):
    """Returns the passphrase typed, or None to quit."""

    BINDINGS = [Binding("escape", "cancel", "Quit")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="unseal"):
            yield Label("Unseal dewtui", classes="dialog-title")
            yield Label("The root key is sealed with a passphrase. Enter it to open your keys.")
            yield Input(password=True, placeholder="passphrase", id="passphrase")
            with Horizontal(classes="buttons"):
                yield Button("Unseal", variant="primary", id="ok")
                yield Button("Quit", id="cancel")

    def request(self) -> str | None:
        return self.query_one("#passphrase", Input).value or None
