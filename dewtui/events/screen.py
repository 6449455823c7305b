"""The Events area: secret events (what to notify) and the local topics they deliver to.

At most 30 events and a handful of topics exist, so both lists are loaded whole. The
events table is on top (create, edit, enable, disable, delete); the topics table below
(create, delete). `x` deletes whatever is selected in the focused table, after a
confirmation; the engine refuses to delete an event a secret subscribes to, or a topic an
event uses, and that refusal is the usual error toast with its code.
"""
from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Label, Static

from dewtui.events.format import type_label
from dewtui.events.requests import EventRequest
from dewtui.shell.fmt import clip, when
from dewtui.widgets.screen import DewScreen

EVENT_COLUMNS = (("name", "Event name"), ("status", "Status"), ("types", "Subscription"),
                 ("topic", "Topic"), ("secrets", "Secrets"), ("created", "Created"))
TOPIC_COLUMNS = (("name", "Topic"), ("file", "Also appends to (JSONL)"), ("used", "Used by"),
                 ("created", "Created"))


def status_text(state: str) -> str:
    return "[green]Enabled[/]" if state == "ENABLED" else "[yellow]Disabled[/]"


def event_cells(ev) -> tuple:
    types = ", ".join(type_label(t) for t in ev.event_types)
    return (escape(clip(ev.name, 24)), status_text(ev.state), clip(types, 44),
            escape(clip(ev.notification.target_name, 16)), str(ev.subscribers), when(ev.create_time))


def topic_file(path: str) -> str:
    """A topic's file as shown: relative to the data directory (it always lives in topics/)."""
    if not path:
        return "— (inbox only)"
    return "topics/" + path.replace("\\", "/").rsplit("/", 1)[-1]


def topic_cells(t) -> tuple:
    used = ", ".join(t.used_by) if t.used_by else "—"
    return (escape(clip(t.name, 24)), escape(clip(topic_file(t.file), 50)), escape(clip(used, 24)),
            when(t.created))


class EventsScreen(DewScreen):
    BINDINGS = [
        Binding("n", "create", "New event"),
        Binding("t", "create_topic", "New topic", tooltip="a name and an optional JSONL file"),
        Binding("enter", "edit", "Edit", tooltip="types, status and topic of the event"),
        Binding("e", "set_state('ENABLED')", "Enable"),
        Binding("d", "set_state('DISABLED')", "Disable"),
        Binding("x", "delete", "Delete", tooltip="the selected event or topic, after confirmation"),
        Binding("tab", "switch_table", "Events/topics", show=False),
        Binding("r", "reload", "Refresh", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.events: dict[str, object] = {}
        self.topics: dict[str, object] = {}
        self.loaded = False

    def compose_body(self) -> ComposeResult:
        yield Label("Events", classes="area-label")
        yield DataTable(id="events-table", cursor_type="row", zebra_stripes=True)
        yield Label("Topics", classes="area-label")
        yield DataTable(id="topics-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="events-status")

    def on_mount(self) -> None:
        events = self.query_one("#events-table", DataTable)
        for key, label in EVENT_COLUMNS:
            events.add_column(label, key=key)
        topics = self.query_one("#topics-table", DataTable)
        for key, label in TOPIC_COLUMNS:
            topics.add_column(label, key=key)
        events.focus()
        self.reload()

    def on_screen_resume(self) -> None:
        if self.loaded:
            self.reload()

    # --- loading -----------------------------------------------------------------------
    def reload_shown(self) -> None:
        self.reload()

    def reload(self, select_event: str | None = None, select_topic: str | None = None) -> None:
        ev = self.engine.events

        def both():
            return ev.list_secret_events(), ev.list_topics()

        self.call_engine(both, group="events-list", exclusive=True, label="list events",
                         done=lambda r: self._show(*r, select_event, select_topic), failed=self._refused)

    def _empty(self, status: str) -> None:
        self.events, self.topics = {}, {}
        for selector in ("#events-table", "#topics-table"):
            self.query_one(selector, DataTable).clear()
        self.query_one("#events-status", Static).update(status)

    def clear_shown(self) -> None:
        """Another user acts now: none of the previous user's events stay on screen."""
        self._empty(f"loading as {escape(self.app.principal)}…")  # type: ignore[attr-defined]

    def _refused(self, err) -> None:
        self._empty(f"[b]{escape(err.code)}[/]: {escape(err.message)}  ·  nothing to show as "
                    f"{escape(self.app.principal)}")  # type: ignore[attr-defined]

    def _show(self, events, topics, select_event: str | None, select_topic: str | None) -> None:
        self.loaded = True
        self.events = {e.name: e for e in events}
        self.topics = {t.name: t for t in topics}
        self._fill("#events-table", [(e.name, event_cells(e)) for e in events], select_event)
        self._fill("#topics-table", [(t.name, topic_cells(t)) for t in topics], select_topic)
        quota = self.engine.settings.events_quota
        text = f"{len(events)} of {quota} events · {len(topics)} topics"
        if not topics:
            text += "  ·  an event needs a topic: press t to create one"
        elif not events:
            text += "  ·  press n to create an event"
        self.query_one("#events-status", Static).update(text)

    def _fill(self, selector: str, rows, select: str | None) -> None:
        table = self.query_one(selector, DataTable)
        keep = self._current(table)
        row = table.cursor_row
        table.clear()
        for key, cells in rows:
            table.add_row(*cells, key=key)
        keys = [k for k, _c in rows]
        target = select or keep
        if keys:
            table.move_cursor(row=keys.index(target) if target in keys else min(row, len(keys) - 1),
                              animate=False)

    @staticmethod
    def _current(table: DataTable) -> str | None:
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def current_event(self):
        return self.events.get(self._current(self.query_one("#events-table", DataTable)) or "")

    def current_topic(self):
        return self.topics.get(self._current(self.query_one("#topics-table", DataTable)) or "")

    def _topics_focused(self) -> bool:
        return self.focused is self.query_one("#topics-table")

    # --- actions -----------------------------------------------------------------------
    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "events-table":
            self.action_edit()

    def action_reload(self) -> None:
        self.reload()

    def action_switch_table(self) -> None:
        other = "#events-table" if self._topics_focused() else "#topics-table"
        self.query_one(other).focus()

    def action_create(self) -> None:
        self._event_dialog(None)

    def action_edit(self) -> None:
        ev = self.current_event()
        if ev is not None:
            self._event_dialog(ev)

    def _event_dialog(self, ev) -> None:
        from dewtui.events.event_dialog import EventDialog
        dialog = EventDialog(list(self.topics), ev, new_topic=self._topic_for_dialog)
        self.app.push_screen(dialog.checked_by(self._save_event, "save event"), self._event_saved)

    def _save_event(self, req: EventRequest):
        """Run in a worker while the dialog stays open: a refusal is shown in the dialog."""
        ev = self.engine.events
        if req.editing:
            info = ev.update_secret_event(req.name, event_types=list(req.event_types),
                                          state=req.state, notification=req.topic)
        else:
            info = ev.create_secret_event(req.name, list(req.event_types), state=req.state,
                                          notification=req.topic)
        return info, req.editing

    def _event_saved(self, saved) -> None:
        if saved is None:
            return
        info, editing = saved
        self.app.notify(f"Event {info.name} {'updated' if editing else 'created'}", timeout=4)
        self.reload(select_event=info.name)

    def action_set_state(self, state: str) -> None:
        ev = self.current_event()
        if ev is None or self._topics_focused():
            return
        if ev.state == state:
            self.app.notify(f"Event {ev.name} is already {state.lower()}", timeout=3)
            return
        verb = "enabled" if state == "ENABLED" else "disabled"
        name = ev.name
        self.call_engine(lambda: self.engine.events.update_secret_event(name, state=state),
                         label=f"{verb[:-1]} event", success=f"Event {name} {verb}",
                         done=lambda _i: self.reload())

    def action_delete(self) -> None:
        from dewtui.widgets.confirm import ConfirmDialog
        if self._topics_focused():
            topic = self.current_topic()
            if topic is None:
                return
            text = (f"Delete topic {topic.name}? Events can no longer notify it."
                    + (f"\nIt is still used by {', '.join(topic.used_by)}: the deletion will be refused."
                       if topic.used_by else ""))
            self.app.push_screen(ConfirmDialog("Delete topic", text, ok="Delete"),
                                 lambda yes: yes and self._delete_topic(topic.name))
            return
        ev = self.current_event()
        if ev is None:
            return
        text = f"Delete event {ev.name}? Its notifications already delivered stay in the inbox."
        if ev.subscribers:
            text += (f"\n{ev.subscribers} secret(s) still subscribe to it: the deletion will be refused "
                     "until they unsubscribe.")
        self.app.push_screen(ConfirmDialog("Delete event", text, ok="Delete"),
                             lambda yes: yes and self._delete_event(ev.name))

    def _delete_event(self, name: str) -> None:
        self.call_engine(lambda: self.engine.events.delete_secret_event(name), label="delete event",
                         success=f"Event {name} deleted", done=lambda _r: self.reload())

    def _delete_topic(self, name: str) -> None:
        self.call_engine(lambda: self.engine.events.delete_topic(name), label="delete topic",
                         success=f"Topic {name} deleted", done=lambda _r: self.reload())

    # --- topics --------------------------------------------------------------------------
    def action_create_topic(self) -> None:
        self._ask_topic(lambda info: self.reload(select_topic=info.name))

    def _topic_for_dialog(self, dialog) -> None:
        """The event dialog's "New topic…": create it, then give the dialog the new list."""
        def created(info) -> None:
            self.reload(select_topic=info.name)
            self.call_engine(self.engine.events.list_topics, label="list topics", owner=dialog,
                             done=lambda topics: dialog.set_topics([t.name for t in topics], info.name))
        self._ask_topic(created)

    def _ask_topic(self, after) -> None:
        from dewtui.events.topic_dialog import TopicDialog

        events = self.engine.events

        def created(info) -> None:
            if info is not None:
                self.app.notify(f"Topic {info.name} created", timeout=4)
                after(info)

        dialog = TopicDialog().checked_by(lambda req: events.create_topic(req.name, file=req.file),
                                          "create topic")
        self.app.push_screen(dialog, created)
