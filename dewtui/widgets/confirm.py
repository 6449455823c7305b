"""A plain yes/no confirmation (e.g. deleting a tag)."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label

from dewtui.widgets.form import FormDialog


class ConfirmDialog(FormDialog[bool]):
    """Returns True when confirmed (OK or `y`), None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("y", "submit", "Yes")]

    def __init__(self, title: str, text: str, ok: str = "OK") -> None:
        super().__init__()
        self.title_text, self.text, self.ok = title, text, ok

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="confirm"):
            yield Label(self.title_text, classes="dialog-title")
            yield Label(self.text, classes="explain")
            with Horizontal(classes="buttons"):
                yield Button(self.ok, variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def request(self) -> bool:
        return True
