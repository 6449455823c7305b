"""Grants tab (guide 2.1.9): the key's grants; create, revoke (owner), retire (where allowed).

Principals are stored by id; the table shows names, resolved from the users and accounts
the operator of this installation knows (`Engine.principals()`: not an IAM read, which would
see only the acting account). Whether the acting principal may retire a
grant is the engine's rule: the tab asks it (`kms.list_retirable_grants()`) only to offer
the Retire button, and the engine decides again when asked to retire. A refused listing
(e.g. acting as a user without rights) is written in the tab, not toasted: the screen
already reports the refusal of the key itself.
"""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.coordinate import Coordinate
from textual.widgets import Button, DataTable, Label, Static

from dewtui.shell.fmt import clip, when
from dewtui.widgets.detail import DetailPane

SHORT_OPS = {"create-datakey": "create-dk", "create-datakey-without-plaintext": "create-dk-np",
             "encrypt-datakey": "encrypt-dk", "decrypt-datakey": "decrypt-dk", "describe-key": "describe",
             "create-grant": "create-grant", "retire-grant": "retire-grant",
             "encrypt-data": "encrypt", "decrypt-data": "decrypt"}


class GrantsPane(DetailPane):
    BINDINGS = [
        Binding("a", "create_grant", "Create grant"),
        Binding("delete", "revoke", "Revoke grant"),
        Binding("t", "retire", "Retire grant", tooltip="as retiring principal, issuer or grantee"),
    ]

    def __init__(self, key, **kw) -> None:
        super().__init__(key, **kw)
        self.grants: list = []
        self.names: dict[str, str] = {}
        self.users: list[str] = []
        self.retirable: set[str] = set()  # ids of the grants the acting principal may retire

    def compose(self) -> ComposeResult:
        yield Label("", id="grants-note", classes="note")
        yield DataTable(id="grants-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="grant-detail")
        with Horizontal(classes="buttons"):
            yield Button("Create grant", variant="primary", id="grant-create")
            yield Button("Revoke", variant="error", id="grant-revoke")
            yield Button("Retire", id="grant-retire")

    def on_mount(self) -> None:
        table = self.query_one("#grants-table", DataTable)
        for key, label, width in (("id", "Grant ID", 12), ("grantee", "Grantee (type)", 20),
                                  ("ops", "Operations", 32), ("created", "Created", 16),
                                  ("issuer", "Issuer", 10), ("name", "Name", 12)):
            table.add_column(label, key=key, width=width)
        self.load()

    def show_item(self, key) -> None:
        super().show_item(key)
        self.load()

    def reload(self) -> None:
        self.load()

    def load(self) -> None:
        kms, key_id = self.engine.kms, self.item.key_id
        operator = self.app.root_engine

        def work():
            grants = kms.list_grants(key_id)
            retirable = {g.grant_id for g in kms.list_retirable_grants() if g.key_id == key_id}
            return grants, retirable, operator.principals()

        self.call_engine(work, label="list grants", group=f"grants-{key_id}", exclusive=True, quiet=True,
                         done=self._show, failed=self._refused)

    def _refused(self, err) -> None:
        self.grants, self.retirable = [], set()
        self.query_one("#grants-table", DataTable).clear()
        self.query_one("#grants-note", Label).update(f"{err.code}: {err.message}")
        self.query_one("#grants-note").set_class(True, "refused")
        self._buttons()

    def _show(self, result) -> None:
        grants, self.retirable, users = result
        self.grants = list(grants)
        self.users = [u.name for u in users]
        self.names = {u.user_id: u.name for u in users} | {u.domain_id: u.domain_name for u in users}
        table = self.query_one("#grants-table", DataTable)
        table.clear()
        for g in self.grants:
            kind = "account" if g.grantee_principal_type == "domain" else "user"
            table.add_row(clip(g.grant_id, 12), f"{self.principal_name(g.grantee_principal)} ({kind})",
                          clip(", ".join(SHORT_OPS.get(o, o) for o in g.operations), 32),
                          when(g.creation_date), clip(self.principal_name(g.issuing_principal), 10),
                          clip(g.name or "—", 12), key=g.grant_id)
        cap = self.engine.settings.grants_per_key
        note = "Default keys cannot be granted." if self.item.default_key_flag else \
            f"{len(self.grants)} of {cap} grants. a: create, delete: revoke, t: retire."
        self.query_one("#grants-note", Label).update(note)
        self.query_one("#grants-note").set_class(False, "refused")
        self._detail()
        self._buttons()

    def principal_name(self, principal_id: str) -> str:
        return self.names.get(principal_id, principal_id or "—")

    def selected(self):
        table = self.query_one("#grants-table", DataTable)
        if not table.row_count or not self.grants:
            return None
        grant_id = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
        return next((g for g in self.grants if g.grant_id == grant_id), None)

    def _detail(self) -> None:
        g = self.selected()
        text = "" if g is None else (
            f"[dim]grant [/]{g.grant_id}  [dim]to [/]{self.principal_name(g.grantee_principal)} "
            f"[dim]({g.grantee_principal})[/]\n[dim]operations [/]{', '.join(g.operations)}"
            + (f"\n[dim]retiring principal [/]{self.principal_name(g.retiring_principal)}" if g.retiring_principal else ""))
        self.query_one("#grant-detail", Static).update(text)

    def _buttons(self) -> None:
        g = self.selected()
        self.query_one("#grant-create", Button).disabled = self.item.default_key_flag
        self.query_one("#grant-revoke", Button).disabled = g is None
        self.query_one("#grant-retire", Button).disabled = g is None or g.grant_id not in self.retirable

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._detail()
        self._buttons()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        {"grant-create": self.action_create_grant, "grant-revoke": self.action_revoke,
         "grant-retire": self.action_retire}[event.button.id]()

    # --- actions -----------------------------------------------------------------------
    def action_create_grant(self) -> None:
        from dewtui.keys.grant_dialog import CreateGrantDialog
        if self.item.default_key_flag:
            return
        self.app.push_screen(CreateGrantDialog(self.item, self.users), self._create)

    def _create(self, grant_id: str | None) -> None:
        """The dialog created the grant (the engine checked it there) or was cancelled."""
        if grant_id is None:
            return
        self.app.notify("Grant created successfully", timeout=4)
        self.load()

    def _confirm(self, verb: str, g, call) -> None:
        from dewtui.widgets.confirm import ConfirmDialog

        def go(ok: bool | None) -> None:
            if ok:
                self.call_engine(call, label=f"{verb.lower()} grant",
                                 success=f"Grant {g.grant_id} {verb.lower()}d successfully",
                                 done=lambda _r: self.load())

        text = (f"{verb} grant {g.grant_id} of {self.principal_name(g.grantee_principal)} "
                f"({', '.join(g.operations)})? The grantee loses these operations at once; grants it "
                "made for others stay.")
        self.app.push_screen(ConfirmDialog(f"{verb} grant", text, verb), go)

    def action_revoke(self) -> None:
        g = self.selected()
        if g is not None:
            kms, key_id = self.engine.kms, self.item.key_id
            self._confirm("Revoke", g, lambda: kms.revoke_grant(key_id, g.grant_id))

    def action_retire(self) -> None:
        g = self.selected()
        if g is not None:
            kms, key_id = self.engine.kms, self.item.key_id
            self._confirm("Retire", g, lambda: kms.retire_grant(key_id, g.grant_id))
