"""Set or clear a version's expiry time (UTC, `YYYY-MM-DD` or `YYYY-MM-DD HH:MM`).

Times are read by `dewtui.shell.fmt.parse_utc`, as in the add-version dialog. The engine
re-checks that the time is in the future. Returns an `ExpiryRequest`, or None.
"""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label

from dewtui.secrets.requests import ExpiryRequest
from dewtui.shell.fmt import parse_utc, when
from dewtui.widgets.form import FormDialog

PLACEHOLDER = "YYYY-MM-DD HH:MM (UTC); empty: never"


class ExpiryDialog(FormDialog[ExpiryRequest]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, secret_name: str, version) -> None:
        super().__init__()
        self.secret_name, self.version = secret_name, version

    def compose(self) -> ComposeResult:
        current = self.version.expire_time
        with Vertical(classes="dialog", id="expiry-dialog"):
            yield Label(f"Expiry of {self.secret_name} {self.version.id}", classes="dialog-title")
            yield Label("When the time passes, a SECRET_VERSION_EXPIRED event is raised for a secret "
                        "subscribed to events. The value stays readable.", classes="explain")
            with Horizontal(classes="field"):
                yield Label("Expires", classes="field-label")
                yield Input(when(current) if current else "", placeholder=PLACEHOLDER, id="expiry")
            yield Label("", id="expiry-error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Save", variant="primary", id="ok")
                yield Button("Clear expiry", id="clear")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#expiry", Input).focus()

    def request(self) -> ExpiryRequest | None:
        try:
            t = parse_utc(self.query_one("#expiry", Input).value)
        except ValueError as e:
            self.query_one("#expiry-error", Label).update(f"• {e}")
            return None
        return ExpiryRequest(self.version.id, t)

    def on_other_button(self, button_id: str | None) -> None:
        if button_id == "clear":
            self.dismiss(ExpiryRequest(self.version.id, None))
