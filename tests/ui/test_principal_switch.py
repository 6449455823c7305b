"""Switching user (ctrl+u) clears and reloads every visible list and detail of Secrets, Events,
Notifications and Audit as the new user: a refused read shows an empty state with the reason,
never the previous user's rows."""
from __future__ import annotations

import pytest
from textual.widgets import DataTable, Static, TabbedContent

from dewtui.widgets.paged_table import PagedTable
from ui.helpers import SIZE, make_app, settle, snap
from ui.pilot_steps import act_as, secrets_cursor_to
from ui.sample_data import populate_users


def status(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


@pytest.fixture
def users_eng(events_eng):
    populate_users(events_eng)
    return events_eng


@pytest.mark.parametrize("area, status_id", [("2", "#secret-status"), ("4", "#inbox-status"),
                                             ("5", "#audit-status")])
async def test_a_refused_list_is_empty_with_the_reason(users_eng, area, status_id):
    app = make_app(users_eng)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(area)
        await settle(pilot)
        assert app.screen.query_one(PagedTable).row_count  # admin sees rows
        await act_as(pilot, "bob")  # bob has no permission at all
        assert app.screen.query_one(PagedTable).row_count == 0
        text = status(app, status_id)
        assert "nothing to show as bob" in text and "." in text.split(":")[0]  # CODE: message
        await act_as(pilot, "admin")  # and back: the rows return
        assert app.screen.query_one(PagedTable).row_count
        await act_as(pilot, "bob")
        app.screen.set_focus(None)  # not in the filter box: the digit goes to the app
        await pilot.press("1")  # back to admin while in another area, then return
        await settle(pilot)
        await act_as(pilot, "admin")
        app.screen.set_focus(None)
        await pilot.press(area)
        await settle(pilot)
        assert app.screen.query_one(PagedTable).row_count


async def test_events_refused_to_another_user_are_cleared(users_eng):
    app = make_app(users_eng)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        assert app.screen.query_one("#events-table", DataTable).row_count
        await act_as(pilot, "bob")
        assert app.screen.query_one("#events-table", DataTable).row_count == 0
        assert app.screen.query_one("#topics-table", DataTable).row_count == 0
        assert "nothing to show as bob" in status(app, "#events-status")


async def test_a_refused_secret_detail_shows_the_reason_not_the_details(users_eng):
    app = make_app(users_eng)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        secrets_cursor_to(pilot, "api-token")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query_one(TabbedContent).display
        await act_as(pilot, "bob")
        assert not app.screen.query_one(TabbedContent).display
        note = status(app, "#detail-refused")
        assert note.startswith("CSMS.") and "acting as bob" in note
        await act_as(pilot, "admin")
        assert app.screen.query_one(TabbedContent).display
        assert not app.screen.query_one("#detail-refused").display


def test_secrets_refused_80x24(snap_compare, users_eng):
    async def bob(pilot):
        await act_as(pilot, "bob")
    assert snap(snap_compare, users_eng, "2", bob, size=(80, 24))
