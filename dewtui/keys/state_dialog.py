"""Confirm enable / disable / cancel deletion over one or more keys.

Disabling asks for "I understand the impact of disabling keys" as the guide does. OK stays
reachable (a disabled button is skipped by tab, so tab, enter would land on Cancel and close
the dialog with nothing said): until the box is ticked, a note beside the buttons says so and
OK only repeats it. Cancelling says that nothing changed. Returns a `StateChangeRequest`, or
None when cancelled.
"""
from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Label, Static

from dewtui.keys.requests import KeyRef, StateChangeRequest
from dewtui.shell.fmt import clip
from dewtui.widgets.form import FormDialog

TITLES = {"enable": "Enable keys", "disable": "Disable keys", "cancel_deletion": "Cancel scheduled deletion"}
EXPLAIN = {
    "enable": "Enabled keys can encrypt, decrypt, sign and make data keys again.",
    "disable": "A disabled key cannot encrypt or decrypt any data until it is enabled again.",
    "cancel_deletion": "The keys go back to Disabled (or Pending import if they never had material).",
}
CHECKBOX = {"disable": "I understand the impact of disabling keys"}
TICK_FIRST = "tick the confirmation first"


def key_list(keys: tuple[KeyRef, ...], shown: int = 8) -> str:
    lines = [f"  • {clip(k.alias, 40)}  [dim]{k.key_id}[/]" for k in keys[:shown]]
    if len(keys) > shown:
        lines.append(f"  … and {len(keys) - shown} more")
    return "\n".join(lines)


class ConfirmKeysDialog(FormDialog[StateChangeRequest]):
    """Enable, disable or cancel the deletion of some keys; some actions need "I understand…"."""

    def __init__(self, action: str, keys: tuple[KeyRef, ...]) -> None:
        super().__init__()
        self.action_name = action
        self.keys = keys

    def compose(self) -> ComposeResult:
        n = len(self.keys)
        with Vertical(classes="dialog", id="confirm-keys"):
            yield Label(f"{TITLES[self.action_name]} ({n})", classes="dialog-title")
            yield Label(EXPLAIN[self.action_name], classes="explain")
            yield Static(key_list(self.keys), classes="key-list")
            if self.action_name in CHECKBOX:
                yield Checkbox(CHECKBOX[self.action_name], id="understand")
            with Horizontal(classes="buttons"):
                yield Button("OK", variant="primary", id="ok")
                yield Button("Cancel", id="cancel")
                yield Label(TICK_FIRST if self.action_name in CHECKBOX else "", id="ok-why", classes="note")

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        why = self.query_one("#ok-why", Label)
        why.remove_class("refused")
        why.update("" if event.value else TICK_FIRST)

    def request(self) -> StateChangeRequest | None:
        if self.action_name in CHECKBOX and not self.query_one("#understand", Checkbox).value:
            self.query_one("#ok-why", Label).add_class("refused")
            self.query_one("#understand", Checkbox).focus()
            return None
        return StateChangeRequest(self.action_name, self.keys)

    def action_cancel(self) -> None:
        self.app.notify(f"{TITLES[self.action_name]}: cancelled, nothing changed")
        super().action_cancel()
