"""Confirm deleting the imported material of an external symmetric key (guide 2.1.3.3).

The key goes to Pending import and cannot be used until the SAME material is imported again;
its ciphertexts cannot be decrypted meanwhile. OK stays reachable (a disabled button is
skipped by tab): until "I understand…" is ticked a note beside the buttons says so and OK
only repeats it, moving to the box. Returns True to delete.
"""
from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Label, Static

from dewtui.widgets.form import FormDialog
from engine import KeyState
from engine.catalog import SPECS

TICK_FIRST = "tick the confirmation first"
UNDERSTAND = "I understand that data encrypted with this key cannot be decrypted until the same material is imported again"


def delete_material_refusal(key) -> str:
    """Why the material of `key` cannot be deleted ('' when it can)."""
    if key.origin != "external":
        return f"{key.key_alias} has generated material (origin kms): it cannot be deleted"
    if not SPECS[key.key_spec].symmetric:
        return (f"the material of asymmetric key {key.key_alias} cannot be deleted: "
                "schedule the key's deletion instead")
    if key.key_state not in (KeyState.ENABLED, KeyState.DISABLED):
        return f"{key.key_alias} is {key.state_label}: only Enabled or Disabled keys have material to delete"
    return ""


class DeleteMaterialDialog(FormDialog[bool]):
    """Returns True to delete the material, once "I understand…" is ticked."""

    def __init__(self, key) -> None:
        super().__init__()
        self.key = key

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="delete-material"):
            yield Label("Delete key material", classes="dialog-title")
            yield Static(f"Key [b]{self.key.key_alias}[/]  [dim]{self.key.key_spec} · {self.key.key_id}[/]",
                         classes="key-list")
            yield Label("The key becomes Pending import and cannot encrypt or decrypt. To use it again, "
                        "import the same key material (a different one is refused).", classes="explain")
            yield Checkbox(UNDERSTAND, id="understand")
            with Horizontal(classes="buttons"):
                yield Button("Delete material", variant="error", id="ok")
                yield Button("Cancel", id="cancel")
                yield Label(TICK_FIRST, id="ok-why", classes="note")

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        why = self.query_one("#ok-why", Label)
        why.remove_class("refused")
        why.update("" if event.value else TICK_FIRST)

    def request(self) -> bool | None:
        if self.query_one("#understand", Checkbox).value:
            return True
        self.query_one("#ok-why", Label).add_class("refused")
        self.query_one("#understand", Checkbox).focus()
        return None
