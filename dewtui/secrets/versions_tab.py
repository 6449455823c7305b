"""Versions tab: every version (id, stages, created, expires, KMS key), newest first, with
Add version, View value, Manage stages and Edit expiry for the version under the cursor.

The list comes from the detail screen's reload (`screen.versions`), so it is fresh after
any change made anywhere on the screen. Values are read only when the user asks to view
one; nothing changes while the secret is pending deletion.
"""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.coordinate import Coordinate
from textual.widgets import Button, DataTable, Label

from dewtui.secrets.requests import AddVersionRequest, ExpiryRequest, StageRequest
from dewtui.secrets.table import key_alias, pending
from dewtui.shell.fmt import clip, when
from dewtui.widgets.detail import DetailPane
from engine.catalog import BUILTIN_STAGES


def stages_text(stages) -> Text:
    text = Text()
    for i, st in enumerate(stages):
        if i:
            text.append(", ")
        text.append(st, style="bold green" if st in BUILTIN_STAGES else "cyan")
    return text if stages else Text("—", style="dim")


class SecretVersionsPane(DetailPane):
    BINDINGS = [
        Binding("a", "add", "Add version"),
        Binding("v", "view", "View value", tooltip="masked until revealed"),
        Binding("s", "stages", "Manage stages"),
        Binding("e", "expiry", "Edit expiry"),
    ]

    def compose(self) -> ComposeResult:
        yield Label("", id="versions-note", classes="note")
        yield DataTable(id="versions-table", cursor_type="row", zebra_stripes=True)
        with Horizontal(classes="buttons"):
            yield Button("Add version", variant="primary", id="version-add")
            yield Button("View value", id="version-view")
            yield Button("Manage stages", id="version-stages")
            yield Button("Edit expiry", id="version-expiry")

    def on_mount(self) -> None:
        table = self.query_one("#versions-table", DataTable)
        # fixed widths: a refilled table is drawn at its final widths at once
        for key, label, width in (("id", "Version", 8), ("stages", "Stages", 40), ("created", "Created", 16),
                                  ("expires", "Expires", 16), ("key", "KMS key", 24)):
            table.add_column(label, key=key, width=width)
        self._fill()

    @property
    def versions(self) -> list:
        return list(getattr(self.screen, "versions", None) or [])

    def show_item(self, secret) -> None:
        super().show_item(secret)
        self._fill()

    def _fill(self) -> None:
        table = self.query_one("#versions-table", DataTable)
        row = table.cursor_row
        table.clear()
        for v in self.versions:
            table.add_row(v.id, stages_text(v.version_stages), when(v.create_time), when(v.expire_time),
                          clip(key_alias(self, v.kms_key_id), 24), key=v.id)
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1), animate=False)
        n, cap = len(self.versions), self.engine.settings.versions_per_secret
        self.query_one("#versions-note", Label).update(
            "Pending deletion: values cannot be read and versions cannot change." if pending(self.item) else
            f"{n} of {cap} versions. When a new one would exceed {cap}, the oldest version without a "
            "stage is dropped.")
        for wid in ("#version-add", "#version-view", "#version-stages", "#version-expiry"):
            self.query_one(wid, Button).disabled = pending(self.item)

    def selected(self):
        table = self.query_one("#versions-table", DataTable)
        if not table.row_count:
            return None
        vid = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
        return next((v for v in self.versions if v.id == vid), None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        {"version-add": self.action_add, "version-view": self.action_view,
         "version-stages": self.action_stages, "version-expiry": self.action_expiry}[event.button.id]()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_view()

    # --- actions --------------------------------------------------------------------------
    def action_add(self) -> None:
        from dewtui.secrets.version_dialog import AddVersionDialog
        if pending(self.item):
            return
        csms, name = self.engine.csms, self.item.name

        def add(req: AddVersionRequest):
            return csms.create_secret_version(name, secret_string=req.value.secret_string(),
                                              expire_time=req.expire_time)

        def added(version) -> None:
            if version is not None:
                self.app.notify(f"Added version {version.id} (SYSCURRENT)", timeout=4)
                self.item_changed()

        self.app.push_screen(AddVersionDialog(name).checked_by(add, "add version"), added)

    def action_view(self) -> None:
        from dewtui.secrets.value_dialog import SecretValueDialog
        version = self.selected()
        if version is None or pending(self.item):
            return
        csms, name = self.engine.csms, self.item.name
        self.call_engine(lambda: csms.show_secret_version(name, version.id), label="read value",
                         done=lambda value: self.app.push_screen(SecretValueDialog(value)))

    def action_stages(self) -> None:
        from dewtui.secrets.stages_dialog import StagesDialog
        version = self.selected()
        if version is None or pending(self.item):
            return
        csms, name = self.engine.csms, self.item.name

        def go(req: StageRequest | None) -> None:
            if req is None:
                return
            if req.action == "delete":
                self.call_engine(lambda: csms.delete_secret_stage(name, req.stage), label="delete stage",
                                 success=f"Deleted stage {req.stage}", done=lambda _r: self.item_changed())
            else:
                self.call_engine(lambda: csms.update_secret_stage(name, req.stage, req.version_id),
                                 label="set stage", success=f"Stage {req.stage} is on {req.version_id}",
                                 done=lambda _r: self.item_changed())

        self.app.push_screen(StagesDialog(name, version, self.versions,
                                          self.engine.settings.stages_per_secret), go)

    def action_expiry(self) -> None:
        from dewtui.secrets.expiry_dialog import ExpiryDialog
        version = self.selected()
        if version is None or pending(self.item):
            return
        csms, name = self.engine.csms, self.item.name

        def go(req: ExpiryRequest | None) -> None:
            if req is not None:
                text = f"{req.version_id} expires {when(req.expire_time)}" if req.expire_time else \
                    f"{req.version_id} never expires"
                self.call_engine(lambda: csms.update_version(name, req.version_id, req.expire_time),
                                 label="edit expiry", success=text, done=lambda _r: self.item_changed())

        self.app.push_screen(ExpiryDialog(name, version), go)
