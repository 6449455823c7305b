"""The Disable dialog never closes silently: OK stays reachable by tab and, until the
confirmation is ticked, says why it does nothing; Cancel says that nothing changed."""
from __future__ import annotations

from dewtui.keys.state_dialog import ConfirmKeysDialog
from engine import KeyState
from ui.helpers import SIZE, settle, toasts


async def test_tab_enter_in_disable_dialog_explains_instead_of_closing(app, eng):
    key_id = eng.kms.create_key("busy").key_id
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmKeysDialog)
        await pilot.press("tab", "enter")
        await settle(pilot)
        assert app.screen is dialog  # still open, saying why
        assert "tick the confirmation first" in str(dialog.query_one("#ok-why").render())
        assert dialog.query_one("#ok-why").has_class("refused")
        assert app.focused is dialog.query_one("#understand")
        assert eng.kms.describe_key(key_id).key_state is KeyState.ENABLED

        await pilot.press("space")  # tick it
        await pilot.pause()
        assert str(dialog.query_one("#ok-why").render()) == ""
        await pilot.press("tab", "enter")
        await settle(pilot)
        assert eng.kms.describe_key(key_id).key_state is KeyState.DISABLED


async def test_cancelling_the_disable_dialog_says_nothing_changed(app, eng):
    key_id = eng.kms.create_key("busy").key_id
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmKeysDialog)
        assert "Disable keys: cancelled, nothing changed" in toasts(app)
        assert eng.kms.describe_key(key_id).key_state is KeyState.ENABLED
