"""Every screen and dialog of Secrets, Events, Notifications and Audit at 80x24: dialogs fit
(and scroll when longer), inputs keep a usable width, the footer starts with `? Help`."""
from __future__ import annotations

from dataclasses import replace

import pytest
from textual.widgets import DataTable

from engine.audit.verify import AuditHead
from ui.helpers import snap
from ui.pilot_steps import secrets_cursor_to

SMALL = (80, 24)


def secret(name: str = "api-token", tab: str | None = None, table: str | None = None):
    """The secrets list, then `name`'s detail on `tab` with `table` focused."""
    async def go(pilot):
        await pilot.press("2")
        from ui.helpers import settle
        await settle(pilot)
        secrets_cursor_to(pilot, name)
        if tab is None:
            return
        await pilot.press("enter")
        await settle(pilot)
        pilot.app.screen.action_show_tab(tab)
        await settle(pilot)
        if table:
            pilot.app.screen.query_one(f"#{table}", DataTable).focus()
    return go


def typed(text: str):
    async def go(pilot):
        await pilot.press(*text)
    return go


SCREENS = {
    "secrets_list": [secret()],
    "secret_details_tab": [secret(tab="details")],
    "secret_versions_tab": [secret(tab="versions", table="versions-table")],
    "secret_tags_tab": [secret(tab="tags", table="secret-tags-table")],
    "secret_rotation_tab": [secret(tab="rotation")],
    "secret_wizard_step_1": [secret(), "n"],
    "secret_wizard_value_step": [secret(), "n", typed("payments"), "enter"],
    "secret_wizard_discard": [secret(), "n", typed("payments"), "escape"],
    "add_version_dialog": [secret(tab="versions", table="versions-table"), "a"],
    "expiry_dialog": [secret(tab="versions", table="versions-table"), "e"],
    "stages_dialog": [secret(tab="versions", table="versions-table"), "s"],
    "value_dialog": [secret(tab="versions", table="versions-table"), "v"],
    "tag_dialog": [secret(tab="tags", table="secret-tags-table"), "a"],
    "rotation_dialog": [secret(tab="rotation"), "c"],
    "delete_secret_dialog": [secret(), "x"],
    "backup_dialog": [secret(), "b"],
    "restore_dialog": [secret(), "R"],
    "tag_search_dialog": [secret(), "t"],
    "events_screen": ["3"],
    "event_dialog": ["3", "n"],
    "topic_dialog": ["3", "t"],
    "delete_event_dialog": ["3", "x"],
    "notifications_screen": ["4"],
    "notification_dialog": ["4", "enter"],
    "audit_screen": ["5"],
    "audit_export_dialog": ["5", "ctrl+e"],
    "audit_verify_dialog": ["5", "v"],
    "help_overlay": [secret(), "question_mark"],
}


@pytest.fixture
def fixed_head(events_eng, monkeypatch):
    """The chain values are keyed by the (random) root key: show a fixed head."""
    real = events_eng.audit.verify

    def verify(expected_head=None):
        result = real(expected_head)
        return replace(result, head=AuditHead(result.head.seq, "c0ffee" * 10 + "feed"))

    monkeypatch.setattr(events_eng.audit, "verify", verify)
    return events_eng


@pytest.mark.parametrize("name", list(SCREENS))
def test_80x24(snap_compare, fixed_head, name):
    assert snap(snap_compare, fixed_head, *SCREENS[name], size=SMALL)


@pytest.fixture
def sec_eng(eng, clock, home_env):
    """The sample secrets: rotating-token is sealed by a key that is disabled now."""
    from ui.sample_data import populate_secrets
    eng.secret_keys = populate_secrets(eng, clock)
    return eng


def test_refusal_toast_over_the_versions_buttons_80x24(snap_compare, sec_eng):
    """A refusal's toast is drawn whole over a detail tab's button bar (its title, code and
    message), at the smallest supported size and at a wide one."""
    steps = [secret("rotating-token", tab="versions", table="versions-table"), "v"]
    assert snap(snap_compare, sec_eng, *steps, size=SMALL)


def test_refusal_toast_over_the_versions_buttons_wide(snap_compare, sec_eng):
    steps = [secret("rotating-token", tab="versions", table="versions-table"), "v"]
    assert snap(snap_compare, sec_eng, *steps, size=(200, 40))
