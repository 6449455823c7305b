"""Pilot tests of the keys area's forms: the engine checks them before they close (a refusal
stays beside its field, the input kept), enter submits, and creating an RSA_4096 key shows
progress while the material is generated."""
from __future__ import annotations

from datetime import timedelta

from textual.widgets import Checkbox, Input, Select

from dewtui.keys.create_dialog import CreateKeyDialog
from dewtui.keys.import_wizard import ImportKeyDialog, WrappingDialog
from dewtui.keys.screen import KeysScreen
from ui.helpers import SIZE, Gate, settle, toasts


async def _open_create(pilot) -> CreateKeyDialog:
    await settle(pilot)
    await pilot.press("n")
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, CreateKeyDialog)
    return dialog


async def test_taken_alias_is_refused_beside_the_alias_and_the_form_stays(app, eng):
    eng.kms.create_key("app/pay")
    async with app.run_test(size=SIZE) as pilot:
        dialog = await _open_create(pilot)
        dialog.query_one("#description", Input).value = "kept"
        await pilot.press(*"app/pay", "enter")
        await settle(pilot)
        assert app.screen is dialog
        assert str(dialog.query_one(".refusal").render()).startswith("KMS.1104")
        assert dialog.query_one("#alias", Input).value == "app/pay"
        assert dialog.query_one("#description", Input).value == "kept"
        assert dialog.focused is dialog.query_one("#alias")
        await pilot.press("backspace", "backspace", "backspace", *"two", "enter")
        await settle(pilot)
        assert isinstance(app.screen, KeysScreen)
        assert sorted(k.key_alias for k in eng.kms.list_keys().keys) == ["app/pay", "app/two"]
        assert "Created key app/two" in toasts(app)


async def test_rsa_4096_shows_progress_while_generating(app, eng, monkeypatch):
    release = Gate()
    create = type(eng.kms).create_key

    def slow_create(self, *args, **kw):
        release.wait()
        return create(self, *args, **kw)

    async with app.run_test(size=SIZE) as pilot:
        dialog = await _open_create(pilot)
        monkeypatch.setattr(type(eng.kms), "create_key", slow_create)
        dialog.query_one("#spec", Select).value = "RSA_4096"
        await settle(pilot)
        dialog.query_one("#alias", Input).focus()
        await pilot.press(*"big-rsa", "enter")
        for _ in range(5):
            await pilot.pause()
        assert app.screen is dialog and dialog.query_one("#creating").display
        assert "Generating RSA_4096 key material" in str(dialog.query_one("#creating-what").render())
        await pilot.press("enter")  # a second submit while it runs does nothing
        release.open()
        await settle(pilot)
        assert isinstance(app.screen, KeysScreen)
        assert [(k.key_alias, k.key_spec) for k in eng.kms.list_keys().keys] == [("big-rsa", "RSA_4096")]


async def test_import_step_1_refusal_stays_beside_the_alias(app, eng, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    eng.kms.create_key("byok")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ImportKeyDialog)
        dialog.query_one("#understand", Checkbox).value = True
        dialog.query_one("#alias", Input).focus()
        await pilot.press(*"byok", "enter")
        await settle(pilot)
        assert app.screen is dialog
        assert str(dialog.query_one(".refusal").render()).startswith("KMS.1104")
        await pilot.press(*"-2", "enter")
        await settle(pilot)
        assert isinstance(app.screen, WrappingDialog)
        assert sorted(k.key_alias for k in eng.kms.list_keys().keys) == ["byok", "byok-2"]


async def test_enter_in_the_pending_days_submits_once_the_box_is_ticked(app, eng):
    key = eng.kms.create_key("doomed")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        dialog = app.screen
        days = dialog.query_one("#days", Input)
        days.value = ""
        days.focus()
        await pilot.press(*"30", "enter")
        await settle(pilot)
        assert app.screen is dialog  # not ticked yet: said, and the box focused
        assert any("tick “I understand the impact of deleting keys” first" in t for t in toasts(app))
        assert dialog.focused is dialog.query_one("#understand")
        assert eng.kms.describe_key(key.key_id).key_state.value == "2"
        dialog.query_one("#understand", Checkbox).value = True
        days.focus()
        await pilot.press("enter")
        await settle(pilot)
        got = eng.kms.describe_key(key.key_id)
        assert got.key_state.value == "4" and got.scheduled_deletion_date == eng.now() + timedelta(days=30)
