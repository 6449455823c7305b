"""Tags tab: the key's tags; add, edit a value, delete (not on default keys)."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.coordinate import Coordinate
from textual.widgets import Button, DataTable, Label

from dewtui.widgets.tag_dialog import TagRequest
from dewtui.widgets.detail_pane import KeyPane


class TagsPane(KeyPane):
    BINDINGS = [
        Binding("a", "add", "Add tag"),
        Binding("enter", "edit", "Edit value", show=False),
        Binding("delete", "delete", "Delete tag"),
    ]

    def compose(self) -> ComposeResult:
        yield Label("", id="tags-note", classes="note")
        yield DataTable(id="tags-table", cursor_type="row", zebra_stripes=True)
        with Horizontal(classes="buttons"):
            yield Button("Add tag", variant="primary", id="tag-add")
            yield Button("Edit value", id="tag-edit")
            yield Button("Delete", variant="error", id="tag-delete")

    def on_mount(self) -> None:
        table = self.query_one("#tags-table", DataTable)
        table.add_column("Tag key", key="key", width=40)
        table.add_column("Tag value", key="value", width=60)
        self._fill()

    def show_key(self, key) -> None:
        super().show_key(key)
        self._fill()

    def _fill(self) -> None:
        table = self.query_one("#tags-table", DataTable)
        table.clear()
        for tag in self.key.tags:
            table.add_row(tag.key, tag.value, key=tag.key)
        default = self.key.default_key_flag
        n, cap = len(self.key.tags), self.engine.settings.tags_per_resource
        self.query_one("#tags-note", Label).update(
            "Default keys cannot be tagged." if default else f"{n} of {cap} tags. "
            "One value per tag key; a: add, enter: edit value, delete: delete.")
        for wid in ("#tag-add", "#tag-edit", "#tag-delete"):
            self.query_one(wid, Button).disabled = default

    def _selected(self):
        table = self.query_one("#tags-table", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
        return next((t for t in self.key.tags if t.key == key), None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        {"tag-add": self.action_add, "tag-edit": self.action_edit, "tag-delete": self.action_delete}[event.button.id]()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def action_add(self) -> None:
        from dewtui.widgets.tag_dialog import TagDialog
        if not self.key.default_key_flag:
            self.app.push_screen(TagDialog(), self._save)

    def action_edit(self) -> None:
        from dewtui.widgets.tag_dialog import TagDialog
        tag = self._selected()
        if tag is not None and not self.key.default_key_flag:
            self.app.push_screen(TagDialog(tag.key, tag.value), self._save)

    def _save(self, req: TagRequest | None) -> None:
        if req is None:
            return
        kms, key_id = self.engine.kms, self.key.key_id
        verb = "Changed" if req.editing else "Added"
        self.call_engine(lambda: kms.create_key_tag(key_id, req.key, req.value), label="tag key",
                         success=f"{verb} tag {req.key}", done=lambda _t: self.key_changed())

    def action_delete(self) -> None:
        from dewtui.widgets.confirm import ConfirmDialog
        tag = self._selected()
        if tag is None or self.key.default_key_flag:
            return
        kms, key_id = self.engine.kms, self.key.key_id

        def go(ok: bool | None) -> None:
            if ok:
                self.call_engine(lambda: kms.delete_key_tag(key_id, tag.key), label="delete tag",
                                 success=f"Deleted tag {tag.key}", done=lambda _t: self.key_changed())

        self.app.push_screen(ConfirmDialog("Delete tag", f"Delete tag {tag.key!r} from {self.key.key_alias}?",
                                           "Delete"), go)
