"""Pilot tests: a grant seen working through the principal switcher, and the Grants tab.

As "bob" reading the key is refused (KMS.0306); the admin grants describe-key and
encrypt-data; as bob the online tool works; the admin revokes; as bob it is refused again.
Everything asserted on the ENGINE.
"""
from __future__ import annotations

from textual.widgets import Checkbox, Input, OptionList, TextArea

from dewtui.widgets.confirm import ConfirmDialog
from dewtui.keys.grant_dialog import CreateGrantDialog
from dewtui.iam.principal_dialog import PrincipalDialog
from dewtui.keys.detail import KeyDetailScreen
from ui.helpers import SIZE, settle, toasts


def _detail_refused(app) -> bool:
    """The key detail shows a KMS.0306 refusal in place of the key's tabs."""
    screen = app.screen
    return (isinstance(screen, KeyDetailScreen) and not screen.tabs_shown()
            and "KMS.0306" in str(screen.query_one("#key-empty").render()))


async def act_as(pilot, name: str) -> None:
    """ctrl+u (from no widget: not a text field), pick `name`, enter."""
    app = pilot.app
    app.screen.set_focus(None)  # ctrl+u in a text field would edit it
    await pilot.press("ctrl+u")
    await settle(pilot)
    dialog = app.screen
    assert isinstance(dialog, PrincipalDialog)
    options = dialog.query_one(OptionList)
    names = [options.get_option_at_index(i).id for i in range(options.option_count)]
    options.highlighted = names.index(name)
    await pilot.press("enter")
    await settle(pilot)
    assert app.engine.principal.name == name
    assert app.sub_title.startswith(f"{name} · ")


async def encrypt(pilot, text: str) -> str:
    screen = pilot.app.screen
    screen.action_show_tab("online-tool")
    await settle(pilot)
    screen.query_one("#tool-output", TextArea).text = ""
    screen.query_one("#tool-input", TextArea).text = text
    await pilot.click("#encrypt")
    await settle(pilot)
    return screen.query_one("#tool-output", TextArea).text


async def test_grant_opens_and_revoke_closes_the_door(app, eng):
    eng.iam.create_user("bob")
    key = eng.kms.create_key("app/pay")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, KeyDetailScreen)

        await act_as(pilot, "bob")
        assert _detail_refused(app)  # bob holds nothing on the key: not even reading it

        await act_as(pilot, "admin")
        app.screen.action_show_tab("grants")
        await settle(pilot)
        await pilot.click("#grant-create")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, CreateGrantDialog)
        await pilot.press(*"bob")
        dialog.query_one("#op-describe-key", Checkbox).value = True
        dialog.query_one("#op-encrypt-data", Checkbox).value = True
        dialog.query_one("#grant-name", Input).value = "pay-encrypt"
        await pilot.click("#ok")
        await settle(pilot)
        [grant] = eng.kms.list_grants(key.key_id)
        bob = eng.iam.show_user("bob")
        assert (grant.grantee_principal, grant.operations, grant.name) == (
            bob.user_id, ("describe-key", "encrypt-data"), "pay-encrypt")
        assert "Grant created successfully" in toasts(app)

        await act_as(pilot, "bob")
        cipher = await encrypt(pilot, "as bob")
        assert eng.kms.decrypt_data(cipher).plain_text == b"YXMgYm9i"  # the tool encrypts base64("as bob")

        await act_as(pilot, "admin")
        app.screen.action_show_tab("grants")
        await settle(pilot)
        await pilot.click("#grant-revoke")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.click("#ok")
        await settle(pilot)
        assert eng.kms.list_grants(key.key_id) == []

        await act_as(pilot, "bob")
        assert _detail_refused(app)


async def test_create_grant_dialog_validates(app, eng):
    eng.iam.create_user("bob")
    eng.kms.create_key("app/pay")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        app.screen.action_show_tab("grants")
        await settle(pilot)
        await pilot.click("#grant-create")
        await settle(pilot)
        dialog = app.screen
        await pilot.press(*"bob")
        await pilot.click("#ok")
        await settle(pilot)
        assert "at least one operation" in str(dialog.query_one("#errors").render())
        dialog.query_one("#op-create-grant", Checkbox).value = True
        await pilot.click("#ok")
        await settle(pilot)
        assert "KMS.2401" in str(dialog.query_one("#errors").render())
        assert isinstance(app.screen, CreateGrantDialog)


async def test_refused_grant_stays_in_the_dialog_beside_the_grantee(app, eng):
    key = eng.kms.create_key("app/pay")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        app.screen.action_show_tab("grants")
        await settle(pilot)
        await pilot.click("#grant-create")
        await settle(pilot)
        dialog = app.screen
        await pilot.press(*"nobody")
        dialog.query_one("#op-decrypt-data", Checkbox).value = True
        await pilot.click("#ok")
        await settle(pilot)
        assert app.screen is dialog  # still open, what was typed kept
        assert str(dialog.query_one(".refusal").render()).startswith("KMS.2402")
        assert dialog.query_one("#grantee", Input).value == "nobody"
        assert dialog.query_one("#grantee").has_class("-invalid")
        assert dialog.query_one("#op-decrypt-data", Checkbox).value
        assert eng.kms.list_grants(key.key_id) == []


async def test_retire_as_retiring_principal(app, eng):
    eng.iam.create_user("bob")
    eng.iam.create_user("carol")
    key = eng.kms.create_key("app/pay")
    eng.kms.create_grant(key.key_id, "bob", ["encrypt-data"], retiring_principal="carol")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        app.screen.action_show_tab("grants")
        await settle(pilot)
        await act_as(pilot, "carol")  # carol may not read the key (no policy)…
        assert _detail_refused(app)
        await act_as(pilot, "admin")
        assert not app.screen.query_one("#grant-revoke").disabled
        # the admin issued the grant: as its issuer it may retire it too
        assert not app.screen.query_one("#grant-retire").disabled
        await pilot.click("#grant-retire")
        await settle(pilot)
        await pilot.click("#ok")
        await settle(pilot)
        assert eng.kms.list_grants(key.key_id) == []


async def test_principal_dialog_creates_a_user(app, eng):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.action_act_as()
        await settle(pilot)
        assert isinstance(app.screen, PrincipalDialog)
        app.screen.query_one("#new-user", Input).value = "dave"
        await pilot.click("#create-user")
        await settle(pilot)
        assert [u.name for u in eng.iam.list_users()] == ["admin", "dave"]
        assert app.engine.principal.name == "dave"
        assert app.sub_title.startswith("dave · ")
        assert any(t.startswith("KMS.0306") for t in toasts(app))  # the keys list, as dave, is refused
