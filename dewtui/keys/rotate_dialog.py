"""Confirm "Rotate now": a new material version becomes current; every old one is kept.

Returns True to rotate (None when cancelled).
"""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, Static

from dewtui.widgets.form import FormDialog


class RotateConfirmDialog(FormDialog[bool]):
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("y", "submit", "Rotate")]

    def __init__(self, key, versions: int) -> None:
        super().__init__()
        self.key, self.versions = key, versions

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="rotate-confirm"):
            yield Label("Rotate key now", classes="dialog-title")
            yield Static(f"Key [b]{self.key.key_alias}[/]  [dim]{self.key.key_spec} · {self.key.key_id}[/]",
                         classes="key-list")
            yield Label(f"New key material (version {self.versions + 1}) is generated and used for every new "
                        "encryption and data key. All earlier versions are kept: data encrypted before "
                        "still decrypts. Key id, alias, grants and tags do not change.", classes="explain")
            with Horizontal(classes="buttons"):
                yield Button("Rotate now", variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#ok", Button).focus()

    def request(self) -> bool:
        return True
