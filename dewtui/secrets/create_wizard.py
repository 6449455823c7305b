"""Create-secret wizard, in the guide's order: the secret (type, name, project, description, KMS
key), its value (text, or key/value pairs), tags, rotation, then a confirm page.

One FormDialog whose steps live in a ContentSwitcher; Next (or enter in a field) checks the
current step with the engine's own pure validators (name, description, value, tags, period,
generator) so a mistake is shown where it was made. Create runs the engine in a worker while
the wizard stays open: a refusal (a name already taken) goes back to the step of that field
and shows the code and message there, with everything typed kept. The confirm page describes the value's shape only,
never the value. Returns a `CreateSecretRequest`, or None.
"""
from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, ContentSwitcher, Input, Label, Select, Static

from dewtui.secrets.kv_editor import KvEditor
from dewtui.secrets.requests import CreateSecretRequest
from dewtui.secrets.rotation_form import RotationForm
from dewtui.secrets.value_editor import ValueEditor
from dewtui.widgets.form import FormDialog
from engine import DewError
from engine.catalog import check_secret_description, check_secret_name, normalize_tags

STEPS: tuple[tuple[str, str], ...] = (
    ("basics", "Secret"), ("value", "Value"), ("tags", "Tags"), ("rotation", "Rotation"),
    ("confirm", "Confirm"),
)
DEFAULT_KEY = "csms/default"


def _row(label: str, widget) -> Horizontal:
    return Horizontal(Label(label, classes="field-label"), widget, classes="field")


class CreateSecretWizard(FormDialog[CreateSecretRequest]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+n", "next", "Next"),
        Binding("ctrl+b", "back", "Back"),
    ]
    # a refusal of the engine's create_secret, by a word of its message, to the field it concerns
    REFUSAL_FIELDS = {"secret named": "secret-name", "description": "secret-description",
                      "KMS key": "secret-key", "key ": "secret-key", "tag": "secret-tags"}

    def __init__(self, projects: list[str] | None = None, keys: list[tuple[str, str]] | None = None,
                 max_tags: int = 20) -> None:
        super().__init__()
        self.loading_choices = projects is None  # filled by set_choices() from a worker
        self.projects = projects or ["default"]
        self.keys = keys or [(DEFAULT_KEY, DEFAULT_KEY)]
        self.max_tags = max_tags
        self.step = 0

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="create-secret"):
            yield Label("", id="wizard-title", classes="dialog-title")
            yield Static("", id="wizard-steps")
            with VerticalScroll(id="wizard-scroll"):
                with ContentSwitcher(initial="step-basics", id="wizard-body"):
                    with Vertical(id="step-basics", classes="wizard-step"):
                        yield _row("Type", Select([("Shared secret", "COMMON")], value="COMMON",
                                                  allow_blank=False, id="secret-type"))
                        yield _row("Name", Input(placeholder="1-64: letters, digits, _ -", id="secret-name"))
                        yield _row("Project", Select([(p, p) for p in self.projects], value=self.projects[0],
                                                     allow_blank=False, id="secret-project"))
                        yield _row("Description", Input(placeholder="optional", id="secret-description"))
                        yield _row("KMS key", Select(self.keys, value=self.keys[0][1], allow_blank=False,
                                                     id="secret-key"))
                        yield Label("csms/default is created on first use; custom keys must be Enabled "
                                    "AES_256 keys.", classes="note")
                    with Vertical(id="step-value", classes="wizard-step"):
                        yield ValueEditor(id="secret-value")
                    with Vertical(id="step-tags", classes="wizard-step"):
                        yield Label(f"Optional, up to {self.max_tags} tags.", classes="note")
                        yield KvEditor(max_rows=self.max_tags, add_label="+ Add tag",
                                       placeholders=("tag key", "tag value"), id="secret-tags")
                    with Vertical(id="step-rotation", classes="wizard-step"):
                        yield RotationForm(id="secret-rotation")
                    with Vertical(id="step-confirm", classes="wizard-step"):
                        yield Static("", id="confirm-summary")
            yield Static("", id="errors", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Back", id="back")
                yield Button("Next", variant="primary", id="next")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self._show()
        if self.loading_choices:
            for select in self._choice_selects():
                select.loading = True

    def _choice_selects(self) -> list[Select]:
        return [self.query_one("#secret-project", Select), self.query_one("#secret-key", Select)]

    def set_choices(self, projects: list[str], keys: list[tuple[str, str]]) -> None:
        """The projects and keys, loaded while the wizard was already open."""
        self.projects, self.keys = projects or ["default"], keys or [(DEFAULT_KEY, DEFAULT_KEY)]
        project, key = self._choice_selects()
        chosen_project, chosen_key = project.value, key.value
        project.set_options([(p, p) for p in self.projects])
        project.value = chosen_project if chosen_project in self.projects else self.projects[0]
        key.set_options(self.keys)
        key_values = [v for _l, v in self.keys]
        key.value = chosen_key if chosen_key in key_values else self.keys[0][1]
        self.loading_choices = False
        for select in (project, key):
            select.loading = False

    # --- navigation ---------------------------------------------------------------------
    def _show(self) -> None:
        step_id, title = STEPS[self.step]
        self.query_one("#wizard-body", ContentSwitcher).current = f"step-{step_id}"
        self.query_one("#wizard-title", Label).update(
            f"Create secret — step {self.step + 1} of {len(STEPS)}: {title}")
        self.query_one("#wizard-steps", Static).update(" › ".join(
            f"[b reverse] {t} [/]" if i == self.step else f"[dim] {t} [/]" for i, (_s, t) in enumerate(STEPS)))
        self.query_one("#back", Button).disabled = self.step == 0
        last = self.step == len(STEPS) - 1
        nxt = self.query_one("#next", Button)
        nxt.label = "Create" if last else "Next"
        self.query_one("#errors", Static).update("")
        if step_id == "confirm":
            self.query_one("#confirm-summary", Static).update(self._summary())
        self._focus(step_id)

    def _focus(self, step_id: str) -> None:
        target = {"basics": "#secret-name", "value": "#value-text", "tags": "#secret-tags .kv-key",
                  "rotation": "#rot-enabled", "confirm": "#next"}[step_id]
        if step_id == "value" and self.query_one(ValueEditor).kind == "kv":
            target = "#value-kv .kv-key"
        found = self.query(target)
        if found:
            found.first().focus()

    def action_next(self) -> None:
        problems = self._check(STEPS[self.step][0])
        if problems:
            self.query_one("#errors", Static).update("\n".join(f"• {p}" for p in problems))
            return
        if self.step == len(STEPS) - 1:
            super().action_submit()  # the engine creates it; a refusal keeps the wizard open
            return
        self.step += 1
        self._show()

    def action_back(self) -> None:
        if self.step > 0:
            self.step -= 1
            self._show()

    def action_submit(self) -> None:
        """Submitting a wizard moves to the next step; the last step returns the request."""
        self.action_next()

    def on_other_button(self, button_id: str | None) -> None:
        if button_id == "next":
            self.action_next()
        elif button_id == "back":
            self.action_back()

    def show_refusal(self, err: DewError) -> None:
        """Go back to the step of the field the refusal concerns, then show it there."""
        field = self.refused_field(err)
        if field is not None:
            step = next((a.id for a in field.ancestors if (a.id or "").startswith("step-")), None)
            ids = [f"step-{s}" for s, _t in STEPS]
            if step in ids:
                self.step = ids.index(step)
                self._show()
        super().show_refusal(err)

    # --- checks and the request ---------------------------------------------------------
    def _check(self, step_id: str) -> list[str]:
        out: list[str] = []

        def run(fn, *args) -> None:
            try:
                fn(*args)
            except DewError as e:
                out.append(e.message)

        if step_id in ("basics", "confirm"):
            run(check_secret_name, self.query_one("#secret-name", Input).value)
            run(check_secret_description, self.query_one("#secret-description", Input).value)
        if step_id in ("value", "confirm"):
            problem = self.query_one(ValueEditor).problem()
            if problem:
                out.append(problem)
        if step_id in ("tags", "confirm"):
            run(self._tags)
        if step_id in ("rotation", "confirm"):
            run(self.query_one(RotationForm).request)
        return out

    def _tags(self) -> list[tuple[str, str]]:
        tags = normalize_tags(self.query_one("#secret-tags", KvEditor).pairs(), "CSMS")
        if len(tags) > self.max_tags:
            raise DewError("CSMS.0002", f"at most {self.max_tags} tags")
        return tags

    def _key(self) -> tuple[str | None, str]:
        value = str(self.query_one("#secret-key", Select).value)
        label = next((lbl for lbl, v in self.keys if v == value), value)
        return (None if value == DEFAULT_KEY else value), label

    def request(self) -> CreateSecretRequest:
        key_id, key_label = self._key()
        rotation = self.query_one(RotationForm).request()
        return CreateSecretRequest(
            name=self.query_one("#secret-name", Input).value,
            value=self.query_one(ValueEditor).value(),
            description=self.query_one("#secret-description", Input).value,
            kms_key_id=key_id, kms_key_label=key_label,
            enterprise_project_id=str(self.query_one("#secret-project", Select).value),
            tags=tuple(self._tags()), rotation=rotation.kwargs() if rotation.enabled else None,
            secret_type=str(self.query_one("#secret-type", Select).value))

    def _summary(self) -> str:
        try:
            req = self.request()
        except DewError as e:
            return f"[red]{e.message}[/]"
        tags = ", ".join(f"{k}={v}" for k, v in req.tags) or "none"
        rows = [("Type", "Shared secret"), ("Name", req.name), ("Project", req.enterprise_project_id),
                ("Description", req.description or "—"), ("KMS key", req.kms_key_label),
                ("Value", req.value.summary()), ("Tags", tags),
                ("Rotation", self.query_one(RotationForm).summary())]
        body = "\n".join(f"[dim]{k:<14}[/] {escape(v) if k != 'Rotation' else v}" for k, v in rows)
        return body + "\n\n[b]Create[/] stores the value as version v1 with stage SYSCURRENT."
