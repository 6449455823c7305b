"""Pilot tests of the Events area: drive the TUI with keys, then assert the ENGINE's state."""
from __future__ import annotations

from textual.widgets import Checkbox, DataTable, Select

from dewtui.widgets.confirm import ConfirmDialog
from dewtui.events.event_dialog import EventDialog
from dewtui.events.topic_dialog import TopicDialog
from dewtui.events.screen import EventsScreen
from ui.helpers import SIZE, make_app, settle, toasts


async def cursor_to(pilot, table_id: str, key: str) -> None:
    table = pilot.app.screen.query_one(table_id, DataTable)
    table.focus()
    table.move_cursor(row=[str(r.value) for r in table.rows].index(key), animate=False)
    await pilot.pause()


async def test_create_topic_and_event_from_the_dialog(eng, tmp_path):
    app = make_app(eng)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        assert isinstance(app.screen, EventsScreen)
        await pilot.press("n")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, EventDialog)
        await pilot.press(*"db-changes")
        await pilot.press("ctrl+t")  # no topic yet: create one from the event dialog
        await settle(pilot)
        assert isinstance(app.screen, TopicDialog)
        await pilot.press(*"ops", "tab", "space", "ctrl+s")
        await settle(pilot)
        assert app.screen is dialog
        feed = eng.home / "topics" / "ops.jsonl"
        assert [(t.name, t.file) for t in eng.events.list_topics()] == [("ops", str(feed))]
        assert dialog.query_one("#ev-topic", Select).value == "ops"
        dialog.query_one("#type-SECRET_VERSION_CREATED", Checkbox).value = True
        dialog.query_one("#type-SECRET_DELETED", Checkbox).value = True
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, EventsScreen)
        [ev] = eng.events.list_secret_events()
        assert (ev.name, ev.state, ev.notification.target_name) == ("db-changes", "ENABLED", "ops")
        assert ev.event_types == ("SECRET_VERSION_CREATED", "SECRET_DELETED")
        assert "Event db-changes created" in toasts(app)
        table = app.screen.query_one("#events-table", DataTable)
        assert [str(r.value) for r in table.rows] == ["db-changes"]


async def test_create_refuses_inline_without_types(events_eng):
    app = make_app(events_eng)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3", "n")
        await settle(pilot)
        await pilot.press(*"new-one", "enter")
        await settle(pilot)
        assert isinstance(app.screen, EventDialog)  # no type chosen: nothing sent
        assert "choose at least one event type" in str(app.screen.query_one("#errors").render())
        assert "new-one" not in [e.name for e in events_eng.events.list_secret_events()]


async def test_edit_disable_enable_and_delete(events_eng):
    ev = events_eng.events
    app = make_app(events_eng)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await cursor_to(pilot, "#events-table", "rotation-watch")
        await pilot.press("enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, EventDialog) and dialog.event.name == "rotation-watch"
        dialog.query_one("#type-SECRET_ROTATED_FAILED", Checkbox).value = False
        dialog.query_one("#ev-disabled").value = True
        await pilot.press("ctrl+s")
        await settle(pilot)
        info = ev.show_secret_event("rotation-watch")
        assert info.event_types == ("SECRET_ROTATED",) and info.state == "DISABLED"

        await pilot.press("e")
        await settle(pilot)
        assert ev.show_secret_event("rotation-watch").state == "ENABLED"
        await pilot.press("d")
        await settle(pilot)
        assert ev.show_secret_event("rotation-watch").state == "DISABLED"

        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")  # cancelled: still there
        await settle(pilot)
        assert "rotation-watch" in [e.name for e in ev.list_secret_events()]
        await pilot.press("x", "y")
        await settle(pilot)
        assert "rotation-watch" not in [e.name for e in ev.list_secret_events()]


async def test_delete_refusals_show_their_code(events_eng):
    app = make_app(events_eng)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await cursor_to(pilot, "#events-table", "versions")  # two secrets subscribe
        await pilot.press("x", "y")
        await settle(pilot)
        assert any(t.startswith("CSMS.0003: event 'versions'") for t in toasts(app))
        assert "versions" in [e.name for e in events_eng.events.list_secret_events()]
        await cursor_to(pilot, "#topics-table", "spare-feed")  # the event quiet uses it
        await pilot.press("x", "y")
        await settle(pilot)
        assert any(t.startswith("CSMS.0003: topic 'spare-feed'") for t in toasts(app))
        assert "spare-feed" in [t.name for t in events_eng.events.list_topics()]
