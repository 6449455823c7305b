"""An editor of key/value rows (add / remove rows) used for secret values, tags and tag search.

With `mask_values=True` the value inputs are password fields until "Show values" is ticked:
a key/value secret's values are secrets and stay hidden while typed (and in snapshots).
"""
from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, Input


class KvRow(Horizontal):
    def __init__(self, key: str, value: str, *, mask: bool, placeholders: tuple[str, str]) -> None:
        super().__init__(classes="kv-row")
        self._key, self._value, self._mask, self._ph = key, value, mask, placeholders

    def compose(self) -> ComposeResult:
        yield Input(self._key, placeholder=self._ph[0], classes="kv-key")
        yield Input(self._value, placeholder=self._ph[1], password=self._mask, classes="kv-value")
        yield Button("−", classes="kv-remove", tooltip="remove this row")

    def pair(self) -> tuple[str, str]:
        return self.query_one(".kv-key", Input).value, self.query_one(".kv-value", Input).value


class KvEditor(Vertical):
    """Rows of (key, value); `pairs()` returns the non-empty rows in order."""

    def __init__(self, pairs=(), *, mask_values: bool = False, max_rows: int = 20,
                 placeholders: tuple[str, str] = ("key", "value"), add_label: str = "+ Add row",
                 **kw) -> None:
        super().__init__(**kw)
        self.add_class("kv-editor")
        self._initial = list(pairs) or [("", "")]
        self.mask_values, self.max_rows = mask_values, max_rows
        self.placeholders, self.add_label = placeholders, add_label

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="kv-rows"):
            for k, v in self._initial:
                yield self._row(k, v)
        with Horizontal(classes="kv-buttons"):
            yield Button(self.add_label, classes="kv-add")
            if self.mask_values:
                yield Checkbox("Show values", classes="kv-show")

    def _row(self, key: str = "", value: str = "") -> KvRow:
        return KvRow(key, value, mask=self.mask_values, placeholders=self.placeholders)

    def rows(self) -> list[KvRow]:
        return list(self.query(KvRow))

    def pairs(self) -> list[tuple[str, str]]:
        return [p for p in (r.pair() for r in self.rows()) if p != ("", "")]

    async def add_row(self, key: str = "", value: str = "") -> None:
        if len(self.rows()) >= self.max_rows:
            self.notify(f"at most {self.max_rows} rows", severity="warning")
            return
        row = self._row(key, value)
        await self.query_one(".kv-rows", VerticalScroll).mount(row)
        row.query_one(".kv-key", Input).focus()

    async def set_pairs(self, pairs) -> None:
        await self.query_one(".kv-rows", VerticalScroll).remove_children()
        for k, v in list(pairs) or [("", "")]:
            await self.query_one(".kv-rows", VerticalScroll).mount(self._row(k, v))

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.has_class("kv-add"):
            await self.add_row()
        elif event.button.has_class("kv-remove"):
            row = next((a for a in event.button.ancestors if isinstance(a, KvRow)), None)
            if row is None:
                return
            if len(self.rows()) == 1:  # keep one (empty) row to type into
                for inp in row.query(Input):
                    inp.value = ""
            else:
                await row.remove()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        if event.checkbox.has_class("kv-show"):
            event.stop()
            for inp in self.query(".kv-value").results(Input):
                inp.password = not event.value
