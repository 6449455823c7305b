"""The Keys area: a paged, filterable, sortable list of customer master keys.

Only one page of keys is ever loaded (the engine filters, sorts, counts and pages in the
database), so the screen stays responsive with 10,000+ keys. Keys can be marked with
`space` for batch enable / disable / schedule deletion / cancel deletion; `enter` opens the
key detail screen. The palette provider here adds "Go to key <alias>".
"""
from __future__ import annotations

from dataclasses import replace

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Input, Select, Static

from dewtui.keys.actions import ask_schedule_deletion, ask_state_change
from dewtui.keys.requests import KeyFilters, KeyQuery, KeyRef
from dewtui.keys.table import COLUMNS, SORT_FIELDS, KeyTable
from dewtui.shell.jump import JumpProvider
from dewtui.widgets.paged_list import PagedListScreen, fill_select
from dewtui.widgets.paged_table import page_status
from engine import KeyState
from engine.catalog import ALL_USAGES

SORT_LABELS = {field: label for _key, label, field, _w in COLUMNS if field}
SORT_CYCLE = [field for _key, _label, field, _w in COLUMNS if field]

# Read while the app starts (dewtui.shell.prefetch): the first page and the quotas.
FIRST_PAGE, FIRST_QUOTAS = "keys-first-page", "keys-quotas"
# The lines of a terminal that are not key rows: the header, the filter bar (3), the table's
# column header, the status line and the footer. The table asks for as many keys as it has
# rows (never fewer than 5); a wrong guess only costs the page read ahead.
OTHER_LINES = 7


def first_query(lines: int) -> KeyQuery:
    """The query of the first page the keys screen shows in a terminal `lines` high."""
    return KeyQuery(limit=max(5, lines - OTHER_LINES))


def first_page_calls(engine, lines: int) -> dict:
    """The engine calls the keys screen's first frame needs, to start before the app runs."""
    kms, principal, query = engine.kms, engine.principal.name, first_query(lines)
    return {FIRST_PAGE: ((principal, query), lambda: kms.list_keys(**query.kwargs())),
            FIRST_QUOTAS: (principal, kms.user_quotas)}


class KeysScreen(PagedListScreen):
    AUTO_FOCUS = "#keys"  # the table, from the start: the footer's first keys are the table's
    BINDINGS = [
        Binding("slash", "filter", "Filter", key_display="/", tooltip="alias or id, as you type"),
        Binding("n", "create", "New key"),
        Binding("space", "mark", "Mark", tooltip="mark the key for a batch action"),
        Binding("e", "change('enable')", "Enable"),
        Binding("d", "change('disable')", "Disable"),
        Binding("x", "schedule_deletion", "Delete", tooltip="schedule deletion (7-1096 days)"),
        Binding("u", "change('cancel_deletion')", "Undelete", tooltip="cancel scheduled deletion"),
        Binding("i", "import_key", "Import key", show=False, tooltip="create a key for your own material (wizard)"),
        Binding("m", "import_material", "Import material", show=False, tooltip="resume a Pending-import key"),
        Binding("M", "delete_material", "Delete key material", show=False, tooltip="external symmetric keys"),
        Binding("c", "encrypt_file", "Encrypt a file", show=False, tooltip="with the selected key, by envelope"),
        Binding("C", "decrypt_file", "Decrypt a file", show=False, tooltip="a file encrypted with a key"),
        Binding("f", "more_filters", "More filters", show=False, tooltip="creation time range, tag"),
        Binding("p", "move_to_project", "Add to project", show=False, tooltip="move the key to another project"),
        Binding("P", "new_project", "New project", show=False, tooltip="create an enterprise project"),
        Binding("s", "sort", "Sort", tooltip="next sort column"),
        Binding("S", "reverse", "Reverse sort", show=False),
        Binding("r", "reload", "Refresh", show=False),
        Binding("escape", "clear", "Clear marks", show=False, tooltip="clear marks, then the filter"),
    ]
    PALETTE = [("Open the selected key", "open_selected", "key detail: details, online tool, tags"),
               ("Mark every key on this page", "mark_page", "for a batch action"),
               ("Create an enterprise project", "new_project", "keys can then be created in it or moved to it"),
               ("Add the selected key to a project", "move_to_project", "move it to another enterprise project"),
               ("Encrypt a file…", "encrypt_file", "with the selected key (envelope encryption, any size)"),
               ("Decrypt a file…", "decrypt_file", "a file encrypted with one of your keys")]

    def __init__(self) -> None:
        super().__init__(KeyQuery())
        self.marked: dict[str, KeyRef] = {}
        self.page = None  # the KeyList shown
        self._by_id: dict = {}
        self.shown_as = ""  # the principal the rows shown were read as

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="filters"):
            yield Input(placeholder="/ filter by alias or id", id="search")
            yield Select([(s.label, s.value) for s in KeyState], prompt="Any state", id="f-state")
            yield Select([(u, u) for u in ALL_USAGES], prompt="Any usage", id="f-usage")
            yield Select([("kms", "kms"), ("external", "external")], prompt="Any origin", id="f-origin")
            yield Select([("default", "default")], prompt="Any project", id="f-project")
        yield KeyTable(id="keys")
        with Horizontal(id="status-bar"):
            yield Static("", id="status")
            yield Static("", id="quota")

    def on_mount(self) -> None:
        self.query_one(KeyTable).focus()
        self._show_read_ahead()
        # the project filter's choices are not on screen: asked for once the first page is
        when_shown = getattr(self.app, "when_first_page_shown", None)
        (when_shown or (lambda callback: callback()))(self._list_projects)

    def _list_projects(self) -> None:
        self.call_engine(self.engine.kms.list_enterprise_projects, done=self._set_projects,
                         label="list projects", quiet=True)

    def _show_read_ahead(self) -> None:
        """Show the first page (and quotas) read while the app started, if they are in: drawn
        in the first frame, before the table knows its height (its first PageSize checks)."""
        prefetch, acting = getattr(self.app, "prefetch", None), self.app.principal
        query = first_query(self.app.size.height)
        if prefetch is None or not prefetch.ready(FIRST_PAGE, (acting, query)):
            return
        page = self._read_ahead(FIRST_PAGE, (acting, query), None)()
        self.lq = query
        self.page_before_layout = True
        self._show(page, "keep", acting)
        if prefetch.ready(FIRST_QUOTAS, acting):
            self._show_quotas(self._read_ahead(FIRST_QUOTAS, acting, None)(), acting)

    def _read_ahead(self, name: str, query, call):
        """The call read ahead as `name` when it answers `query` (taken once), else `call`."""
        prefetch = getattr(self.app, "prefetch", None)
        return (prefetch.take(name, query) if prefetch is not None else None) or call

    def _set_projects(self, projects: list[str]) -> None:
        fill_select(self.query_one("#f-project", Select), projects)

    # --- loading -----------------------------------------------------------------------
    def reload(self, cursor: str = "keep", quotas: bool = True) -> None:
        q, kms, acting = self.lq, self.engine.kms, self.app.principal
        if self.shown_as and self.shown_as != acting:
            self.forget_rows(f"loading as {acting}…")
        list_keys = self._read_ahead(FIRST_PAGE, (acting, q), lambda: kms.list_keys(**q.kwargs()))
        self.call_engine(list_keys, group="keys-list", exclusive=True,
                         label="list keys", done=lambda page: self._show(page, cursor, acting),
                         failed=self._refused)
        if quotas:
            count_quotas = self._read_ahead(FIRST_QUOTAS, acting, kms.user_quotas)
            self.call_engine(count_quotas, group="keys-quota", exclusive=True, label="key quotas", quiet=True,
                             done=lambda found: self._show_quotas(found, acting),
                             failed=lambda _e: self._show_quotas((), acting))

    def set_query(self, **changes) -> None:
        """A filter or sort change (each keystroke in the search box): the first page again.
        The account's quotas do not depend on what the list shows: not counted again."""
        self.lq = replace(self.lq, offset=0, **changes)
        self.reload("top", quotas=False)

    def _show_quotas(self, quotas, acting: str) -> None:
        """Keys used of the account's quota, and the most grants on one key of its quota."""
        if acting != self.app.principal:
            return
        by_type = {q.type: q for q in quotas}
        parts = []
        if (keys := by_type.get("CMK")) is not None:
            parts.append(f"keys {keys.used:,}/{keys.quota:,}")
        if (grants := by_type.get("grant_per_CMK")) is not None:
            parts.append(f"grants/key {grants.used:,}/{grants.quota:,}")
        self.query_one("#quota", Static).update("quota: " + " · ".join(parts) if parts else "")

    def forget_rows(self, why: str, refused: bool = False) -> None:
        """No rows on screen (another user acts, or the list was refused): never stale ones."""
        self.page, self._by_id, self.shown_as = None, {}, ""
        self.marked.clear()
        self.query_one(KeyTable).show_page((), set())
        self.query_one("#quota", Static).update("")
        status = self.query_one("#status", Static)
        status.update(why)
        status.set_class(refused, "refused")
        if refused:
            self._first_page_shown()

    def _refused(self, err) -> None:
        self.forget_rows(f"{escape(err.code)}: {escape(err.message)} — no keys shown", refused=True)

    def on_dew_app_principal_changed(self, message) -> None:
        message.prevent_default()  # DewScreen's handler would reload a second time
        self.forget_rows(f"loading as {message.principal}…")
        self.reload()

    def _show(self, page, cursor: str, acting: str = "") -> None:
        if acting and acting != self.app.principal:
            return  # read as the previous user: a newer load is on its way
        if not self.page_landed(len(page.keys), page.total):
            return
        self.shown_as = acting or self.app.principal
        self.query_one("#status").remove_class("refused")
        self.page = page
        self._by_id = {k.key_id: k for k in page.keys}
        table = self.query_one(KeyTable)
        table.show_imported(self.lq.origin == "external")
        table.show_page(page.keys, set(self.marked), cursor)
        self._status()
        if getattr(self.app, "after_first_page", None) is not None:  # start-up work waits for it
            if page.keys:
                table.when_rows_painted(self._first_page_shown)
            else:
                self._first_page_shown()

    def _first_page_shown(self) -> None:
        """Tell the app a page (or why none) is on screen: start-up work waiting for it goes on."""
        if getattr(self.app, "after_first_page", None) is not None:
            self.app.first_page_shown()

    def _status(self) -> None:
        page = self.page
        if page is None:
            return
        if page.total:
            text = page_status(page.offset, len(page.keys), page.total, "keys", page.limit)
        else:
            text = "no keys match" if self._filtered() else "no keys yet: press n to create one"
        arrow = "↓" if self.lq.descending else "↑"
        text += f"  ·  sorted by {SORT_LABELS.get(self.lq.sort, self.lq.sort)} {arrow}"
        if self.marked:
            text += f"  ·  [b magenta]{len(self.marked)} marked[/]"
        more = self.more_filters().describe()
        if more:
            text += f"  ·  [b]{escape(more)}[/] (f)"
        self.query_one("#status", Static).update(text)

    def _filtered(self) -> bool:
        q = self.lq
        return bool(q.search or q.key_state or q.key_usage or q.origin or q.enterprise_project_id
                    or self.more_filters().describe())

    def more_filters(self) -> KeyFilters:
        q = self.lq
        return KeyFilters(q.created_after, q.created_before, q.tag_key, q.tag_value)

    # --- messages from the widgets -----------------------------------------------------
    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "search":
            self.set_query(search=event.value.strip())

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "search":
            self.query_one(KeyTable).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        field = {"f-state": "key_state", "f-usage": "key_usage", "f-origin": "origin",
                 "f-project": "enterprise_project_id"}.get(event.select.id or "")
        if field:
            value = None if event.value is Select.NULL else str(event.value)
            if getattr(self.lq, field) != value:
                self.set_query(**{field: value})

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        field = SORT_FIELDS.get(str(event.column_key.value))
        if field:
            descending = not self.lq.descending if field == self.lq.sort else False
            self.set_query(sort=field, descending=descending)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        key = self._by_id.get(str(event.row_key.value))
        if key is not None:
            open_key(self.app, key)

    # --- actions -----------------------------------------------------------------------
    def current(self):
        return self._by_id.get(self.query_one(KeyTable).current_key() or "")

    def targets(self) -> list[KeyRef]:
        """The marked keys, or the key under the cursor when none is marked."""
        if self.marked:
            return list(self.marked.values())
        key = self.current()
        return [KeyRef(key.key_id, key.key_alias)] if key else []

    def _after_batch(self) -> None:
        self.marked.clear()
        self.reload()

    def action_filter(self) -> None:
        self.query_one("#search", Input).focus()

    def action_create(self) -> None:
        from dewtui.keys.create import create_key_flow
        create_key_flow(self, after=lambda _k: self.reload())

    def action_mark(self) -> None:
        key = self.current()
        if key is None:
            return
        table = self.query_one(KeyTable)
        if self.marked.pop(key.key_id, None) is None:
            self.marked[key.key_id] = KeyRef(key.key_id, key.key_alias)
        table.set_mark(key.key_id, key.key_id in self.marked)
        if table.cursor_row < table.row_count - 1:
            table.move_cursor(row=table.cursor_row + 1, animate=False)
        self._status()

    def action_mark_page(self) -> None:
        table = self.query_one(KeyTable)
        for key in self._by_id.values():
            self.marked[key.key_id] = KeyRef(key.key_id, key.key_alias)
            table.set_mark(key.key_id, True)
        self._status()

    def action_change(self, action: str) -> None:
        keys = self.targets()
        if keys:
            ask_state_change(self, action, keys, self._after_batch)

    def action_schedule_deletion(self) -> None:
        keys = self.targets()
        if keys:
            ask_schedule_deletion(self, keys, self._after_batch)

    def action_import_key(self) -> None:  # the import wizard (dewtui.keys.import_flow)
        from dewtui.keys.import_flow import import_key_flow
        import_key_flow(self, after=self.reload)

    def action_import_material(self) -> None:
        from dewtui.keys.import_flow import reopen_import
        if (key := self.current()) is not None:
            reopen_import(self, key, after=self.reload)

    def action_delete_material(self) -> None:
        from dewtui.keys.import_flow import ask_delete_material
        if (key := self.current()) is not None:
            ask_delete_material(self, key, after=self.reload)

    def action_encrypt_file(self) -> None:
        from dewtui.keys.file_dialog import FileCryptDialog
        key = self.current()
        if key is not None:
            self.app.push_screen(FileCryptDialog(key), self._file_written)

    def action_decrypt_file(self) -> None:
        from dewtui.keys.file_dialog import FileCryptDialog
        self.app.push_screen(FileCryptDialog(), self._file_written)

    def _file_written(self, dst: str | None) -> None:
        if dst:
            self.notify(f"Wrote {dst}", timeout=5)

    def action_more_filters(self) -> None:
        from dewtui.keys.filters_dialog import KeyFiltersDialog
        kms = self.engine.kms

        def apply(f: KeyFilters | None) -> None:
            if f is not None and f != self.more_filters():
                self.set_query(created_after=f.created_after, created_before=f.created_before,
                               tag_key=f.tag_key, tag_value=f.tag_value)

        def show(tags) -> None:
            self.app.push_screen(KeyFiltersDialog(self.more_filters(), tags), apply)

        self.call_engine(lambda: {t.key: t.values for t in kms.list_project_tags(limit=1000).tags},
                         label="list project tags", quiet=True, done=show, failed=lambda _e: show({}))

    def action_new_project(self) -> None:
        from dewtui.keys.project_dialogs import NewProjectDialog

        def created(name: str | None) -> None:
            if name:
                self.notify(f"Created enterprise project {name}", timeout=4)
                self.call_engine(self.engine.kms.list_enterprise_projects, done=self._set_projects,
                                 label="list projects", quiet=True)

        self.app.push_screen(NewProjectDialog(), created)

    def action_move_to_project(self) -> None:
        from dewtui.keys.project_dialogs import MoveKeyDialog
        key = self.current()
        if key is None:
            return

        def moved(done) -> None:
            if done is not None:
                self.notify(f"Moved {done.key_alias} to project {done.enterprise_project_id}", timeout=4)
                self.reload()

        self.call_engine(self.engine.kms.list_enterprise_projects, label="list projects",
                         done=lambda projects: self.app.push_screen(MoveKeyDialog(key, projects), moved))

    def action_sort(self) -> None:
        i = SORT_CYCLE.index(self.lq.sort) if self.lq.sort in SORT_CYCLE else -1
        self.set_query(sort=SORT_CYCLE[(i + 1) % len(SORT_CYCLE)], descending=False)

    def action_reverse(self) -> None:
        self.set_query(descending=not self.lq.descending)

    def action_reload(self) -> None:
        self.reload()

    def action_open_selected(self) -> None:
        key = self.current()
        if key is not None:
            open_key(self.app, key)

    def action_clear(self) -> None:
        if self.marked:
            self.marked.clear()
            if self.page is not None:
                self.query_one(KeyTable).show_page(self.page.keys, set())
            self._status()
        elif self.lq.search:
            self.query_one("#search", Input).value = ""
        self.query_one(KeyTable).focus()


def open_key(app, key) -> None:
    """Show the detail screen of `key` (a KeyDetails) on top of the Keys area."""
    from dewtui.keys.detail import KeyDetailScreen
    from dewtui.widgets.detail import open_detail
    open_detail(app, "keys", KeyDetailScreen, key)


class KeyJumpProvider(JumpProvider):
    """Palette: "Go to key <alias>"."""

    NOUN = "key"

    def fetch(self, engine, search):
        kw = {"search": search} if search else {}
        return engine.kms.list_keys(sort="key_alias", limit=self.LIMIT, **kw).keys

    def name(self, key) -> str:
        return key.key_alias

    def brief(self, key) -> str:
        return f"{key.key_spec} · {key.state_label}"

    def details(self, key) -> str:
        return f"{key.key_spec} · {key.state_label} · {key.key_id}"

    def open(self, key) -> None:
        open_key(self.app, key)
