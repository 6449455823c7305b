"""Keys typed faster than the app settles land where they were aimed, in order, even while
a worker is busy: a burst posted at once (as a fast typist or a paste does) into the tag
dialog, the secret wizard and the detail tabs."""
from __future__ import annotations

from textual import events
from textual.widgets import DataTable, TabbedContent

from ui.helpers import SIZE, Gate, make_app, settle
from ui.pilot_steps import secrets_cursor_to


def burst(app, *keys: str) -> None:
    """Send every key to the app at once, as the terminal driver does, without waiting."""
    for key in keys:
        event = events.Key(key, key if len(key) == 1 else None)
        event.set_sender(app)
        app._driver.send_message(event)


def busy_worker(app) -> Gate:
    """A worker that runs until the returned gate is opened (e.g. a slow engine call)."""
    release = Gate()
    app.call_engine(release.wait, label="slow call")
    return release


async def open_secret(pilot, name: str, tab: str) -> None:
    await settle(pilot)
    await pilot.press("2")
    await settle(pilot)
    secrets_cursor_to(pilot, name)
    await pilot.press("enter")
    await settle(pilot)
    pilot.app.screen.action_show_tab(tab)
    await settle(pilot)


async def test_tag_dialog_burst_key_tab_value(events_eng):
    app = make_app(events_eng)
    async with app.run_test(size=SIZE) as pilot:
        await open_secret(pilot, "api-token", "tags")
        app.screen.query_one("#secret-tags-table", DataTable).focus()
        release = busy_worker(app)
        burst(app, "a", "k", "2", "tab", "v", "2", "enter")
        await pilot.pause()
        release.open()
        await settle(pilot)
        tags = events_eng.csms.show_secret("api-token").tags
        assert [(t.key, t.value) for t in tags] == [("k2", "v2")]


async def test_wizard_burst_name_then_next(events_eng):
    app = make_app(events_eng)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        release = busy_worker(app)
        burst(app, "n", *"pay-4", "enter", *"v4")
        await pilot.pause()
        release.open()
        await settle(pilot)
        wizard = app.screen
        assert type(wizard).__name__ == "CreateSecretWizard"
        assert wizard.query_one("#secret-name").value == "pay-4"
        assert wizard.step == 1
        assert wizard.query_one("#value-text").text == "v4"


async def test_quick_rights_move_as_many_tabs(events_eng):
    app = make_app(events_eng)
    async with app.run_test(size=SIZE) as pilot:
        await open_secret(pilot, "api-token", "details")
        tabs = app.screen.query_one(TabbedContent)
        tabs.query_one("Tabs").focus()
        await settle(pilot)
        release = busy_worker(app)
        burst(app, "right", "right", "right")
        await pilot.pause()
        release.open()
        await settle(pilot)
        assert tabs.active.endswith("tab-rotation")

