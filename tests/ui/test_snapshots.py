"""SVG snapshots of every screen, tab and dialog (120x40, frozen clock, seeded ids).

Update with `pytest tests/ui/test_snapshots.py --snapshot-update`, then look at them.
"""
from __future__ import annotations

import pytest

from dewtui.keys.screen import KeysScreen
from engine import Engine, SeededRng
from ui.helpers import settle, snap

@pytest.fixture
def data_eng(keys_eng):
    return keys_eng


def _snap(snap_compare, eng, *steps):
    return snap(snap_compare, eng, *steps)


async def _row(pilot, alias: str):
    """Put the keys table cursor on `alias`."""
    screen = pilot.app.screen
    assert isinstance(screen, KeysScreen)
    ids = [k.key_id for k in screen.page.keys]
    alias_to_id = {k.key_alias: k.key_id for k in screen.page.keys}
    screen.query_one("#keys").move_cursor(row=ids.index(alias_to_id[alias]), animate=False)


def _open(alias: str, tab: str | None = None):
    async def go(pilot):
        await _row(pilot, alias)
        await pilot.press("enter")
        await settle(pilot)
        if tab:
            pilot.app.screen.action_show_tab(tab)
    return go


def test_keys_empty(snap_compare, eng):
    assert _snap(snap_compare, eng)


def test_keys_screen(snap_compare, data_eng):
    assert _snap(snap_compare, data_eng)


def test_keys_filtered_and_marked(snap_compare, data_eng):
    async def mark_two(pilot):
        await _row(pilot, "app/orders")
        await pilot.press("space", "space")
    assert _snap(snap_compare, data_eng, mark_two, "slash", "e", "r")


def test_help_overlay(snap_compare, data_eng):
    assert _snap(snap_compare, data_eng, "question_mark")


def test_create_key_dialog(snap_compare, data_eng):
    assert _snap(snap_compare, data_eng, "n")


def test_create_key_dialog_invalid(snap_compare, data_eng):
    async def fill(pilot):
        await pilot.press(*"bad alias", "tab")
        await pilot.press("tab")
    async def rsa(pilot):
        dialog = pilot.app.screen
        dialog.query_one("#spec").value = "RSA_3072"
        dialog.query_one("#tags").value = "env=prod, bad!tag"
    assert _snap(snap_compare, data_eng, "n", fill, rsa)


def test_disable_dialog(snap_compare, data_eng):
    async def mark(pilot):
        await _row(pilot, "app/orders")
        await pilot.press("space", "space")
    assert _snap(snap_compare, data_eng, mark, "d")


def test_delete_dialog_with_risk(snap_compare, data_eng):
    async def pick(pilot):
        await _row(pilot, "app/orders")
    assert _snap(snap_compare, data_eng, pick, "x")


def test_cancel_deletion_dialog(snap_compare, data_eng):
    async def pick(pilot):
        await _row(pilot, "old-archive")
    assert _snap(snap_compare, data_eng, pick, "u")


def test_detail_details_tab(snap_compare, data_eng):
    assert _snap(snap_compare, data_eng, _open("app/orders"))


def test_detail_default_key(snap_compare, data_eng):
    assert _snap(snap_compare, data_eng, _open("obs/default"))


def test_detail_online_tool(snap_compare, data_eng):
    async def type_text(pilot):
        area = pilot.app.screen.query_one("#tool-input")
        area.text = "card 4111-1111-1111-1111"
    assert _snap(snap_compare, data_eng, _open("app/orders", "online-tool"), type_text)


def test_detail_online_tool_refused(snap_compare, data_eng):
    assert _snap(snap_compare, data_eng, _open("billing-signer", "online-tool"))


def test_detail_tags_tab(snap_compare, data_eng):
    assert _snap(snap_compare, data_eng, _open("app/orders", "tags"))


def test_tag_dialog_edit(snap_compare, data_eng):
    async def edit(pilot):
        pilot.app.screen.query_one("TagsPane").action_edit()
    assert _snap(snap_compare, data_eng, _open("app/orders", "tags"), edit)


def test_detail_public_key_tab(snap_compare, data_eng):
    assert _snap(snap_compare, data_eng, _open("billing-signer", "public-key"))


def test_unseal_dialog(snap_compare, tmp_path, clock):
    home = tmp_path / "sealed"
    Engine.open(home=home, clock=clock, rng=SeededRng(7), passphrase="correct horse").close()
    sealed = Engine.open(home=home, clock=clock, rng=SeededRng(7))
    try:
        assert sealed.sealed
        assert _snap(snap_compare, sealed)
    finally:
        sealed.close()
