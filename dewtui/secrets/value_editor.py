"""The value of a new secret or version: free text (a text area) or key/value pairs.

Checks reuse the engine's own `encode_value` (size 1-32 KB, non-empty keys), so the editor
and the engine never disagree; the engine re-checks when the screen calls it.
"""
from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import ContentSwitcher, Select, TextArea

from dewtui.secrets.kv_editor import KvEditor
from dewtui.secrets.requests import SecretValue
from engine import DewError
from engine.catalog import encode_value

KINDS = [("Text (password, token, certificate…)", "text"), ("Key/value pairs", "kv")]


class ValueEditor(Vertical):
    def __init__(self, kind: str = "text", **kw) -> None:
        super().__init__(**kw)
        self.add_class("value-editor")
        self._kind = kind

    def compose(self) -> ComposeResult:
        yield Select(KINDS, value=self._kind, allow_blank=False, id="value-kind")
        with ContentSwitcher(initial=f"value-{self._kind}", id="value-switcher"):
            yield TextArea(id="value-text", soft_wrap=True, show_line_numbers=False)
            yield KvEditor(id="value-kv", mask_values=True, placeholders=("key, e.g. username", "value"))

    @property
    def kind(self) -> str:
        return str(self.query_one("#value-kind", Select).value)

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "value-kind" and isinstance(event.value, str):
            self.query_one("#value-switcher", ContentSwitcher).current = f"value-{event.value}"

    def value(self) -> SecretValue:
        if self.kind == "kv":
            return SecretValue("kv", pairs=tuple(self.query_one("#value-kv", KvEditor).pairs()))
        return SecretValue("text", text=self.query_one("#value-text", TextArea).text)

    def problem(self) -> str | None:
        """What is wrong with the value (never echoing it), or None."""
        value = self.value()
        if value.kind == "kv":
            keys = [k for k, _v in value.pairs]
            if not keys:
                return "add at least one key/value pair"
            if len(set(keys)) != len(keys):
                return "each key may appear only once"
        try:
            encode_value(value.secret_string(), None)
        except DewError as e:
            return e.message
        return None
