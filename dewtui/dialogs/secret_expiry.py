"""Set or clear a version's expiry time (UTC, `YYYY-MM-DD` or `YYYY-MM-DD HH:MM`).

`parse_expiry` is shared with the add-version dialog. The engine re-checks that the time is
in the future. Returns an `ExpiryRequest`, or None.
"""
from __future__ import annotations

from datetime import datetime, timezone

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from dewtui.fmt import when
from dewtui.secret_requests import ExpiryRequest

FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d")
PLACEHOLDER = "YYYY-MM-DD HH:MM (UTC); empty: never"


def parse_expiry(text: str) -> datetime | None:
    """An aware UTC datetime, None for empty text; ValueError when the text is not a time."""
    text = text.strip()
    if not text:
        return None
    for fmt in FORMATS:
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=timezone.utc)
        except ValueError:
            continue
    raise ValueError(f"not a time: use {FORMATS[0].replace('%', '')}")


class ExpiryDialog(ModalScreen[ExpiryRequest | None]):
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

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._ok()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self._ok()
        elif event.button.id == "clear":
            self.dismiss(ExpiryRequest(self.version.id, None))
        else:
            self.dismiss(None)

    def _ok(self) -> None:
        try:
            t = parse_expiry(self.query_one("#expiry", Input).value)
        except ValueError as e:
            self.query_one("#expiry-error", Label).update(f"• {e}")
            return
        self.dismiss(ExpiryRequest(self.version.id, t))

    def action_cancel(self) -> None:
        self.dismiss(None)
