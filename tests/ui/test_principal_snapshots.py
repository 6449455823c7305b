"""SVG snapshots of the principal switcher and of the app acting as "bob" (header, refusal)."""
from __future__ import annotations

import pytest
from textual.widgets import OptionList, Tabs

from ui.helpers import settle, snap
from ui.pilot_steps import open_tab


@pytest.fixture
def data_eng(keys_and_users_eng):
    return keys_and_users_eng


async def _switcher(pilot):
    pilot.app.screen.query_one(Tabs).focus()
    await pilot.press("ctrl+u")


async def _pick_bob(pilot):
    options = pilot.app.screen.query_one(OptionList)
    options.highlighted = [options.get_option_at_index(i).id for i in range(options.option_count)].index("bob")
    await pilot.press("enter")
    await settle(pilot)


def test_principal_dialog(snap_compare, data_eng):
    assert snap(snap_compare, data_eng, open_tab("app/orders", "online-tool"), _switcher)


def test_acting_as_bob_refused(snap_compare, data_eng):
    """The key open as admin, then bob acts: only the refusal of reading it, no stale tabs."""
    assert snap(snap_compare, data_eng, open_tab("app/orders", "online-tool"), _switcher, _pick_bob)
