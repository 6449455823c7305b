"""A detail tab that lists names linked to the item and links or unlinks one: a user's
groups or policies, a group's members or policies.

A subclass says which names (`linked(item)`), which may be added (`fetch_choices()`, run in
a worker), and how to add and remove one (`add(name)` / `remove(name)`, engine calls run in
a worker). `a` (or the button) picks a name to add, `delete` removes the selected one; the
detail screen then reloads the item so every tab sees the change.
"""
from __future__ import annotations

from typing import Any

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Label

from dewtui.iam.list_pane import current_key, fill_table
from dewtui.widgets.detail import DetailPane


def names_bindings(add: str, remove: str) -> list[Binding]:
    """A tab's two bindings, described as its buttons are (footer, help, palette)."""
    return [Binding("a", "add", add), Binding("delete", "remove", remove)]


class NamesPane(DetailPane):
    BINDINGS = names_bindings("Add", "Remove")
    COLUMN = "Name"
    ADD_LABEL, REMOVE_LABEL = "Add", "Remove"
    PICK_TITLE, PICK_EXPLAIN = "Add", ""
    NONE_TEXT = "None yet."
    COUNT_NOUN = "names"

    def linked(self, item: Any) -> tuple[str, ...]:  # pragma: no cover - overridden
        raise NotImplementedError

    def fetch_choices(self) -> list[str]:  # pragma: no cover - overridden
        raise NotImplementedError

    def add(self, name: str) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def remove(self, name: str) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def done_text(self, name: str, added: bool) -> str:
        return f"{name} {'added' if added else 'removed'}"

    def compose(self) -> ComposeResult:
        yield Label("", classes="note names-note")
        yield DataTable(cursor_type="row", zebra_stripes=True, classes="names-table")
        with Horizontal(classes="buttons"):
            yield Button(self.ADD_LABEL, variant="primary", classes="names-add")
            yield Button(self.REMOVE_LABEL, variant="error", classes="names-remove")

    def on_mount(self) -> None:
        self.query_one(DataTable).add_column(self.COLUMN, key="name")
        self.show_item(self.item)

    def show_item(self, item: Any) -> None:
        super().show_item(item)
        names = self.linked(item)
        fill_table(self.query_one(DataTable), [(n, (escape(n),)) for n in names])
        note = f"{self.COUNT_NOUN}: {len(names)} · a: {self.ADD_LABEL.lower()} · delete: {self.REMOVE_LABEL.lower()}"
        self.query_one(".names-note", Label).update(note if names else f"{self.NONE_TEXT}  {note}")
        self.query_one(".names-remove", Button).disabled = not names

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.has_class("names-add"):
            self.action_add()
        elif event.button.has_class("names-remove"):
            self.action_remove()

    def action_add(self) -> None:
        from dewtui.iam.dialogs import PickDialog
        have = set(self.linked(self.item))

        def pick(choices: list[str]) -> None:
            self.app.push_screen(PickDialog(self.PICK_TITLE, self.PICK_EXPLAIN,
                                            [c for c in choices if c not in have], ok=self.ADD_LABEL),
                                 lambda name: name and self._change(name, True))

        self.call_engine(self.fetch_choices, label="list choices", done=pick)

    def action_remove(self) -> None:
        name = current_key(self.query_one(DataTable))
        if name is not None:
            self._change(name, False)

    def _change(self, name: str, adding: bool) -> None:
        work = (lambda: self.add(name)) if adding else (lambda: self.remove(name))
        self.call_engine(work, label=self.ADD_LABEL if adding else self.REMOVE_LABEL,
                         success=self.done_text(name, adding), done=lambda _r: self.item_changed())


class FocusTabTable:
    """Detail screen mixin: the shown tab's table takes the keys (its bindings show in the footer)."""

    def on_mount(self) -> None:
        self.call_after_refresh(self._focus_table)  # type: ignore[attr-defined]

    def _focus_table(self) -> None:
        found = self.query("TabPane.-active DataTable, TabPane DataTable")  # type: ignore[attr-defined]
        if found:
            found.first().focus()

    def on_tabbed_content_tab_activated(self, event) -> None:
        found = event.pane.query("DataTable") if event.pane is not None else []
        if found:
            found.first().focus()
