"""Rotation settings form (wizard step and the Rotation tab's dialog): off, or a period and a
generator (random password of a length and alphabet, or key/value pairs with one generated
field). Checked with the engine's own `parse_period` / `check_generator`.
"""
from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Input, Label, Select

from dewtui.secrets.kv_editor import KvEditor
from dewtui.secrets.requests import RotationRequest
from dewtui.widgets.whole_number import WholeNumberInput
from engine import DewError
from engine.catalog import DEFAULT_ALPHABET, check_generator, parse_period

GENERATORS = [("Random password", "password"), ("Key/value pairs, one field generated", "kv")]


def _row(label: str, widget) -> Horizontal:
    return Horizontal(Label(label, classes="field-label"), widget, classes="field")


class RotationForm(Vertical):
    """`request()` → RotationRequest, or raises DewError naming the wrong field."""

    def __init__(self, config=None, **kw) -> None:
        super().__init__(**kw)
        self.add_class("rotation-form")
        self.config = config  # a RotationConfig to start from, or None

    def compose(self) -> ComposeResult:
        c = self.config
        gen = c.generator if c is not None else {}
        alphabet = gen.get("alphabet", "")
        yield Checkbox("Automatic rotation", value=bool(c and c.auto_rotation), id="rot-enabled")
        with Vertical(id="rot-fields"):
            yield _row("Period", Input((c.rotation_period if c else "") or "30d", id="rot-period",
                                       placeholder="6h to 365d, e.g. 30d, 12h"))
            yield _row("Generator", Select(GENERATORS, value=gen.get("type", "password"),
                                           allow_blank=False, id="rot-type"))
            yield _row("Length", WholeNumberInput(gen.get("length", 32), 8, 4096, "characters", id="rot-length"))
            yield _row("Alphabet", Input("" if alphabet == DEFAULT_ALPHABET else alphabet, id="rot-alphabet",
                                         placeholder="default: letters, digits, symbols"))
            with Vertical(id="rot-kv"):
                yield _row("Generated key", Input(gen.get("field", "password"), id="rot-field"))
                yield Label("Fixed pairs of each new value (template):", classes="note")
                yield KvEditor(tuple((gen.get("template") or {}).items()), id="rot-template",
                               placeholders=("key, e.g. username", "value"))

    def on_mount(self) -> None:
        self._sync()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        if event.checkbox.id == "rot-enabled":
            self._sync()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "rot-type":
            self._sync()

    def _sync(self) -> None:
        on = self.query_one("#rot-enabled", Checkbox).value
        self.query_one("#rot-fields").disabled = not on
        self.query_one("#rot-kv").display = str(self.query_one("#rot-type", Select).value) == "kv"

    def generator(self) -> dict:
        length_field = self.query_one("#rot-length", WholeNumberInput)
        if length_field.problem():
            raise DewError("CSMS.0002", f"generator length: {length_field.problem()}")
        gen: dict = {"type": str(self.query_one("#rot-type", Select).value), "length": int(length_field.value)}
        alphabet = self.query_one("#rot-alphabet", Input).value
        if alphabet:
            gen["alphabet"] = alphabet
        if gen["type"] == "kv":
            gen["field"] = self.query_one("#rot-field", Input).value.strip()
            gen["template"] = dict(self.query_one("#rot-template", KvEditor).pairs())
        check_generator(gen)
        return gen

    def request(self) -> RotationRequest:
        if not self.query_one("#rot-enabled", Checkbox).value:
            return RotationRequest(enabled=False)
        period, _delta = parse_period(self.query_one("#rot-period", Input).value.strip())
        return RotationRequest(True, period, self.generator())

    def summary(self) -> str:
        """One line for a confirm page (template values are not shown, only keys)."""
        try:
            req = self.request()
        except DewError as e:
            return f"[red]{e.message}[/]"
        return rotation_text(req.enabled, req.rotation_period or "", req.generator or {})


def rotation_text(enabled: bool, period: str, gen: dict) -> str:
    if not enabled:
        return "off"
    what = f"{gen.get('length', 32)}-character password"
    if gen.get("type") == "kv":
        keys = ", ".join(list(gen.get("template") or {}) + [gen.get("field", "password")])
        what = f"key/value pairs ({keys}); {gen.get('field', 'password')} is a {what}"
    return f"every {period}, {what}"
