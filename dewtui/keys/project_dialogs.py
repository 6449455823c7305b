"""Enterprise projects from the keys list: create one, and move a key into one ("Add to
project", as the console calls it).

Both are checked forms: the engine checks the name (1-64 of letters, digits, _ -, not taken)
or the move (not a default key, not pending deletion) before the dialog closes, and a
refusal stays in the dialog beside its field. New keys choose their project in the
create-key dialog, which lists the projects the engine has.
"""
from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static

from dewtui.keys.checked_form import CheckedForm
from dewtui.keys.key_form import field_row


class NewProjectDialog(CheckedForm[str]):
    """Returns the name of the project created."""

    CALL_LABEL = "create project"

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="new-project"):
            yield Label("Create enterprise project", classes="dialog-title")
            yield Label("Keys and secrets can be grouped by project; the list filters by it.", classes="explain")
            yield field_row("Project name", Input(placeholder="1-64: letters, digits, _ -", id="project-name"))
            yield Static("", id="errors", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Create", variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#project-name", Input).focus()

    def request(self) -> str | None:
        name = self.query_one("#project-name", Input).value.strip()
        if not name:
            self.query_one("#errors", Static).update("• enter the project's name")
            return None
        return name

    def engine_call(self, name: str):
        kms = self.app.engine.kms  # type: ignore[attr-defined]
        return lambda: kms.create_enterprise_project(name)

    def field_for(self, err) -> str:
        return "project-name"


class MoveKeyDialog(CheckedForm[object]):
    """Returns the moved key's details."""

    CALL_LABEL = "move key"

    def __init__(self, key, projects: list[str]) -> None:
        super().__init__()
        self.key, self.projects = key, projects

    def compose(self) -> ComposeResult:
        others = [p for p in self.projects if p != self.key.enterprise_project_id] or self.projects
        with Vertical(classes="dialog", id="move-key"):
            yield Label("Add to project", classes="dialog-title")
            yield Static(f"Key [b]{self.key.key_alias}[/]  [dim]now in {self.key.enterprise_project_id}[/]",
                         classes="key-list")
            yield field_row("Project", Select([(p, p) for p in others], value=others[0], allow_blank=False,
                                              id="to-project"))
            yield Static("", id="errors", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Move", variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#to-project", Select).focus()

    def request(self) -> str | None:
        return str(self.query_one("#to-project", Select).value)

    def engine_call(self, project: str):
        kms, key_id = self.app.engine.kms, self.key.key_id  # type: ignore[attr-defined]
        return lambda: kms.move_key(key_id, project)

    def field_for(self, err) -> str:
        return "to-project"
