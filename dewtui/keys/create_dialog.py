"""Create-key dialog: alias, spec, usage (only what the spec allows), origin, description,
project and tags, validated as the user types. Returns a `CreateKeyRequest`.

The fields and their checks are the keys area's new-key form (`dewtui.keys.key_form`),
shared with step 1 of the import wizard; the engine still re-checks everything when the
screen calls it (and generates RSA material in a worker, never here).
"""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static

from dewtui.keys.key_form import NewKeyForm
from dewtui.keys.requests import CreateKeyRequest
from dewtui.widgets.form import FormDialog
from engine.catalog import SPECS

ORIGINS = [("kms — generate the material", "kms"), ("external — import material later", "external")]


class CreateKeyDialog(NewKeyForm, FormDialog[CreateKeyRequest]):
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "submit", "Create")]

    def __init__(self, projects: list[str] | None = None, max_tags: int = 20) -> None:
        super().__init__()
        self.projects = projects or ["default"]
        self.max_tags = max_tags

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="create-key"):
            yield Label("Create key", classes="dialog-title")
            yield from self.key_rows(SPECS, origins=ORIGINS, projects=self.projects)
            yield Static("", id="errors", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Create", variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#alias", Input).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        self.offer_usages(event)
        self._validate(show_empty_alias=False)

    def on_input_changed(self, event: Input.Changed) -> None:
        self._validate(show_empty_alias=False)

    def _validate(self, show_empty_alias: bool = True) -> CreateKeyRequest | None:
        return self.key_request(origin=str(self.query_one("#origin", Select).value),
                                project=str(self.query_one("#project", Select).value),
                                show_empty_alias=show_empty_alias)

    def request(self) -> CreateKeyRequest | None:
        return self._validate()
