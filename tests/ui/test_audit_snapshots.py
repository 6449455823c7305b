"""SVG snapshots of the Audit area and its export / verify dialogs (120x40, frozen)."""
from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import text

from engine.audit.verify import AuditHead

from ui.helpers import settle, snap


async def trail_shown(pilot) -> None:
    """The trail's first page is on screen before a dialog covers it (its columns are sized
    from the rows only while the screen is the current one)."""
    table = pilot.app.screen.query_one("#audit-table")
    for _ in range(200):
        if table.row_count:
            break
        await pilot.pause()
        await settle(pilot)
    assert table.row_count


@pytest.fixture
def fixed_head(events_eng, monkeypatch):
    """The chain values are keyed by the (random) root key: show a fixed head in snapshots."""
    real = events_eng.audit.verify

    def verify(expected_head=None):
        result = real(expected_head)
        return replace(result, head=AuditHead(result.head.seq, "c0ffee" * 10 + "feed"))

    monkeypatch.setattr(events_eng.audit, "verify", verify)
    return events_eng


def test_audit_screen(snap_compare, events_eng):
    assert snap(snap_compare, events_eng, "5")


def test_audit_filtered_warning(snap_compare, events_eng):
    async def warnings(pilot):
        pilot.app.screen.query_one("#audit-rating").value = "warning"
    assert snap(snap_compare, events_eng, "5", warnings)


def test_audit_no_match(snap_compare, events_eng):
    async def name(pilot):
        await pilot.press("slash", *"encryptData", "enter")
    assert snap(snap_compare, events_eng, "5", name)


def test_audit_export_dialog(snap_compare, events_eng):
    assert snap(snap_compare, events_eng, "5", trail_shown, "ctrl+e")


def test_audit_verify_intact(snap_compare, fixed_head):
    assert snap(snap_compare, fixed_head, "5", trail_shown, "v")


def test_audit_verify_altered(snap_compare, fixed_head):
    with fixed_head.context.db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_trace SET resource_name = 'evil' WHERE seq = 3"))
    assert snap(snap_compare, fixed_head, "5", trail_shown, "v")


def test_audit_custom_range(snap_compare, events_eng):
    """The custom range's from/to fields: from 09:10 (after the secrets were created), to now."""
    async def custom(pilot):
        pilot.app.screen.query_one("#audit-range").value = "custom"
        await pilot.pause()
        pilot.app.screen.query_one("#audit-since").value = "2026-03-01 09:10"
    assert snap(snap_compare, events_eng, "5", custom)
