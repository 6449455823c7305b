"""The Secrets area: a paged, filterable list of secrets (name, state, type, KMS key, created,
project, tag count), search by tags, and every secret action from the footer and palette.

Only one page is loaded (the engine filters, counts and pages in the database); the KMS
key aliases of that page are resolved in the same worker and cached. `enter` opens the
secret detail screen. The palette provider here adds "Go to secret <name>".
"""
from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Input, Select, Static

from dewtui.secrets.actions import (ask_cancel_deletion, ask_delete, ask_download, ask_restore,
                                    create_secret_flow, key_aliases)
from dewtui.secrets.requests import SecretQuery
from dewtui.secrets.table import STATE_LABEL, SecretTable
from dewtui.shell.jump import JumpProvider
from dewtui.widgets.paged_list import PagedListScreen, fill_select
from dewtui.widgets.paged_table import page_status


class SecretsScreen(PagedListScreen):
    STATUS_ID = "secret-status"
    BINDINGS = [
        Binding("slash", "filter", "Filter", key_display="/", tooltip="name, as you type"),
        Binding("n", "create", "New secret"),
        Binding("t", "tag_search", "Search by tag", tooltip="several tag pairs, all must match"),
        Binding("T", "reset_tags", "Reset tag search", show=False),
        Binding("x", "delete", "Delete", tooltip="schedule deletion (7-30 days) or delete now"),
        Binding("u", "cancel_deletion", "Undelete", tooltip="cancel a scheduled deletion"),
        Binding("b", "backup", "Backup", tooltip="download the secret as a backup file"),
        Binding("R", "restore", "Restore backup", key_display="R", tooltip="restore a secret from a backup file"),
        Binding("r", "reload", "Refresh", show=False),
        Binding("escape", "clear", "Clear filter", show=False),
    ]
    PALETTE = [("Open the selected secret", "open_selected", "secret detail: details, versions, tags, rotation")]

    def __init__(self) -> None:
        super().__init__(SecretQuery())
        self.page = None
        self.aliases: dict[str, str] = {}
        self._by_name: dict = {}

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="secret-filters"):
            yield Input(placeholder="/ filter by name", id="secret-search")
            yield Select([(label, value) for value, label in STATE_LABEL.items()], prompt="Any state",
                         id="sf-state")
            yield Select([("default", "default")], prompt="Any project", id="sf-project")
        yield Static("", id="secret-tag-bar")
        yield SecretTable(id="secrets")
        yield Static("", id="secret-status")

    def on_mount(self) -> None:
        self.query_one(SecretTable).focus()
        self._tag_bar()
        self.call_engine(self.engine.kms.list_enterprise_projects, done=self._set_projects,
                         label="list projects", quiet=True)

    def _set_projects(self, projects: list[str]) -> None:
        fill_select(self.query_one("#sf-project", Select), projects)

    # --- loading -------------------------------------------------------------------------
    def reload(self, cursor: str = "keep") -> None:
        q, engine, known = self.lq, self.engine, set(self.aliases)

        def load():
            page = engine.csms.list_secrets(**q.kwargs())
            return page, key_aliases(engine, {s.kms_key_id for s in page.secrets}, known)

        self.call_engine(load, group="secrets-list", exclusive=True, label="list secrets",
                         done=lambda loaded: self._show(loaded, cursor), failed=self.list_refused)

    def forget_rows(self) -> None:
        self.page = None
        self._by_name = {}

    def _show(self, loaded, cursor: str) -> None:
        page, aliases = loaded
        self.aliases.update(aliases)
        if not self.page_landed(len(page.secrets), page.total):
            return
        self.page = page
        self._by_name = {s.name: s for s in page.secrets}
        self.query_one(SecretTable).show_page(page.secrets, self.aliases, cursor)
        self._status()

    def _status(self) -> None:
        page = self.page
        if page is None:
            return
        if page.total:
            text = page_status(page.offset, len(page.secrets), page.total, "secrets", page.limit) + "  ·  newest first"
        else:
            text = "no secrets match" if self.lq.filtered else "no secrets yet: press n to create one"
        self.query_one("#secret-status", Static).update(text)

    def _tag_bar(self) -> None:
        bar = self.query_one("#secret-tag-bar", Static)
        tags = self.lq.tags
        bar.display = bool(tags)
        bar.update("Tags: " + "  ".join(f"[b]{escape(k)}[/]={escape(v)}" for k, v in tags)
                   + "   [dim](t: edit, T: reset)[/]")

    # --- messages from the widgets -------------------------------------------------------
    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "secret-search":
            self.set_query(search=event.value.strip())

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "secret-search":
            self.query_one(SecretTable).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        field = {"sf-state": "state", "sf-project": "enterprise_project_id"}.get(event.select.id or "")
        if field:
            value = None if event.value is Select.NULL else str(event.value)
            if getattr(self.lq, field) != value:
                self.set_query(**{field: value})

    def on_data_table_row_selected(self, event) -> None:
        secret = self._by_name.get(str(event.row_key.value))
        if secret is not None:
            open_secret(self.app, secret)

    # --- actions -------------------------------------------------------------------------
    def current(self):
        return self._by_name.get(self.query_one(SecretTable).current_key() or "")

    def action_filter(self) -> None:
        self.query_one("#secret-search", Input).focus()

    def action_create(self) -> None:
        create_secret_flow(self, after=lambda _s: self.reload("top"))

    def action_tag_search(self) -> None:
        from dewtui.secrets.tag_search_dialog import TagSearchDialog

        def go(pairs) -> None:
            if pairs is not None:
                self._set_tags(tuple(pairs))

        self.app.push_screen(TagSearchDialog(self.lq.tags, self.engine.settings.tags_per_resource), go)

    def _set_tags(self, pairs) -> None:
        self.set_query(tags=pairs)
        self._tag_bar()

    def action_reset_tags(self) -> None:
        if self.lq.tags:
            self._set_tags(())

    def action_delete(self) -> None:
        secret = self.current()
        if secret is None:
            return
        if secret.state == "PENDING_DELETE":
            self.notify(f"{secret.name} is already pending deletion (u cancels it)", severity="warning")
            return
        ask_delete(self, secret, lambda _now: self.reload())

    def action_cancel_deletion(self) -> None:
        secret = self.current()
        if secret is None:
            return
        if secret.state != "PENDING_DELETE":
            self.notify(f"{secret.name} is not pending deletion", severity="warning")
            return
        ask_cancel_deletion(self, secret, lambda _s: self.reload())

    def action_backup(self) -> None:
        secret = self.current()
        if secret is not None:
            ask_download(self, secret)

    def action_restore(self) -> None:
        ask_restore(self, lambda _s: self.reload("top"))

    def action_reload(self) -> None:
        self.reload()

    def action_open_selected(self) -> None:
        secret = self.current()
        if secret is not None:
            open_secret(self.app, secret)

    def action_clear(self) -> None:
        if self.lq.search:
            self.query_one("#secret-search", Input).value = ""
        self.query_one(SecretTable).focus()


def open_secret(app, secret) -> None:
    """Show the detail screen of `secret` (a Secret result) on top of the Secrets area."""
    from dewtui.secrets.detail import SecretDetailScreen
    from dewtui.widgets.detail import open_detail
    open_detail(app, "secrets", SecretDetailScreen, secret)


class SecretJumpProvider(JumpProvider):
    """Palette: "Go to secret <name>"."""

    NOUN = "secret"

    def fetch(self, engine, search):
        kw = {"search": search} if search else {}
        return engine.csms.list_secrets(limit=self.LIMIT, **kw).secrets

    def name(self, secret) -> str:
        return secret.name

    def brief(self, secret) -> str:
        return STATE_LABEL.get(secret.state, secret.state)

    def details(self, secret) -> str:
        return f"{STATE_LABEL.get(secret.state, secret.state)} · {secret.enterprise_project_id}"

    def open(self, secret) -> None:
        open_secret(self.app, secret)
