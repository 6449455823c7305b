"""Pilot tests of the Rotation policy tab: rotate now, switch on with an interval, switch off."""
from __future__ import annotations

from textual.widgets import DataTable, Input, Switch

from dewtui.widgets.confirm import ConfirmDialog
from dewtui.keys.rotate_dialog import RotateConfirmDialog
from ui.helpers import SIZE, settle, toasts
from ui.pilot_steps import open_rotation_tab


async def test_rotate_now(app, eng):
    key = eng.kms.create_key("app/pay")
    old = eng.kms.encrypt_data(key.key_id, b"before").cipher_text
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_rotation_tab(pilot)
        await pilot.click("#rotate-now")
        await settle(pilot)
        assert isinstance(app.screen, RotateConfirmDialog)
        await pilot.click("#ok")
        await settle(pilot)
        status = eng.kms.get_key_rotation_status(key.key_id)
        assert status.number_of_rotations == 1
        assert len(status.key_materials) == 2
        assert eng.kms.decrypt_data(old).plain_text == b"before"  # the old version still decrypts
        table = app.screen.query_one("#rotation-versions", DataTable)
        assert table.row_count == 2  # the tab shows the new version
        assert "Number of rotations  1" in str(app.screen.query_one("#rotation-status").render())
        assert any(t.startswith("Rotated app/pay") for t in toasts(app))


async def test_rotate_now_cancelled(app, eng):
    key = eng.kms.create_key("app/pay")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_rotation_tab(pilot)
        await pilot.click("#rotate-now")
        await settle(pilot)
        await pilot.click("#cancel")
        await settle(pilot)
        assert eng.kms.get_key_rotation_status(key.key_id).number_of_rotations == 0


async def test_switch_on_with_interval_then_off(app, eng):
    key = eng.kms.create_key("app/pay")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_rotation_tab(pilot)
        pane = app.screen.query_one("RotationPane")
        pane.query_one("#rotation-interval", Input).value = "20"
        await pilot.click("#rotation-switch")
        await settle(pilot)
        assert not eng.kms.get_key_rotation_status(key.key_id).key_rotation_enabled  # refused inline
        assert "30–365" in str(pane.query_one("#interval-error").render())
        assert pane.query_one("#rotation-switch", Switch).value is False
        pane.query_one("#rotation-interval", Input).value = "90"
        await pilot.click("#rotation-switch")
        await settle(pilot)
        status = eng.kms.get_key_rotation_status(key.key_id)
        assert status.key_rotation_enabled and status.rotation_interval == 90
        await pilot.click("#rotation-switch")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.click("#ok")
        await settle(pilot)
        assert not eng.kms.get_key_rotation_status(key.key_id).key_rotation_enabled


async def test_rotation_tab_only_where_it_applies(app, eng):
    eng.kms.create_key("mac", key_spec="HMAC_256")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert not app.screen.query("#tab-rotation")
        assert app.screen.query("#tab-grants")
