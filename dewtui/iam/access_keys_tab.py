"""A user's Access keys tab: the AK/SK pairs its programs sign SDK requests with.

Create shows the secret (SK) once, in `SecretShownDialog`, with a copy action and a plain
warning: the engine keeps it sealed under the root key and never returns it again. `i`
deactivates or activates the selected key (an inactive key signs nothing), `delete`
deletes it after a confirmation. A user holds at most two keys; the engine refuses a third.
"""
from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Label, Static

from dewtui.iam.list_pane import current_key, fill_table
from dewtui.iam.requests import AccessKeyRequest
from dewtui.shell.fmt import clip, when
from dewtui.widgets.confirm import ConfirmDialog
from dewtui.widgets.detail import DetailPane

COLUMNS = (("access", "Access key (AK)", 20), ("status", "Status", 8), ("description", "Description", 12),
           ("created", "Created", 16), ("used", "Last used", 11))  # fits 80 columns


def short_when(t) -> str:
    return t.strftime("%m-%d %H:%M") if t else "—"


def status_markup(status: str) -> str:
    return "[green]active[/]" if status == "active" else "[yellow]inactive[/]"


class SecretShownDialog(ModalScreen[None]):
    """The one time a secret access key is shown."""

    BINDINGS = [Binding("escape", "close", "Close"), Binding("c", "copy", "Copy secret")]

    def __init__(self, created) -> None:
        super().__init__()
        self.created = created

    def compose(self) -> ComposeResult:
        c = self.created
        with Vertical(classes="dialog iam-dialog", id="secret-shown"):
            yield Label(f"Access key created for {escape(c.user_name)}", classes="dialog-title")
            with VerticalScroll(id="secret-scroll"):
                yield Static(f"[dim]Access key (AK)[/]\n[b]{c.access}[/]\n\n"
                             f"[dim]Secret access key (SK)[/]\n[b]{c.secret}[/]", id="secret-pair")
                yield Label("You will not see this secret again: copy it now and keep it somewhere "
                            "safe. dewtui stores it only sealed and never shows it again; if it is "
                            "lost, create a new key and delete this one.", id="secret-warning")
            with Horizontal(classes="buttons"):
                yield Button("Copy secret", variant="primary", id="copy-secret")
                yield Button("Close", id="close")

    def on_mount(self) -> None:
        self.query_one("#copy-secret", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "copy-secret":
            self.action_copy()
        else:
            self.dismiss(None)

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.created.secret)
        self.app.notify("Secret access key copied to the clipboard", timeout=3)

    def action_close(self) -> None:
        self.dismiss(None)


class AccessKeysPane(DetailPane):
    BINDINGS = [
        Binding("a", "create", "Create access key", tooltip="the secret is shown once"),
        Binding("i", "toggle", "Deactivate/activate"),
        Binding("delete", "delete", "Delete access key", tooltip="after a confirmation"),
    ]

    def __init__(self, user, **kw) -> None:
        super().__init__(user, **kw)
        self.keys: dict[str, object] = {}
        self.refused: tuple[str, str] | None = None  # the refusal the note shows

    def compose(self) -> ComposeResult:
        yield Label("", id="ak-note", classes="note")
        yield DataTable(id="ak-table", cursor_type="row", zebra_stripes=True)
        with Horizontal(classes="buttons"):
            yield Button("Create", variant="primary", id="ak-create")
            yield Button("Deactivate", id="ak-toggle")
            yield Button("Delete", variant="error", id="ak-delete")

    def on_mount(self) -> None:
        table = self.query_one("#ak-table", DataTable)
        for key, label, width in COLUMNS:
            table.add_column(label, key=key, width=width)
        self.load()

    def reload(self) -> None:
        self.load()

    def load(self, select: str | None = None) -> None:
        iam, name = self.engine.iam, self.item.name
        self.call_engine(lambda: iam.list_access_keys(name), label="list access keys", quiet=True,
                         group=f"access-keys-{name}", exclusive=True,
                         done=lambda keys: self._show(keys, select), failed=self._refused)

    def _show(self, keys, select: str | None) -> None:
        self.keys = {k.access: k for k in keys}
        self.refused = None
        fill_table(self.query_one("#ak-table", DataTable),
                   [(k.access, (k.access, status_markup(k.status), escape(clip(k.description or "—", 12)),
                                when(k.created_at), short_when(k.last_used_at))) for k in keys], select)
        note = (f"{len(keys)} of 2 keys · a: create · i: deactivate/activate · delete: delete"
                if keys else "No access keys. a: create one for a program that calls the HTTP API.")
        self._note(note, refused=False)
        self._buttons()

    def _refused(self, err) -> None:
        from dewtui.iam.why import remember_refusal
        self.keys = {}
        self.query_one("#ak-table", DataTable).clear()
        if self.refused != (err.code, err.message):  # the same one again: not news for w
            remember_refusal(self.app, err)
        self.refused = (err.code, err.message)
        self._note(f"{escape(err.code)}: {escape(err.message)}", refused=True)
        self._buttons()

    def _note(self, text: str, refused: bool) -> None:
        note = self.query_one("#ak-note", Label)
        note.update(text)
        note.set_class(refused, "refused")

    def selected(self):
        return self.keys.get(current_key(self.query_one("#ak-table", DataTable)) or "")

    def _buttons(self) -> None:
        k = self.selected()
        toggle = self.query_one("#ak-toggle", Button)
        toggle.label = "Activate" if k is not None and k.status == "inactive" else "Deactivate"
        toggle.disabled = k is None
        self.query_one("#ak-delete", Button).disabled = k is None

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._buttons()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        action = {"ak-create": self.action_create, "ak-toggle": self.action_toggle,
                  "ak-delete": self.action_delete}.get(event.button.id or "")
        if action is not None:
            action()

    def action_create(self) -> None:
        from dewtui.iam.dialogs import AccessKeyDialog
        iam, name = self.engine.iam, self.item.name

        def created(c) -> None:
            self.load(select=c.access)
            self.app.push_screen(SecretShownDialog(c))

        def go(req: AccessKeyRequest | None) -> None:
            if req is not None:
                self.call_engine(lambda: iam.create_access_key(user_name=name, description=req.description),
                                 label="create access key", done=created)

        self.app.push_screen(AccessKeyDialog(name), go)

    def action_toggle(self) -> None:
        k = self.selected()
        if k is None:
            return
        iam, access = self.engine.iam, k.access
        status = "active" if k.status == "inactive" else "inactive"
        verb = "activated" if status == "active" else "deactivated"
        self.call_engine(lambda: iam.update_access_key(access, status), label="update access key",
                         success=f"Access key {access} {verb}", done=lambda _k: self.load(select=access))

    def action_delete(self) -> None:
        k = self.selected()
        if k is None:
            return
        iam, access = self.engine.iam, k.access

        def go(yes: bool | None) -> None:
            if yes:
                self.call_engine(lambda: iam.delete_access_key(access), label="delete access key",
                                 success=f"Access key {access} deleted", done=lambda _r: self.load())

        self.app.push_screen(ConfirmDialog(
            "Delete access key", f"Delete access key {access} of {self.item.name}? Programs signing "
            "with it are refused from now on. This cannot be undone.", ok="Delete"), go)
