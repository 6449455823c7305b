"""Pilot tests of a user's Access keys tab: create (the secret shown once, copied on demand),
deactivate, activate, delete behind a confirmation; the engine's refusals as toasts."""
from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input

from dewtui.iam.access_keys_tab import SecretShownDialog
from dewtui.iam.dialogs import AccessKeyDialog
from dewtui.iam.screen import IamScreen
from dewtui.iam.user_detail import UserDetailScreen
from dewtui.widgets.confirm import ConfirmDialog
from ui.helpers import SIZE, make_app, settle, toasts


@pytest.fixture
def ak_eng(eng):
    eng.iam.create_user("bob")
    return eng


async def open_keys_tab(pilot, user: str) -> UserDetailScreen:
    await settle(pilot)
    await pilot.press("6")
    await settle(pilot)
    assert isinstance(pilot.app.screen, IamScreen)
    table = pilot.app.screen.query_one("#users-pane DataTable", DataTable)
    table.move_cursor(row=[str(r.value) for r in table.rows].index(user), animate=False)
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, UserDetailScreen)
    screen.action_show_tab("access-keys")
    await settle(pilot)
    screen.query_one("#ak-table").focus()
    return screen


async def create_key(pilot, description: str) -> SecretShownDialog:
    await pilot.press("a")
    await settle(pilot)
    assert isinstance(pilot.app.screen, AccessKeyDialog)
    await pilot.press(*description, "enter")
    await settle(pilot)
    shown = pilot.app.screen
    assert isinstance(shown, SecretShownDialog)
    return shown


async def test_create_shows_the_secret_once_and_copies_it(ak_eng):
    app = make_app(ak_eng)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_keys_tab(pilot, "bob")
        shown = await create_key(pilot, "billing app")
        [key] = ak_eng.iam.list_access_keys("bob")
        assert (key.access, key.status, key.description) == (shown.created.access, "active", "billing app")
        secret = shown.created.secret
        assert len(secret) == 40 and secret in str(shown.query_one("#secret-pair").render())
        assert "You will not see this secret again" in str(shown.query_one("#secret-warning").render())
        await pilot.press("c")
        await settle(pilot)
        assert app.clipboard == secret
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        table = screen.query_one("#ak-table", DataTable)
        assert [str(r.value) for r in table.rows] == [key.access]
        assert secret not in str(screen.query_one("#ak-table").render())  # never shown again


async def test_deactivate_activate_and_delete(ak_eng):
    made = ak_eng.iam.create_access_key(user_name="bob", description="ci")
    app = make_app(ak_eng)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_keys_tab(pilot, "bob")
        await pilot.press("i")
        await settle(pilot)
        assert [k.status for k in ak_eng.iam.list_access_keys("bob")] == ["inactive"]
        assert f"Access key {made.access} deactivated" in toasts(app)
        assert str(screen.query_one("#ak-toggle").label) == "Activate"
        await pilot.click("#ak-toggle")
        await settle(pilot)
        assert [k.status for k in ak_eng.iam.list_access_keys("bob")] == ["active"]

        screen.query_one("#ak-table").focus()
        await pilot.press("delete")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")  # cancelled: the key stays
        await settle(pilot)
        assert len(ak_eng.iam.list_access_keys("bob")) == 1
        await pilot.press("delete")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert ak_eng.iam.list_access_keys("bob") == []
        assert f"Access key {made.access} deleted" in toasts(app)
        assert screen.query_one("#ak-table", DataTable).row_count == 0


async def test_third_key_refused_and_user_with_keys_not_deleted(ak_eng):
    ak_eng.iam.create_access_key(user_name="bob")
    ak_eng.iam.create_access_key(user_name="bob")
    app = make_app(ak_eng)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_keys_tab(pilot, "bob")
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen  # refused: no secret dialog
        assert any(t.startswith("IAM.0010") for t in toasts(app))
        assert len(ak_eng.iam.list_access_keys("bob")) == 2

        await pilot.press("escape")
        await settle(pilot)
        users = app.screen.query_one("#users-pane DataTable", DataTable)
        assert users.get_row("bob")[-1] == "2"  # the key count column
        users.move_cursor(row=[str(r.value) for r in users.rows].index("bob"), animate=False)
        await pilot.press("x", "y")
        await settle(pilot)
        assert any(t.startswith("IAM.0403: bob still owns 2 access key(s)") for t in toasts(app))
        assert "bob" in [u.name for u in ak_eng.iam.list_users()]


async def test_description_too_long_is_refused_in_the_dialog(ak_eng):
    app = make_app(ak_eng)
    async with app.run_test(size=SIZE) as pilot:
        await open_keys_tab(pilot, "bob")
        await pilot.press("a")
        await settle(pilot)
        app.screen.query_one("#ak-description", Input).value = "x" * 256
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AccessKeyDialog)
        assert "at most 255" in str(app.screen.query_one("#errors").render())
        assert ak_eng.iam.list_access_keys("bob") == []
