"""Delete a secret: schedule deletion (7–30 days) or delete now, confirmed by typing its name.

As the guide warns, a secret deleted now can only come back from a backup downloaded
before; a scheduled deletion can be cancelled until its date. OK stays disabled until the
typed name matches exactly. Returns a `DeleteSecretRequest`, or None.
"""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, RadioButton, RadioSet

from dewtui.secrets.requests import DeleteSecretRequest
from dewtui.widgets.form import FormDialog
from dewtui.widgets.whole_number import WholeNumberInput
from engine.catalog import MAX_WINDOW_DAYS, MIN_WINDOW_DAYS

EXPLAIN = {
    False: "The secret becomes Pending deletion: its values cannot be read, its name stays "
           "taken, and you can cancel the deletion until the date.",
    True: "The secret, every version, stage and tag are deleted immediately and for good. "
          "Only a backup downloaded before can bring it back.",
}


class DeleteSecretDialog(FormDialog[DeleteSecretRequest]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, name: str) -> None:
        super().__init__()
        self.secret_name = name

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="delete-secret"):
            yield Label(f"Delete secret {self.secret_name}", classes="dialog-title")
            with RadioSet(id="delete-mode"):
                yield RadioButton("Schedule deletion", value=True, id="mode-schedule")
                yield RadioButton("Delete now", id="mode-now")
            yield Label(EXPLAIN[False], id="delete-explain", classes="explain")
            with Horizontal(classes="field", id="days-field"):
                yield Label(f"Days ({MIN_WINDOW_DAYS}–{MAX_WINDOW_DAYS})", classes="field-label")
                yield WholeNumberInput(MAX_WINDOW_DAYS, MIN_WINDOW_DAYS, MAX_WINDOW_DAYS, "days", id="days")
            with Horizontal(classes="field"):
                yield Label("Type the name", classes="field-label")
                yield Input(placeholder=self.secret_name, id="confirm-name")
            yield Label("", id="delete-error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Schedule deletion", variant="error", id="ok", disabled=True)
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#confirm-name", Input).focus()

    @property
    def now(self) -> bool:
        return self.query_one("#mode-now", RadioButton).value

    def _days(self) -> int | None:
        return self.query_one("#days", WholeNumberInput).number()

    def _refresh(self) -> None:
        now = self.now
        self.query_one("#delete-explain", Label).update(EXPLAIN[now])
        self.query_one("#days-field").display = not now
        days_ok = now or self._days() is not None
        self.query_one("#delete-error", Label).update(
            "" if days_ok else self.query_one("#days", WholeNumberInput).problem())
        ok = self.query_one("#ok", Button)
        ok.label = "Delete now" if now else "Schedule deletion"
        ok.disabled = not (days_ok and self.query_one("#confirm-name", Input).value == self.secret_name)

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        self._refresh()

    def on_input_changed(self, event: Input.Changed) -> None:
        self._refresh()

    def request(self) -> DeleteSecretRequest | None:
        """Enter (or OK) with the name not typed yet says so beside the buttons: never silent."""
        self._refresh()
        if self.query_one("#ok", Button).disabled:
            if self.query_one("#confirm-name", Input).value != self.secret_name:
                self.query_one("#delete-error", Label).update(
                    f"Type the name {self.secret_name} exactly to confirm.")
            return None
        return DeleteSecretRequest(self.secret_name, self.now, self._days() or MAX_WINDOW_DAYS)
