"""SVG snapshots of the Events area and its dialogs (120x40, frozen clock, seeded ids).

Update with `pytest tests/ui/test_events_snapshots.py --snapshot-update`, then look at them.
"""
from __future__ import annotations

from ui.helpers import snap


def cursor_to(table_id: str, key: str):
    async def go(pilot):
        table = pilot.app.screen.query_one(table_id)
        table.focus()
        keys = [str(r.value) for r in table.rows]
        table.move_cursor(row=keys.index(key), animate=False)
    return go


def test_events_empty(snap_compare, eng):
    assert snap(snap_compare, eng, "3")


def test_events_screen(snap_compare, events_eng):
    assert snap(snap_compare, events_eng, "3")


def test_events_topics_focused(snap_compare, events_eng):
    assert snap(snap_compare, events_eng, "3", cursor_to("#topics-table", "spare-feed"))


def test_event_create_dialog(snap_compare, events_eng):
    assert snap(snap_compare, events_eng, "3", "n")


def test_event_create_dialog_invalid(snap_compare, events_eng):
    async def fill(pilot):
        await pilot.press(*"bad name!")
        pilot.app.screen.action_submit()
    assert snap(snap_compare, events_eng, "3", "n", fill)


def test_event_edit_dialog(snap_compare, events_eng):
    assert snap(snap_compare, events_eng, "3", cursor_to("#events-table", "quiet"), "enter")


def test_topic_create_dialog(snap_compare, events_eng):
    async def fill(pilot):
        await pilot.press(*"alerts", "tab", "space")
    assert snap(snap_compare, events_eng, "3", "t", fill)


def test_event_delete_confirm(snap_compare, events_eng):
    assert snap(snap_compare, events_eng, "3", cursor_to("#events-table", "versions"), "x")


def test_event_delete_refused_toast(snap_compare, events_eng):
    assert snap(snap_compare, events_eng, "3", cursor_to("#events-table", "versions"), "x", "y")
