"""The Notifications area: the local inbox of delivered secret event notifications.

Newest first, unread in bold, filtered by event, type and secret (and "unread only") and
paged in the database, so a long-running inbox stays quick. `enter` opens a notification's
content JSON (and marks it read), `m` marks the selected one read, `M` every one on the
page. The header's unread counter and the "new notification" toast come from the app's
inbox watcher; this list reloads itself when the app's unread count grows (mail arrived).
"""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Checkbox, DataTable, Input, Select, Static

from dewtui.events.format import LEVEL_STYLE, type_label
from dewtui.events.requests import NotificationQuery
from dewtui.shell.fmt import seconds, styled
from dewtui.widgets.paged_list import PagedListScreen, fill_select
from dewtui.widgets.paged_table import PagedTable, page_status
from engine.catalog import EVENT_TYPES

COLUMNS = (("read", " "), ("time", "Time (UTC)"), ("level", "Level"), ("event", "Event"),
           ("type", "Type"), ("secret", "Secret"), ("version", "Version"), ("status", "Delivery"))


def record_cells(r) -> tuple:
    """Unread notifications in bold, with a dot in the first column."""
    bold = not r.read

    def cell(value: str, style: str = "") -> str:
        return styled(value, {value: style} if style else {}, bold)

    return (cell("" if r.read else "●", "cyan"), cell(seconds(r.create_time)),
            cell(r.level.capitalize(), LEVEL_STYLE.get(r.level, "")), cell(r.event_name),
            cell(type_label(r.trigger_event_type)), cell(r.secret_name), cell(r.version_id or "—"),
            cell(r.notification_status.lower()))


class NotificationsScreen(PagedListScreen):
    STATUS_ID = "inbox-status"
    BINDINGS = [
        Binding("slash", "filter", "Filter", key_display="/", tooltip="by secret name"),
        Binding("enter", "open", "Open", tooltip="the content JSON (marks it read)"),
        Binding("m", "mark_read", "Mark read"),
        Binding("M", "mark_page_read", "Mark page read", tooltip="every notification shown"),
        Binding("u", "toggle_unread", "Unread only"),
        Binding("r", "reload", "Refresh"),
        Binding("escape", "clear", "Clear filters", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(NotificationQuery())
        self.records: dict[str, object] = {}

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="inbox-filters"):
            yield Input(placeholder="/ secret name", id="inbox-secret")
            yield Select([], prompt="Any event", id="inbox-event")
            yield Select([(t.label, t.name) for t in EVENT_TYPES], prompt="Any type", id="inbox-type")
            yield Checkbox("Unread only", id="inbox-unread")
        yield PagedTable(COLUMNS, id="inbox-table")
        yield Static("", id="inbox-status")

    def on_mount(self) -> None:
        self.query_one(PagedTable).focus()
        self._load_events()
        self.watch(self.app, "unread", self._unread_changed, init=False)

    def _unread_changed(self, before: int | None, now: int | None) -> None:
        """Mail arrived (the app's unread count grew): show it if this list is on screen."""
        if before is not None and now is not None and now > before and self.is_current:
            self.reload()

    def on_screen_resume(self) -> None:
        # PagedListScreen's handler reloads the page as well: Textual calls both
        if self.total is not None:
            self._load_events()

    def _load_events(self) -> None:
        self.call_engine(self.engine.events.list_secret_events, label="list events", quiet=True,
                         done=self._set_events)

    def _set_events(self, events) -> None:
        fill_select(self.query_one("#inbox-event", Select), [e.name for e in events])

    # --- loading -----------------------------------------------------------------------
    def reload(self, cursor: str = "keep") -> None:
        q, ev = self.lq, self.engine.events

        def page():
            return ev.list_notification_records(**q.kwargs()), ev.count_notification_records(**q.filters())

        self.call_engine(page, group="inbox-list", exclusive=True, label="list notifications",
                         done=lambda r: self._show(*r, cursor), failed=self.list_refused)

    def forget_rows(self) -> None:
        self.records = {}

    def _show(self, records, total: int, cursor: str) -> None:
        if not self.page_landed(len(records), total):
            return
        self.records = {r.record_id: r for r in records}
        self.query_one(PagedTable).show_rows(((r.record_id, record_cells(r)) for r in records), cursor)
        unread = sum(1 for r in records if not r.read)
        text = page_status(self.lq.offset, len(records), total, "notifications", self.lq.limit)
        if not total:
            text = ("no notifications match" if self._filtered() else
                    "no notifications yet: subscribe a secret to an event (Events area) to get some")
        elif unread:
            text += f"  ·  [b]{unread} unread on this page[/]"
        self.query_one("#inbox-status", Static).update(text)

    def _filtered(self) -> bool:
        q = self.lq
        return bool(q.event_name or q.event_type or q.secret_name or q.unread_only)

    # --- messages from the widgets -----------------------------------------------------
    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "inbox-secret":
            self.set_query(secret_name=event.value.strip() or None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one(PagedTable).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        field = {"inbox-event": "event_name", "inbox-type": "event_type"}.get(event.select.id or "")
        if field:
            value = None if event.value is Select.NULL else str(event.value)
            if getattr(self.lq, field) != value:
                self.set_query(**{field: value})

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        if event.checkbox.id == "inbox-unread" and event.value != self.lq.unread_only:
            self.set_query(unread_only=event.value)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    # --- actions -----------------------------------------------------------------------
    def current(self):
        return self.records.get(self.query_one(PagedTable).current_key() or "")

    def action_filter(self) -> None:
        self.query_one("#inbox-secret", Input).focus()

    def action_reload(self) -> None:
        self.reload()

    def action_toggle_unread(self) -> None:
        box = self.query_one("#inbox-unread", Checkbox)
        box.value = not box.value

    def action_clear(self) -> None:
        self.query_one("#inbox-secret", Input).value = ""
        self.query_one("#inbox-event", Select).clear()
        self.query_one("#inbox-type", Select).clear()
        self.query_one("#inbox-unread", Checkbox).value = False
        self.query_one(PagedTable).focus()

    def action_open(self) -> None:
        from dewtui.events.notification_dialog import NotificationDialog
        r = self.current()
        if r is None:
            return
        self.app.push_screen(NotificationDialog(r))
        if not r.read:
            self._mark([r.record_id], None)

    def action_mark_read(self) -> None:
        r = self.current()
        if r is not None and not r.read:
            self._mark([r.record_id], "Marked read")

    def action_mark_page_read(self) -> None:
        ids = [i for i, r in self.records.items() if not r.read]
        if ids:
            self._mark(ids, lambda n: f"Marked {n} notification{'s' if n != 1 else ''} read")

    def _mark(self, ids: list[str], success) -> None:
        self.call_engine(lambda: self.engine.events.mark_read(ids), label="mark read", success=success,
                         done=lambda _n: (self.reload(), self.app.refresh_unread()))
