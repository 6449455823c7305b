"""SVG snapshots of every Secrets screen, tab, dialog and wizard step (120x40, frozen clock,
seeded ids, HOME pointed at a fixed temporary directory for the file dialogs).

Values stay masked except where a test reveals one on purpose (obviously fake values).
Update with `pytest tests/ui/test_secrets_snapshots.py --snapshot-update`, then look at them.
"""
from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, Select

from ui.helpers import settle, snap
from ui.pilot_steps import goto_secrets, secrets_cursor_to
from ui.sample_data import populate_secrets


@pytest.fixture
def home_dir(tmp_path, monkeypatch):
    home = tmp_path / "home"
    (home / "backups").mkdir(parents=True)
    (home / "backups" / "db-password.dewbackup").write_text("DEWSECRETBLOB1:not-a-real-blob")
    (home / "notes.txt").write_text("x")
    monkeypatch.setenv("HOME", str(home))
    return home


@pytest.fixture
def sec_eng(eng, clock, home_dir):
    eng.secret_keys = populate_secrets(eng, clock)
    return eng


def _snap(snap_compare, eng, *steps):
    return snap(snap_compare, eng, goto_secrets, *steps)


def _pick(name: str):
    async def go(pilot):
        secrets_cursor_to(pilot, name)
    return go


def _open(name: str, tab: str | None = None):
    async def go(pilot):
        secrets_cursor_to(pilot, name)
        await pilot.press("enter")
        await settle(pilot)
        if tab:
            pilot.app.screen.action_show_tab(tab)
            await settle(pilot)
            if tab in ("versions", "tags"):
                pilot.app.screen.query_one(f"#{'versions' if tab == 'versions' else 'secret-tags'}-table",
                                           DataTable).focus()
    return go


def _version_row(row: int):
    async def go(pilot):
        pilot.app.screen.query_one("#versions-table", DataTable).move_cursor(row=row, animate=False)
    return go


# --- the list ------------------------------------------------------------------------------
def test_secrets_empty(snap_compare, eng, home_dir):
    assert _snap(snap_compare, eng)


def test_secrets_screen(snap_compare, sec_eng):
    assert _snap(snap_compare, sec_eng)


def test_secrets_tag_search_dialog(snap_compare, sec_eng):
    async def fill(pilot):
        await pilot.press(*"env", "tab", *"prod")
        await pilot.click(".kv-add")
        await pilot.press(*"team", "tab", *"payments")
    assert _snap(snap_compare, sec_eng, "t", fill)


def test_secrets_tag_filtered(snap_compare, sec_eng):
    async def fill(pilot):
        await pilot.press(*"env", "tab", *"prod", "ctrl+s")
    assert _snap(snap_compare, sec_eng, "t", fill)


def test_secrets_name_filter(snap_compare, sec_eng):
    assert _snap(snap_compare, sec_eng, "slash", *"token")


def test_secrets_help(snap_compare, sec_eng):
    assert _snap(snap_compare, sec_eng, "question_mark")


def test_secrets_palette_go_to_secret(snap_compare, sec_eng):
    async def palette(pilot):
        await pilot.press("ctrl+p", *"db-pass")  # snap settles: the search has finished
    assert _snap(snap_compare, sec_eng, palette)


# --- the create wizard -----------------------------------------------------------------------
def test_wizard_basics(snap_compare, sec_eng):
    async def fill(pilot):
        await pilot.press(*"app-db", "tab", "tab", *"the app database")
    assert _snap(snap_compare, sec_eng, "n", fill)


def test_wizard_basics_invalid(snap_compare, sec_eng):
    async def fill(pilot):
        await pilot.press(*"bad name!", "enter")
    assert _snap(snap_compare, sec_eng, "n", fill)


def test_wizard_value_text(snap_compare, sec_eng):
    async def fill(pilot):
        await pilot.press(*"app-db", "enter")
        await settle(pilot)
        await pilot.press(*"fake-value-for-snapshot")
    assert _snap(snap_compare, sec_eng, "n", fill)


def test_wizard_value_pairs_masked(snap_compare, sec_eng):
    async def fill(pilot):
        await pilot.press(*"app-db", "enter")
        await settle(pilot)
        pilot.app.screen.query_one("#value-kind", Select).value = "kv"
        await pilot.pause()
        await pilot.click("#value-kv .kv-key")
        await pilot.press(*"username", "tab", *"demo-user")
        await pilot.click("#value-kv .kv-add")
        await pilot.press(*"password", "tab", *"fake-pass")
    assert _snap(snap_compare, sec_eng, "n", fill)


async def _to_step(pilot, step: int):
    await pilot.press(*"app-db", "tab", "tab", *"the app database", "enter")
    await settle(pilot)
    await pilot.press(*"fake-value-for-snapshot", "ctrl+n")
    await settle(pilot)
    if step >= 3:
        await pilot.press(*"env", "tab", *"dev", "ctrl+n")
        await settle(pilot)


def test_wizard_tags(snap_compare, sec_eng):
    async def go(pilot):
        await _to_step(pilot, 2)
        await pilot.press(*"env", "tab", *"dev")
    assert _snap(snap_compare, sec_eng, "n", go)


def test_wizard_rotation(snap_compare, sec_eng):
    async def go(pilot):
        await _to_step(pilot, 3)
        await pilot.click("#rot-enabled")
        wizard = pilot.app.screen
        wizard.query_one("#rot-period", Input).value = "30d"
        wizard.query_one("#rot-type", Select).value = "kv"
        await pilot.pause()
        wizard.query_one("#rot-length", Input).value = "24"
    assert _snap(snap_compare, sec_eng, "n", go)


def test_wizard_confirm(snap_compare, sec_eng):
    async def go(pilot):
        await _to_step(pilot, 3)
        await pilot.click("#rot-enabled")
        await pilot.press("ctrl+n")
    assert _snap(snap_compare, sec_eng, "n", go)


# --- the detail screen -----------------------------------------------------------------------
def test_detail_details_tab(snap_compare, sec_eng):
    assert _snap(snap_compare, sec_eng, _open("api-credentials"))


def test_detail_versions_tab(snap_compare, sec_eng):
    assert _snap(snap_compare, sec_eng, _open("db-password", "versions"))


def test_detail_tags_tab(snap_compare, sec_eng):
    assert _snap(snap_compare, sec_eng, _open("db-password", "tags"))


def test_detail_rotation_tab(snap_compare, sec_eng):
    assert _snap(snap_compare, sec_eng, _open("rotating-token", "rotation"))


def test_detail_pending_deletion(snap_compare, sec_eng):
    assert _snap(snap_compare, sec_eng, _open("legacy-cert", "versions"))


def test_add_version_dialog(snap_compare, sec_eng):
    async def fill(pilot):
        await pilot.press(*"fake-value-for-snapshot")
        pilot.app.screen.query_one("#version-expiry", Input).value = "2026-12-31"
    assert _snap(snap_compare, sec_eng, _open("db-password", "versions"), "a", fill)


def test_value_dialog_masked(snap_compare, sec_eng):
    assert _snap(snap_compare, sec_eng, _open("db-password", "versions"), "v")


def test_value_dialog_revealed_pairs(snap_compare, sec_eng):
    # revealed on purpose: the fixture's obviously fake key/value pairs
    assert _snap(snap_compare, sec_eng, _open("api-credentials", "versions"), "v", "r")


def test_value_refused_disabled_key(snap_compare, sec_eng):
    assert _snap(snap_compare, sec_eng, _open("rotating-token", "versions"), "v")


def test_stages_dialog(snap_compare, sec_eng):
    assert _snap(snap_compare, sec_eng, _open("db-password", "versions"), _version_row(1), "s")


def test_expiry_dialog(snap_compare, sec_eng):
    async def fill(pilot):
        pilot.app.screen.query_one("#expiry", Input).value = "next week"
        await pilot.press("enter")
    assert _snap(snap_compare, sec_eng, _open("db-password", "versions"), "e", fill)


def test_rotation_dialog(snap_compare, sec_eng):
    async def focus(pilot):
        pilot.app.screen.query_one("#rotation-configure").focus()
    assert _snap(snap_compare, sec_eng, _open("rotating-token", "rotation"), focus, "c")


def test_tag_dialog_on_secret(snap_compare, sec_eng):
    assert _snap(snap_compare, sec_eng, _open("db-password", "tags"), "a")


# --- deletion and backup ---------------------------------------------------------------------
def test_delete_dialog_schedule(snap_compare, sec_eng):
    assert _snap(snap_compare, sec_eng, _pick("db-password"), "x", *"db-pass")


def test_delete_dialog_now_confirmed(snap_compare, sec_eng):
    async def now(pilot):
        await pilot.click("#mode-now")
        await pilot.click("#confirm-name")
        await pilot.press(*"db-password")
    assert _snap(snap_compare, sec_eng, _pick("db-password"), "x", now)


def test_cancel_deletion_dialog(snap_compare, sec_eng):
    assert _snap(snap_compare, sec_eng, _pick("legacy-cert"), "u")


def test_download_backup_dialog(snap_compare, sec_eng):
    assert _snap(snap_compare, sec_eng, _pick("db-password"), "b")


def test_restore_backup_dialog(snap_compare, sec_eng):
    async def into_backups(pilot):
        await pilot.press("down", "enter")  # backups/
        await settle(pilot)
        await pilot.press("down", "enter")  # db-password.dewbackup
    assert _snap(snap_compare, sec_eng, "R", into_backups)
