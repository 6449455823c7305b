"""Add a version: the new value (text or key/value pairs) and an optional expiry time.

The new version becomes SYSCURRENT and the old current one SYSPREVIOUS (the engine's one
stage function does that). Enter in a field (or ctrl+s) adds; in the text value enter is a
new line. Returns an `AddVersionRequest`, or None.
"""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from dewtui.secrets.expiry_dialog import PLACEHOLDER
from dewtui.secrets.requests import AddVersionRequest
from dewtui.secrets.value_editor import ValueEditor
from dewtui.shell.fmt import parse_utc
from dewtui.widgets.form import FormDialog


class AddVersionDialog(FormDialog[AddVersionRequest]):
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "submit", "Add version")]
    REFUSAL_FIELDS = {"expire_time": "version-expiry"}  # e.g. an expiry in the past

    def __init__(self, secret_name: str, kind: str = "text") -> None:
        super().__init__()
        self.secret_name, self.kind = secret_name, kind

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="add-version"):
            yield Label(f"Add a version to {self.secret_name}", classes="dialog-title")
            yield Label("The new version becomes SYSCURRENT; the current one becomes SYSPREVIOUS.",
                        classes="explain")
            yield ValueEditor(self.kind, id="version-value")
            with Horizontal(classes="field"):
                yield Label("Expires", classes="field-label")
                yield Input(placeholder=PLACEHOLDER, id="version-expiry")
            yield Static("", id="errors", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Add version", variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        editor = self.query_one(ValueEditor)
        target = "#value-text" if editor.kind == "text" else ".kv-key"
        editor.query(target).first().focus()

    def request(self) -> AddVersionRequest | None:
        editor = self.query_one(ValueEditor)
        errors = []
        problem = editor.problem()
        if problem:
            errors.append(problem)
        expire = None
        try:
            expire = parse_utc(self.query_one("#version-expiry", Input).value)
        except ValueError as e:
            errors.append(str(e))
        self.query_one("#errors", Static).update("\n".join(f"• {m}" for m in errors))
        return None if errors else AddVersionRequest(editor.value(), expire)
