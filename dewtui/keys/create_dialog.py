"""Create-key dialog: alias, spec, usage (only what the spec allows), origin, description,
project and tags, validated as the user types. Returns a `CreateKeyRequest`.

The checks reuse the engine's own pure validators (alias, description, tags) so the dialog
and the engine never disagree; the engine still re-checks everything when the screen calls
it (and generates RSA material in a worker, never here).
"""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static

from dewtui.widgets.form import FormDialog
from dewtui.keys.requests import CreateKeyRequest
from engine import DewError
from engine.catalog import SPECS, check_key_alias, check_key_description, normalize_tags

ORIGINS = [("kms — generate the material", "kms"), ("external — import material later", "external")]


def parse_tags(text: str) -> list[tuple[str, str]]:
    """`k=v, k2=v2` (a bare `k` means an empty value) → validated pairs; DewError if wrong."""
    pairs = []
    for item in (p.strip() for p in text.split(",")):
        if item:
            k, _, v = item.partition("=")
            pairs.append((k.strip(), v.strip()))
    return normalize_tags(pairs)


def _row(label: str, widget) -> Horizontal:
    return Horizontal(Label(label, classes="field-label"), widget, classes="field")


class CreateKeyDialog(FormDialog[CreateKeyRequest]):
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "submit", "Create")]
    SUBMIT_ON_ENTER = False  # enter moves on; ctrl+s or Create submits

    def __init__(self, projects: list[str] | None = None, max_tags: int = 20) -> None:
        super().__init__()
        self.projects = projects or ["default"]
        self.max_tags = max_tags

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="create-key"):
            yield Label("Create key", classes="dialog-title")
            yield _row("Alias", Input(placeholder="letters, digits, _ - : /  (up to 255)", id="alias"))
            yield _row("Key algorithm", Select([(s, s) for s in SPECS], value="AES_256", allow_blank=False, id="spec"))
            yield _row("Usage", Select([(u, u) for u in SPECS["AES_256"].usages], allow_blank=False, id="usage"))
            yield _row("Origin", Select(ORIGINS, value="kms", allow_blank=False, id="origin"))
            yield _row("Description", Input(placeholder="optional, up to 255 characters", id="description"))
            yield _row("Project", Select([(p, p) for p in self.projects], value=self.projects[0],
                                         allow_blank=False, id="project"))
            yield _row("Tags", Input(placeholder="optional: key=value, key2=value2", id="tags"))
            yield Static("", id="errors", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Create", variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#alias", Input).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "spec" and isinstance(event.value, str):
            usage = self.query_one("#usage", Select)
            usages = SPECS[event.value].usages
            usage.set_options([(u, u) for u in usages])
            usage.value = usages[0]  # the spec's default usage
        self._validate(show_empty_alias=False)

    def on_input_changed(self, event: Input.Changed) -> None:
        self._validate(show_empty_alias=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_submit()

    def _validate(self, show_empty_alias: bool = True) -> CreateKeyRequest | None:
        """Mark invalid fields and list what is wrong; the request when all is well."""
        errors: dict[str, str] = {}
        alias = self.query_one("#alias", Input).value
        spec = str(self.query_one("#spec", Select).value)
        origin = str(self.query_one("#origin", Select).value)
        tags: list[tuple[str, str]] = []
        if alias or show_empty_alias:
            try:
                check_key_alias(alias)
            except DewError as e:
                errors["alias"] = e.message
        try:
            check_key_description(self.query_one("#description", Input).value)
        except DewError as e:
            errors["description"] = e.message
        if origin == "external" and not SPECS[spec].importable:
            errors["origin"] = f"{spec} keys cannot have imported material: choose kms"
        try:
            tags = parse_tags(self.query_one("#tags", Input).value)
            if len(tags) > self.max_tags:
                errors["tags"] = f"at most {self.max_tags} tags per key"
        except DewError as e:
            errors["tags"] = e.message
        for name in ("alias", "description", "origin", "tags"):
            self.query_one(f"#{name}").set_class(name in errors, "-invalid")
        self.query_one("#errors", Static).update("\n".join(f"• {m}" for m in errors.values()))
        if errors or not alias:
            return None
        return CreateKeyRequest(
            key_alias=alias, key_spec=spec, key_usage=str(self.query_one("#usage", Select).value),
            key_description=self.query_one("#description", Input).value, origin=origin,
            enterprise_project_id=str(self.query_one("#project", Select).value), tags=tuple(tags))

    def request(self) -> CreateKeyRequest | None:
        return self._validate()
