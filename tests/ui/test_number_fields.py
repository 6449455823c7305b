"""Whole-number fields keep what was typed and refuse what is not a whole number in range,
in words next to the field; the dialog then does nothing (no engine call)."""
from __future__ import annotations

from textual.widgets import Button, Checkbox

from dewtui.keys.delete_dialog import DeleteKeysDialog
from dewtui.secrets.delete_dialog import DeleteSecretDialog
from engine import KeyState
from ui.helpers import SIZE, settle
from ui.pilot_steps import open_rotation_tab


def label_text(dialog, selector: str) -> str:
    return str(dialog.query_one(selector).render())


async def type_days(pilot, dialog, text: str) -> None:
    days = dialog.query_one("#days")
    days.value = ""
    days.focus()
    await pilot.press(*text)
    await pilot.pause()


async def test_key_pending_days_refuse_a_fraction(app, eng):
    key_id = eng.kms.create_key("doomed").key_id
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, DeleteKeysDialog)
        dialog.query_one("#understand", Checkbox).value = True
        await type_days(pilot, dialog, "7.5")
        assert dialog.query_one("#days").value == "7.5"  # not 75
        assert "7.5 is not a whole number of days, 7–1096" in label_text(dialog, "#days-error")
        assert dialog.query_one("#ok", Button).disabled
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog
        assert "7.5 is not a whole number" in label_text(dialog, "#days-error")
        assert eng.kms.describe_key(key_id).key_state is KeyState.ENABLED

        await type_days(pilot, dialog, "2000")
        assert "2000 is out of range: days, 7–1096" in label_text(dialog, "#days-error")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog
        assert eng.kms.describe_key(key_id).key_state is KeyState.ENABLED


async def test_secret_deletion_days_refuse_a_fraction(app, eng):
    eng.csms.create_secret("app-db", secret_string="fake-value")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, DeleteSecretDialog)
        await type_days(pilot, dialog, "7.5")
        dialog.query_one("#confirm-name").value = "app-db"
        await pilot.pause()
        assert dialog.query_one("#days").value == "7.5"
        assert "7.5 is not a whole number of days, 7–30" in label_text(dialog, "#delete-error")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog
        assert eng.csms.show_secret("app-db").state == "ENABLED"


async def test_rotation_interval_refuses_a_fraction(app, eng):
    key = eng.kms.create_key("app/pay")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_rotation_tab(pilot)
        pane = app.screen.query_one("RotationPane")
        field = pane.query_one("#rotation-interval")
        field.value = ""
        field.focus()
        await pilot.press(*"90.5")
        assert field.value == "90.5"  # not 905
        await pilot.click("#rotation-switch")
        await settle(pilot)
        assert "90.5 is not a whole number of days, 30–365" in label_text(pane, "#interval-error")
        status = eng.kms.get_key_rotation_status(key.key_id)
        assert not status.key_rotation_enabled and status.rotation_interval != 905
