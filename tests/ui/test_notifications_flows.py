"""Pilot tests of the Notifications area and the app-wide unread counter / arrival toast."""
from __future__ import annotations

from textual.widgets import Checkbox

from dewtui.events.notification_dialog import NotificationDialog
from dewtui.events.notifications import NotificationsScreen
from dewtui.events.inbox_watch import InboxWatch
from dewtui.widgets.paged_table import PagedTable
from ui.helpers import SIZE, make_app, settle, toasts


def rows(app) -> list[str]:
    return [str(r.value) for r in app.screen.query_one(PagedTable).rows]


async def test_event_created_in_the_tui_then_a_notification_arrives(eng):
    app = make_app(eng)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "unread" not in app.sub_title
        await pilot.press("3", "t")
        await settle(pilot)
        await pilot.press(*"ops", "enter")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"db-changes")
        app.screen.query_one("#type-SECRET_VERSION_CREATED", Checkbox).value = True
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert [e.name for e in eng.events.list_secret_events()] == ["db-changes"]

        await pilot.press("4")
        await settle(pilot)
        assert isinstance(app.screen, NotificationsScreen) and rows(app) == []
        # another program (or this one) subscribes a secret and adds a version
        eng.csms.create_secret("db-password", secret_string="one", event_subscriptions=["db-changes"])
        eng.csms.create_secret_version("db-password", secret_string="two")
        InboxWatch.poke(app)  # the periodic poll, without waiting for it
        await settle(pilot)
        records = eng.events.list_notification_records()
        assert [(r.secret_name, r.version_id) for r in records] == [("db-password", "v2"), ("db-password", "v1")]
        assert rows(app) == [r.record_id for r in records]  # the open list reloaded, newest first
        assert app.sub_title.endswith("✉ 2 unread")
        assert sum("Version creation: db-password" in t for t in toasts(app)) == 2


async def test_mark_read_one_then_the_page(events_eng):
    ev = events_eng.events
    app = make_app(events_eng)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        assert app.sub_title.endswith("✉ 4 unread")
        newest = ev.list_notification_records()[0]
        assert rows(app)[0] == newest.record_id and not newest.read
        await pilot.press("m")
        await settle(pilot)
        assert ev.show_notification(newest.record_id).read
        assert ev.unread_count() == 3 and app.sub_title.endswith("✉ 3 unread")
        await pilot.press("M")
        await settle(pilot)
        assert ev.unread_count() == 0
        assert "unread" not in app.sub_title
        assert "Marked 3 notifications read" in toasts(app)


async def test_open_shows_the_content_and_marks_it_read(events_eng):
    ev = events_eng.events
    app = make_app(events_eng)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, NotificationDialog)
        newest = ev.list_notification_records()[0]
        assert newest.read and app.screen.record.record_id == newest.record_id
        await pilot.press("c")
        assert '"eventType": "SECRET_VERSION_EXPIRED"' in app.clipboard
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, NotificationsScreen)


async def test_filters_are_applied_in_the_engine(events_eng):
    app = make_app(events_eng)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4", "u")
        await settle(pilot)
        assert len(rows(app)) == 4  # the one read record is hidden
        await pilot.press("slash", *"api-token", "enter")
        await settle(pilot)
        want = events_eng.events.list_notification_records(secret_name="api-token", unread_only=True)
        assert rows(app) == [r.record_id for r in want] and len(want) == 2
        app.screen.query_one("#inbox-type").value = "SECRET_VERSION_EXPIRED"
        await settle(pilot)
        assert rows(app) == []
        await pilot.press("escape")
        await settle(pilot)
        assert len(rows(app)) == 5
