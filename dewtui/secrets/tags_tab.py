"""Tags tab of a secret: add, edit a value, delete (at most 20; frozen while pending deletion).

Reuses the keys area's tag and confirm dialogs: the rules for tags are the same for keys and
secrets (`engine.tags`).
"""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.coordinate import Coordinate
from textual.widgets import Button, DataTable, Label

from dewtui.widgets.tag_dialog import TagRequest
from dewtui.secrets.pane import SecretPane


class SecretTagsPane(SecretPane):
    BINDINGS = [
        Binding("a", "add", "Add tag"),
        Binding("enter", "edit", "Edit value", show=False),
        Binding("delete", "delete", "Delete tag"),
    ]

    def compose(self) -> ComposeResult:
        yield Label("", id="secret-tags-note", classes="note")
        yield DataTable(id="secret-tags-table", cursor_type="row", zebra_stripes=True)
        with Horizontal(classes="buttons"):
            yield Button("Add tag", variant="primary", id="stag-add")
            yield Button("Edit value", id="stag-edit")
            yield Button("Delete", variant="error", id="stag-delete")

    def on_mount(self) -> None:
        table = self.query_one("#secret-tags-table", DataTable)
        table.add_column("Tag key", key="key")
        table.add_column("Tag value", key="value")
        self._fill()

    def show_secret(self, secret) -> None:
        super().show_secret(secret)
        self._fill()

    def _fill(self) -> None:
        table = self.query_one("#secret-tags-table", DataTable)
        table.clear()
        for tag in self.secret.tags:
            table.add_row(tag.key, tag.value, key=tag.key)
        n, cap = len(self.secret.tags), self.engine.settings.tags_per_resource
        self.query_one("#secret-tags-note", Label).update(
            "Pending deletion: tags cannot change." if self.pending else
            f"{n} of {cap} tags. One value per tag key; a: add, enter: edit value, delete: delete.")
        for wid in ("#stag-add", "#stag-edit", "#stag-delete"):
            self.query_one(wid, Button).disabled = self.pending

    def _selected(self):
        table = self.query_one("#secret-tags-table", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
        return next((t for t in self.secret.tags if t.key == key), None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        {"stag-add": self.action_add, "stag-edit": self.action_edit, "stag-delete": self.action_delete}[event.button.id]()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def action_add(self) -> None:
        from dewtui.widgets.tag_dialog import TagDialog
        if not self.pending:
            self.app.push_screen(TagDialog(), self._save)

    def action_edit(self) -> None:
        from dewtui.widgets.tag_dialog import TagDialog
        tag = self._selected()
        if tag is not None and not self.pending:
            self.app.push_screen(TagDialog(tag.key, tag.value), self._save)

    def _save(self, req: TagRequest | None) -> None:
        if req is None:
            return
        csms, name = self.engine.csms, self.secret.name
        verb = "Changed" if req.editing else "Added"
        self.call_engine(lambda: csms.create_secret_tag(name, req.key, req.value), label="tag secret",
                         success=f"{verb} tag {req.key}", done=lambda _t: self.secret_changed())

    def action_delete(self) -> None:
        from dewtui.widgets.confirm import ConfirmDialog
        tag = self._selected()
        if tag is None or self.pending:
            return
        csms, name = self.engine.csms, self.secret.name

        def go(ok: bool | None) -> None:
            if ok:
                self.call_engine(lambda: csms.delete_secret_tag(name, tag.key), label="delete tag",
                                 success=f"Deleted tag {tag.key}", done=lambda _t: self.secret_changed())

        self.app.push_screen(ConfirmDialog("Delete tag", f"Delete tag {tag.key!r} from {name}?", "Delete"), go)
