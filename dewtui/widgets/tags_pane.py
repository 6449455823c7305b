"""Tags tab of a detail screen: the item's tags; add, edit a value, delete.

Keys and secrets follow the same tag rules (`engine.catalog.validate_tag`, at most
`tags_per_resource`), so the tab is written once; a subclass says how to tag and untag its
item and when the tags are frozen (a default key, a secret pending deletion).
"""
from __future__ import annotations

from typing import Any, Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.coordinate import Coordinate
from textual.widgets import Button, DataTable, Label

from dewtui.widgets.detail import DetailPane
from dewtui.widgets.tag_dialog import TagRequest


class TagsPane(DetailPane):
    """Subclasses implement `frozen`, `item_name`, `tag` and `untag`."""

    BINDINGS = [
        Binding("a", "add", "Add tag"),
        Binding("enter", "edit", "Edit value", show=False),
        Binding("delete", "delete", "Delete tag"),
    ]
    IDS = "tags"       # the note and table are #<IDS>-note and #<IDS>-table
    BUTTONS = "tag"    # the buttons are #<BUTTONS>-add, -edit and -delete
    COLUMN_WIDTHS: tuple[int | None, int | None] = (None, None)
    NOUN = "item"      # in the engine call's label, "tag <noun>"
    FAMILY = "KMS"     # whose tag rules the dialog checks ("KMS" keys, "CSMS" secrets)

    def frozen(self) -> str | None:  # pragma: no cover - overridden
        """Why the tags cannot change now, or None."""
        raise NotImplementedError

    def item_name(self) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def tag(self, key: str, value: str) -> Callable[[], Any]:  # pragma: no cover - overridden
        """The engine call that sets tag `key` to `value`."""
        raise NotImplementedError

    def untag(self, key: str) -> Callable[[], Any]:  # pragma: no cover - overridden
        """The engine call that deletes tag `key`."""
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        yield Label("", id=f"{self.IDS}-note", classes="note")
        yield DataTable(id=f"{self.IDS}-table", cursor_type="row", zebra_stripes=True)
        with Horizontal(classes="buttons"):
            yield Button("Add tag", variant="primary", id=f"{self.BUTTONS}-add")
            yield Button("Edit value", id=f"{self.BUTTONS}-edit")
            yield Button("Delete", variant="error", id=f"{self.BUTTONS}-delete")

    def on_mount(self) -> None:
        table = self._table()
        key_width, value_width = self.COLUMN_WIDTHS
        table.add_column("Tag key", key="key", width=key_width)
        table.add_column("Tag value", key="value", width=value_width)
        self._fill()

    def show_item(self, item) -> None:
        super().show_item(item)
        self._fill()

    def _table(self) -> DataTable:
        return self.query_one(f"#{self.IDS}-table", DataTable)

    def _fill(self) -> None:
        table = self._table()
        table.clear()
        for tag in self.item.tags:
            table.add_row(tag.key, tag.value, key=tag.key)
        frozen = self.frozen()
        n, cap = len(self.item.tags), self.engine.settings.tags_per_resource
        self.query_one(f"#{self.IDS}-note", Label).update(
            frozen or f"{n} of {cap} tags. One value per tag key; a: add, enter: edit value, delete: delete.")
        for action in ("add", "edit", "delete"):
            self.query_one(f"#{self.BUTTONS}-{action}", Button).disabled = frozen is not None

    def _selected(self):
        table = self._table()
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
        return next((t for t in self.item.tags if t.key == key), None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        action = (event.button.id or "").removeprefix(f"{self.BUTTONS}-")
        {"add": self.action_add, "edit": self.action_edit, "delete": self.action_delete}[action]()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def action_add(self) -> None:
        from dewtui.widgets.tag_dialog import TagDialog
        if self.frozen() is None:
            self.app.push_screen(TagDialog(family=self.FAMILY), self._save)

    def action_edit(self) -> None:
        from dewtui.widgets.tag_dialog import TagDialog
        tag = self._selected()
        if tag is not None and self.frozen() is None:
            self.app.push_screen(TagDialog(tag.key, tag.value, self.FAMILY), self._save)

    def _save(self, req: TagRequest | None) -> None:
        if req is None:
            return
        verb = "Changed" if req.editing else "Added"
        self.call_engine(self.tag(req.key, req.value), label=f"tag {self.NOUN}",
                         success=f"{verb} tag {req.key}", done=lambda _t: self.item_changed())

    def action_delete(self) -> None:
        from dewtui.widgets.confirm import ConfirmDialog
        tag = self._selected()
        if tag is None or self.frozen() is not None:
            return
        call = self.untag(tag.key)

        def go(ok: bool | None) -> None:
            if ok:
                self.call_engine(call, label="delete tag", success=f"Deleted tag {tag.key}",
                                 done=lambda _t: self.item_changed())

        self.app.push_screen(ConfirmDialog("Delete tag", f"Delete tag {tag.key!r} from {self.item_name()}?",
                                           "Delete"), go)
