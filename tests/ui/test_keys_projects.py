"""Pilot tests: create an enterprise project, create a key in it, move a key to a project;
refusals stay in their dialog beside the field with the typed input kept."""
from __future__ import annotations

from textual.widgets import Button, Input, Select

from dewtui.keys.create_dialog import CreateKeyDialog
from dewtui.keys.project_dialogs import MoveKeyDialog, NewProjectDialog
from ui.helpers import SIZE, settle, toasts
from ui.pilot_steps import keys_cursor_to


async def test_create_project_then_a_key_in_it(app, eng):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("P")
        await settle(pilot)
        assert isinstance(app.screen, NewProjectDialog)
        await pilot.press(*"finance", "enter")
        await settle(pilot)
        assert eng.kms.list_enterprise_projects() == ["default", "finance"]
        assert "Created enterprise project finance" in toasts(app)
        await pilot.press("n")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, CreateKeyDialog)
        dialog.query_one("#project", Select).value = "finance"
        dialog.query_one("#alias", Input).focus()
        await pilot.press(*"ledger", "enter")
        await settle(pilot)
        [key] = eng.kms.list_keys().keys
        assert (key.key_alias, key.enterprise_project_id) == ("ledger", "finance")


async def test_refused_project_name_stays_in_the_dialog(app, eng):
    eng.kms.create_enterprise_project("finance")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("P")
        await settle(pilot)
        dialog = app.screen
        await pilot.press(*"finance", "enter")  # taken
        await settle(pilot)
        assert app.screen is dialog
        refusal = str(dialog.query_one(".refusal").render())
        assert refusal.startswith("KMS.") and "already exists" in refusal
        assert dialog.query_one("#project-name", Input).value == "finance"
        assert dialog.query_one("#project-name").has_class("-invalid")
        dialog.query_one("#project-name", Input).value = "ops"
        await pilot.press("enter")
        await settle(pilot)
        assert eng.kms.list_enterprise_projects() == ["default", "finance", "ops"]


async def test_move_a_key_to_a_project(app, eng):
    eng.kms.create_enterprise_project("finance")
    key = eng.kms.create_key("app/pay")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, MoveKeyDialog)
        assert dialog.query_one("#to-project", Select).value == "finance"
        dialog.query_one("#ok", Button).press()
        await settle(pilot)
        assert eng.kms.describe_key(key.key_id).enterprise_project_id == "finance"
        assert app.screen.page.keys[0].enterprise_project_id == "finance"


async def test_moving_a_key_pending_deletion_is_refused_in_the_dialog(app, eng):
    eng.kms.create_enterprise_project("finance")
    key = eng.kms.create_key("app/pay")
    eng.kms.schedule_key_deletion(key.key_id, 7)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys_cursor_to(pilot, "app/pay")
        await pilot.press("p")
        await settle(pilot)
        dialog = app.screen
        dialog.query_one("#ok", Button).press()
        await settle(pilot)
        assert app.screen is dialog
        assert "KMS." in str(dialog.query_one(".refusal").render())
        assert eng.kms.describe_key(key.key_id).enterprise_project_id == "default"
