"""Add a tag, or edit a tag's value (the key is fixed then). Returns a `TagRequest`.

Keys and secrets share it; the rules are the engine's (`validate_tag`) for the family given:
keys take English letters only, secrets also other scripts (e.g. Chinese).
"""
from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from dewtui.widgets.form import FormDialog
from engine import DewError
from engine.catalog import validate_tag


@dataclass(frozen=True)
class TagRequest:
    key: str
    value: str = ""
    editing: bool = False


class TagDialog(FormDialog[TagRequest]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, key: str = "", value: str = "", family: str = "KMS") -> None:
        super().__init__()
        self.family = family
        self.editing = bool(key)
        self.tag_key, self.tag_value = key, value

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="tag-dialog"):
            yield Label("Edit tag" if self.editing else "Add tag", classes="dialog-title")
            with Horizontal(classes="field"):
                yield Label("Tag key", classes="field-label")
                yield Input(self.tag_key, id="tag-key", disabled=self.editing,
                            placeholder="1-128: English letters, digits, space, _ - @"
                            if self.family == "KMS" else "1-128: letters, digits, space, _ - @")
            with Horizontal(classes="field"):
                yield Label("Tag value", classes="field-label")
                yield Input(self.tag_value, id="tag-value", placeholder="0-255, may be empty")
            yield Static("", id="errors", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("OK", variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#tag-value" if self.editing else "#tag-key", Input).focus()

    def request(self) -> TagRequest | None:
        key = self.query_one("#tag-key", Input).value
        value = self.query_one("#tag-value", Input).value
        try:
            validate_tag(key, value, self.family)
        except DewError as e:
            self.query_one("#errors", Static).update(f"• {e.message}")
            return None
        return TagRequest(key, value, self.editing)
