"""Create-key dialog: alias, spec, usage (only what the spec allows), origin, description,
project and tags, validated as the user types. Returns the created key's details.

The fields and their checks are the keys area's new-key form (`dewtui.keys.key_form`),
shared with step 1 of the import wizard. The engine creates the key before the dialog
closes (a checked form): a refusal (alias taken, quota reached…) stays beside its field with
everything typed kept. The material is generated in the engine call's worker; while it runs
(an RSA_4096 key takes a second or two) the dialog shows a progress bar.
"""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, ProgressBar, Select, Static

from dewtui.keys.checked_form import CheckedForm
from dewtui.keys.key_form import NewKeyForm, refused_key_field
from dewtui.keys.requests import CreateKeyRequest
from engine.catalog import SPECS

ORIGINS = [("kms — generate the material", "kms"), ("external — import material later", "external")]


class CreateKeyDialog(NewKeyForm, CheckedForm[object]):
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "submit", "Create")]
    CALL_LABEL = "create key"

    def __init__(self, projects: list[str] | None = None, max_tags: int = 20) -> None:
        super().__init__()
        self.projects = projects or ["default"]
        self.max_tags = max_tags

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="create-key"):
            yield Label("Create key", classes="dialog-title")
            yield from self.key_rows(SPECS, origins=ORIGINS, projects=self.projects)
            yield Static("", id="errors", classes="error")
            with Horizontal(id="creating"):
                yield ProgressBar(total=None, show_eta=False, show_percentage=False, id="create-progress")
                yield Label("", id="creating-what")
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

    def engine_call(self, req: CreateKeyRequest):
        kms = self.app.engine.kms  # type: ignore[attr-defined]
        self._progress(f"Generating {req.key_spec} key material…" if req.origin == "kms" else "Creating the key…")
        return lambda: kms.create_key(**req.kwargs())

    def _progress(self, what: str) -> None:
        self.query_one("#creating-what", Label).update(what)
        self.query_one("#creating").display = bool(what)

    def show_refusal(self, err) -> None:
        self._progress("")
        super().show_refusal(err)

    def field_for(self, err) -> str | None:
        return refused_key_field(err)
