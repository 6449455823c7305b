"""Unseal screen: the root key is passphrase-sealed; ask for the passphrase (never echoed).

The dialog unseals the engine itself (in a worker) and closes only once the passphrase
opened the root key, returning it; a wrong one leaves the dialog open with the refusal said
plainly and nothing about why (the engine refuses it with DEW.0002 and audits it once
unsealed). Quit (escape) returns None.
"""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from dewtui.widgets.form import FormDialog
from engine import DewError

REFUSED = "That passphrase was refused. Type it again."


class UnsealDialog(FormDialog[str]):
    """Returns the passphrase that unsealed the engine, or None to quit."""

    BINDINGS = [Binding("escape", "cancel", "Quit")]

    def compose(self) -> ComposeResult:
        location = getattr(self.app, "location", "")
        with Vertical(classes="dialog", id="unseal"):
            yield Label("Unseal dewtui", classes="dialog-title")
            yield Label("The root key is sealed with a passphrase. Enter it to open your keys.",
                        classes="explain")
            if location:
                yield Label(f"Data: {location}", classes="explain")
            yield Input(password=True, placeholder="passphrase", id="passphrase")
            yield Static("", id="errors", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Unseal", variant="primary", id="ok")
                yield Button("Quit", id="cancel")

    def request(self) -> str | None:
        value = self.query_one("#passphrase", Input).value
        if not value:
            self.query_one("#errors", Static).update("Type the passphrase of the root key.")
            return None
        return value

    def action_submit(self) -> None:
        passphrase = self.request()
        if passphrase is None or self.query_one("#ok", Button).disabled:
            return
        self.query_one("#ok", Button).disabled = True
        self.query_one("#errors", Static).update("Unsealing…")
        engine = getattr(self.app, "root_engine", None) or self.app.engine  # type: ignore[attr-defined]
        self.app.call_engine(lambda: engine.unseal(passphrase), owner=self,  # type: ignore[attr-defined]
                             done=lambda _r: self.dismiss(passphrase), failed=self._refused,
                             label="unseal")

    def _refused(self, err: DewError) -> None:
        self.query_one("#ok", Button).disabled = False
        field = self.query_one("#passphrase", Input)
        field.value = ""
        field.focus()
        self.query_one("#errors", Static).update(REFUSED if err.code == "DEW.0002" else
                                                 f"{err.code}: {err.message}")
