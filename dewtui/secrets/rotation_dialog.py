"""Configure a secret's automatic rotation (the Rotation tab's dialog). Returns a
`RotationRequest`, or None. The engine re-checks period and generator.
"""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Label, Static

from dewtui.secrets.requests import RotationRequest
from dewtui.secrets.rotation_form import RotationForm
from dewtui.widgets.form import FormDialog
from engine import DewError


class RotationDialog(FormDialog[RotationRequest]):
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "submit", "Save")]

    def __init__(self, secret_name: str, config) -> None:
        super().__init__()
        self.secret_name, self.config = secret_name, config

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="rotation-dialog"):
            yield Label(f"Rotation of {self.secret_name}", classes="dialog-title")
            yield Label("Each rotation adds a generated version that becomes SYSCURRENT.", classes="explain")
            with VerticalScroll(id="rotation-scroll"):
                yield RotationForm(self.config)
            yield Static("", id="errors", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Save", variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def request(self) -> RotationRequest | None:
        try:
            return self.query_one(RotationForm).request()
        except DewError as e:
            self.query_one("#errors", Static).update(f"• {e.message}")
            return None
