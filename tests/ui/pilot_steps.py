"""Steps a test takes through the app with the pilot: go to an area, put a table's cursor on
a row, open a tab, click. `row`, `open_tab` and `click` return an async function of the
pilot, the form `snap(...)` takes between key presses."""
from __future__ import annotations

from textual.widgets import DataTable

from ui.helpers import settle


def keys_cursor_to(pilot, alias: str) -> None:
    """Put the keys table's cursor on the key `alias` (of the page shown)."""
    screen = pilot.app.screen
    aliases = [k.key_alias for k in screen.page.keys]
    screen.query_one("#keys", DataTable).move_cursor(row=aliases.index(alias), animate=False)


def secrets_cursor_to(pilot, name: str) -> None:
    """Put the secrets table's cursor on the secret `name` (of the page shown)."""
    screen = pilot.app.screen
    names = [s.name for s in screen.page.secrets]
    screen.query_one("#secrets", DataTable).move_cursor(row=names.index(name), animate=False)


async def goto_secrets(pilot) -> None:
    await settle(pilot)
    await pilot.press("2")
    await settle(pilot)


def row(alias: str):
    async def go(pilot):
        keys_cursor_to(pilot, alias)
    return go


def open_tab(alias: str, tab: str):
    """Open the key `alias` from the keys list and show its `tab`."""
    async def go(pilot):
        keys_cursor_to(pilot, alias)
        await pilot.press("enter")
        await settle(pilot)
        pilot.app.screen.action_show_tab(tab)
    return go


def click(selector: str):
    async def go(pilot):
        await pilot.click(selector)
    return go


async def open_rotation_tab(pilot) -> None:
    """From the keys list, open the key under the cursor on its Rotation policy tab."""
    from dewtui.keys.detail import KeyDetailScreen
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, KeyDetailScreen)
    pilot.app.screen.action_show_tab("rotation")
    await settle(pilot)


async def act_as(pilot, name: str) -> None:
    """ctrl+u (from no widget: not a text field), pick `name`, enter."""
    from textual.widgets import OptionList
    app = pilot.app
    app.screen.set_focus(None)  # ctrl+u in a text field would edit it
    await pilot.press("ctrl+u")
    await settle(pilot)
    options = app.screen.query_one(OptionList)
    names = [options.get_option_at_index(i).id for i in range(options.option_count)]
    options.highlighted = names.index(name)
    await pilot.press("enter")
    await settle(pilot)
    assert app.engine.principal.name == name
