"""SVG snapshots of the Notifications area and the notification dialog (120x40, frozen)."""
from __future__ import annotations

from ui.helpers import snap


def test_notifications_empty(snap_compare, eng):
    assert snap(snap_compare, eng, "4")


def test_notifications_screen(snap_compare, events_eng):
    assert snap(snap_compare, events_eng, "4")


def test_notifications_unread_only_filtered(snap_compare, events_eng):
    async def secret(pilot):
        await pilot.press("slash", *"db-password", "enter")
    assert snap(snap_compare, events_eng, "4", "u", secret)


def test_notification_content_dialog(snap_compare, events_eng):
    async def newest(pilot):
        table = pilot.app.screen.query_one("#inbox-table")
        table.move_cursor(row=0, animate=False)
    assert snap(snap_compare, events_eng, "4", newest, "enter")
