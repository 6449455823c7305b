"""SVG snapshots of the keys area's new and changed screens and dialogs, each at 80x24 and
at a wide terminal (120x40): the list with its quota, the create-key dialog and import step 1
(they scroll at 80x24), a grant refused beside its field, the more-filters and file dialogs,
and the list refused to a user without rights.

Update with `pytest tests/ui/test_keys_snapshots.py --snapshot-update`, then look at them.
"""
from __future__ import annotations

import pytest
from textual.widgets import Checkbox

from ui.helpers import settle, snap
from ui.pilot_steps import keys_cursor_to

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}


@pytest.fixture(params=list(SIZES))
def size(request):
    return SIZES[request.param]


def _snap(snap_compare, engine, size, *steps):
    return snap(snap_compare, engine, *steps, size=size)


async def _grant_refused(pilot):
    keys_cursor_to(pilot, "app/orders")
    await pilot.press("enter")
    await settle(pilot)
    pilot.app.screen.action_show_tab("grants")
    await settle(pilot)
    pilot.app.screen.query_one("GrantsPane").action_create_grant()
    await settle(pilot)
    dialog = pilot.app.screen
    await pilot.press(*"nobody")
    dialog.query_one("#op-encrypt-data", Checkbox).value = True
    await pilot.press("enter")


async def _as_bob(pilot):
    pilot.app.act_as(pilot.app.root_engine.as_user("bob"))


def test_keys_list(snap_compare, keys_and_users_eng, size):
    assert _snap(snap_compare, keys_and_users_eng, size)


def test_keys_list_refused(snap_compare, keys_and_users_eng, size):
    assert _snap(snap_compare, keys_and_users_eng, size, _as_bob)


def test_create_key_dialog(snap_compare, keys_and_users_eng, size):
    assert _snap(snap_compare, keys_and_users_eng, size, "n", *"app/orders", "enter")


def test_import_step_1(snap_compare, keys_and_users_eng, size):
    assert _snap(snap_compare, keys_and_users_eng, size, "i")


def test_grant_refused_in_the_dialog(snap_compare, keys_and_users_eng, size):
    assert _snap(snap_compare, keys_and_users_eng, size, _grant_refused)


def test_more_filters_dialog(snap_compare, keys_and_users_eng, size):
    assert _snap(snap_compare, keys_and_users_eng, size, "f")


def test_encrypt_file_dialog(snap_compare, keys_and_users_eng, size):
    assert _snap(snap_compare, keys_and_users_eng, size, "c", *"~/report.csv")


def _open(alias: str, tab: str):
    async def go(pilot):
        keys_cursor_to(pilot, alias)
        await pilot.press("enter")
        await settle(pilot)
        pilot.app.screen.action_show_tab(tab)
    return go


def test_key_detail_refused_to_bob(snap_compare, keys_and_users_eng, size):
    assert _snap(snap_compare, keys_and_users_eng, size, _open("app/orders", "details"), _as_bob)


def test_online_tool_mac(snap_compare, keys_and_users_eng, size):
    async def message(pilot):
        pilot.app.screen.query_one("#tool-input").text = "payload"
    assert _snap(snap_compare, keys_and_users_eng, size, _open("webhook-mac", "online-tool"), message)


def test_tag_dialog_suggests(snap_compare, keys_and_users_eng, size):
    async def add(pilot):
        pilot.app.screen.query_one("KeyTagsPane").action_add()
    assert _snap(snap_compare, keys_and_users_eng, size, _open("ledger", "tags"), add, "t", "e")
