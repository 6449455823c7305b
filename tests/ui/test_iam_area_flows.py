"""Pilot tests of the IAM area (`6`): drive the TUI with keys, then assert the ENGINE's state:
users, groups and their members and policies, custom policies from the JSON editor, the
simulator's answer."""
from __future__ import annotations

import json

import pytest
from textual.widgets import DataTable, Input, OptionList, Select, TextArea

from dewtui.iam.dialogs import NameDialog, PickDialog
from dewtui.iam.group_detail import GroupDetailScreen
from dewtui.iam.policy_dialogs import PolicyEditorDialog, PolicyViewDialog
from dewtui.iam.screen import IamScreen
from dewtui.iam.simulator import SimulatorForm
from dewtui.iam.templates import POLICY_TEMPLATES
from dewtui.iam.user_detail import UserDetailScreen
from dewtui.widgets.confirm import ConfirmDialog
from dewtui.widgets.form import DiscardDialog
from engine import DewError
from ui.helpers import SIZE, make_app, settle, toasts


@pytest.fixture
def iam_eng(eng):
    """bob (in group ops, which holds KMS CMK Admin) and carol (no rights), one key."""
    eng.iam.create_user("bob")
    eng.iam.create_user("carol")
    eng.iam.create_group("ops")
    eng.iam.add_user_to_group("bob", "ops")
    eng.iam.attach_group_policy("ops", "KMS CMK Admin")
    eng.sample_key = eng.kms.create_key("app/orders")
    return eng


async def open_iam(pilot, tab: str = "users") -> IamScreen:
    await settle(pilot)
    await pilot.press("6")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, IamScreen)
    screen.action_show_tab(tab)
    await settle(pilot)
    return screen


async def cursor_to(pilot, pane: str, key: str) -> None:
    table = pilot.app.screen.query_one(f"{pane} DataTable", DataTable)
    table.focus()
    table.move_cursor(row=[str(r.value) for r in table.rows].index(key), animate=False)
    await pilot.pause()


async def pick(pilot, name: str) -> None:
    """In a PickDialog, choose `name` with enter."""
    dialog = pilot.app.screen
    assert isinstance(dialog, PickDialog)
    options = dialog.query_one(OptionList)
    options.highlighted = dialog.names.index(name)
    await pilot.press("enter")
    await settle(pilot)


async def test_create_user_then_delete_it_and_refusals_are_shown(iam_eng):
    app = make_app(iam_eng)
    async with app.run_test(size=SIZE) as pilot:
        await open_iam(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, NameDialog)
        await pilot.press(*"dave", "enter")
        await settle(pilot)
        assert iam_eng.iam.show_user("dave").is_admin is False
        assert "User dave created" in toasts(app)
        table = app.screen.query_one("#users-pane DataTable", DataTable)
        assert [str(r.value) for r in table.rows] == ["admin", "bob", "carol", "dave"]
        assert table.cursor_row == 3  # the new user is selected

        await cursor_to(pilot, "#users-pane", "admin")  # the user acting: refused
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert any(t.startswith("IAM.0403: admin is the user acting") for t in toasts(app))
        assert "admin" in [u.name for u in iam_eng.iam.list_users()]

        await cursor_to(pilot, "#users-pane", "dave")
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("escape")  # cancelled: nothing happens
        await settle(pilot)
        assert "dave" in [u.name for u in iam_eng.iam.list_users()]
        await pilot.press("x", "y")
        await settle(pilot)
        assert "dave" not in [u.name for u in iam_eng.iam.list_users()]
        assert "User dave deleted" in toasts(app)


async def test_new_user_name_is_checked_in_the_dialog(iam_eng):
    app = make_app(iam_eng)
    async with app.run_test(size=SIZE) as pilot:
        await open_iam(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"no spaces", "enter")
        await settle(pilot)
        assert isinstance(app.screen, NameDialog)
        assert "user name: 1-64" in str(app.screen.query_one("#errors").render())
        await pilot.press("escape")
        await settle(pilot)
        assert [u.name for u in iam_eng.iam.list_users()] == ["admin", "bob", "carol"]


async def test_user_joins_a_group_and_gets_a_policy_from_its_screen(iam_eng):
    app = make_app(iam_eng)
    async with app.run_test(size=SIZE) as pilot:
        await open_iam(pilot)
        await cursor_to(pilot, "#users-pane", "carol")
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, UserDetailScreen) and screen.item.name == "carol"
        screen.query_one("#utab-groups DataTable").focus()
        await pilot.press("a")
        await settle(pilot)
        await pick(pilot, "ops")
        assert iam_eng.iam.show_user("carol").groups == ("ops",)
        assert "carol added to group ops" in toasts(app)

        screen.action_show_tab("policies")
        await settle(pilot)
        screen.query_one("#utab-policies DataTable").focus()
        await pilot.press("a")
        await settle(pilot)
        assert app.screen.names == ["KMS Administrator", "KMS CMK Admin", "KMS CMKFullAccess"]
        await pick(pilot, "KMS CMKFullAccess")
        assert iam_eng.iam.show_user("carol").policies == ("KMS CMKFullAccess",)
        table = screen.query_one("#utab-policies DataTable", DataTable)
        assert [str(r.value) for r in table.rows] == ["KMS CMKFullAccess"]

        await pilot.press("delete")  # detach the selected policy
        await settle(pilot)
        assert iam_eng.iam.show_user("carol").policies == ()
        screen.action_show_tab("groups")
        await settle(pilot)
        screen.query_one("#utab-groups DataTable").focus()
        await pilot.press("delete")  # leave the group
        await settle(pilot)
        assert iam_eng.iam.show_user("carol").groups == ()
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, IamScreen)


async def test_group_create_members_policies_and_delete(iam_eng):
    app = make_app(iam_eng)
    async with app.run_test(size=SIZE) as pilot:
        await open_iam(pilot, "groups")
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"auditors", "enter")
        await settle(pilot)
        assert "auditors" in [g.name for g in iam_eng.iam.list_groups()]
        await cursor_to(pilot, "#groups-pane", "auditors")
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, GroupDetailScreen)
        screen.query_one("#gtab-members DataTable").focus()
        await pilot.press("a")
        await settle(pilot)
        await pick(pilot, "carol")
        await pilot.press("a")
        await settle(pilot)
        assert "carol" not in app.screen.names  # a member is not offered again
        await pick(pilot, "bob")
        [g] = [g for g in iam_eng.iam.list_groups() if g.name == "auditors"]
        assert g.users == ("bob", "carol")

        screen.action_show_tab("policies")
        await settle(pilot)
        screen.query_one("#gtab-policies DataTable").focus()
        await pilot.press("a")
        await settle(pilot)
        await pick(pilot, "KMS Administrator")
        [g] = [g for g in iam_eng.iam.list_groups() if g.name == "auditors"]
        assert g.policies == ("KMS Administrator",)
        await pilot.press("delete")
        await settle(pilot)
        [g] = [g for g in iam_eng.iam.list_groups() if g.name == "auditors"]
        assert g.policies == ()
        screen.action_show_tab("members")
        await settle(pilot)
        await cursor_to(pilot, "#gtab-members", "bob")
        await pilot.press("delete")
        await settle(pilot)
        [g] = [g for g in iam_eng.iam.list_groups() if g.name == "auditors"]
        assert g.users == ("carol",)

        await pilot.press("escape")
        await settle(pilot)
        await cursor_to(pilot, "#groups-pane", "auditors")
        await pilot.press("x", "y")
        await settle(pilot)
        assert [g.name for g in iam_eng.iam.list_groups()] == ["ops"]
        assert iam_eng.iam.show_user("carol").groups == ()


async def test_refused_policy_json_keeps_the_dialog_and_the_text(iam_eng):
    bad = '{"Statement": [{"Effect": "Permit", "Action": ["kms:cmk:get"]}]}'
    app = make_app(iam_eng)
    async with app.run_test(size=SIZE) as pilot:
        await open_iam(pilot, "policies")
        await pilot.press("n")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, PolicyEditorDialog)
        await pilot.press(*"readers")
        dialog.query_one("#policy-text", TextArea).text = bad
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog  # refused: still open
        errors = str(dialog.query_one("#errors").render())
        assert "IAM.0001" in errors and "statement 0: Effect must be Allow or Deny" in errors
        assert dialog.query_one("#policy-text", TextArea).text == bad
        assert dialog.query_one("#policy-name", Input).value == "readers"
        assert "readers" not in [p.name for p in iam_eng.iam.list_policies()]

        dialog.query_one("#policy-text", TextArea).text = "{not json"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog
        assert "IAM.0001" in str(dialog.query_one("#errors").render())
        assert "not valid JSON" in str(dialog.query_one("#errors").render())

        dialog.query_one("#policy-text", TextArea).text = bad.replace("Permit", "Allow")
        dialog.query_one("#policy-name", Input).focus()
        await pilot.press("enter")  # enter in the name field saves
        await settle(pilot)
        assert isinstance(app.screen, IamScreen)
        [policy] = [p for p in iam_eng.iam.list_policies() if p.name == "readers"]
        assert policy.document["Statement"][0]["Effect"] == "Allow"
        assert "Policy readers created" in toasts(app)
        table = app.screen.query_one("#policies-pane DataTable", DataTable)
        assert "readers" in [str(r.value) for r in table.rows]


async def test_policy_from_a_guide_template_and_its_document(iam_eng):
    app = make_app(iam_eng)
    async with app.run_test(size=SIZE) as pilot:
        await open_iam(pilot, "policies")
        await pilot.press("n")
        await settle(pilot)
        dialog = app.screen
        await pilot.press(*"key-users")
        dialog.query_one("#policy-template", Select).value = 1  # "Use keys"
        await settle(pilot)
        assert json.loads(dialog.query_one("#policy-text", TextArea).text) == POLICY_TEMPLATES[1][1]
        await pilot.press("ctrl+s")
        await settle(pilot)
        [policy] = [p for p in iam_eng.iam.list_policies() if p.name == "key-users"]
        assert policy.document == POLICY_TEMPLATES[1][1]

        await cursor_to(pilot, "#policies-pane", "key-users")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PolicyViewDialog)
        shown = json.loads(app.screen.query_one("#policy-document", TextArea).text)
        assert shown == POLICY_TEMPLATES[1][1]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, IamScreen)


async def test_every_guide_template_is_accepted_by_the_engine(iam_eng):
    for i, (title, document) in enumerate(POLICY_TEMPLATES):
        assert iam_eng.iam.create_policy(f"template-{i}", document).document == document, title


async def test_simulator_names_the_group_statement_that_allows(iam_eng):
    key_id = iam_eng.sample_key.key_id
    app = make_app(iam_eng)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_iam(pilot, "simulator")
        form = screen.query_one(SimulatorForm)
        form.query_one("#sim-user", Input).value = "bob"
        form.query_one("#sim-action", Input).value = "kms:cmk:get"
        form.query_one("#sim-resource", Input).value = key_id
        form.query_one("#sim-resource", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert form.answer == (True, "group ops policy KMS CMK Admin statement 0")
        answer = str(form.query_one("#sim-answer").render())
        assert "ALLOW" in answer and "group ops" in answer and "policy KMS CMK Admin" in answer
        assert "statement 0" in answer

        form.query_one("#sim-user", Input).value = "carol"
        await pilot.click("#sim-ask")
        await settle(pilot)
        assert form.answer == (False, "no permission")
        assert "DENY" in str(form.query_one("#sim-answer").render())

        form.query_one("#sim-action", Input).value = "not-an-action"
        await pilot.click("#sim-ask")
        await settle(pilot)
        assert "action: service:type:verb" in str(form.query_one("#sim-errors").render())


async def test_simulator_refused_for_the_acting_user_says_so_in_place(iam_eng):
    app = make_app(iam_eng)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.act_as(iam_eng.as_user("carol"))
        screen = await open_iam(pilot, "simulator")
        assert "IAM.0403" in str(screen.query_one("#users-pane .iam-note").render())
        form = screen.query_one(SimulatorForm)
        form.query_one("#sim-user", Input).value = "carol"
        await pilot.click("#sim-ask")
        await settle(pilot)
        assert form.answer is None
        assert "IAM.0403" in str(form.query_one("#sim-answer").render())
        with pytest.raises(DewError):
            iam_eng.as_user("carol").iam.simulate("carol", "kms:cmk:list")


async def test_esc_closes_the_empty_policy_editor_and_asks_before_losing_text(iam_eng):
    app = make_app(iam_eng)
    async with app.run_test(size=SIZE) as pilot:
        await open_iam(pilot, "policies")
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("escape")  # nothing typed: closes at once
        await settle(pilot)
        assert isinstance(app.screen, IamScreen)
        await pilot.press("n")
        await settle(pilot)
        dialog = app.screen
        await pilot.press(*"draft")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DiscardDialog)
        await pilot.press("escape")  # keep editing
        await settle(pilot)
        assert app.screen is dialog and dialog.query_one("#policy-name", Input).value == "draft"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.click("#discard")
        await settle(pilot)
        assert isinstance(app.screen, IamScreen)
        assert "draft" not in [p.name for p in iam_eng.iam.list_policies()]


async def test_simulator_asks_about_the_acting_user_until_another_is_typed(iam_eng):
    app = make_app(iam_eng)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_iam(pilot, "simulator")
        user = screen.query_one("#sim-user", Input)
        assert user.value == "admin"
        app.act_as(iam_eng.as_user("bob"))
        await settle(pilot)
        assert user.value == "bob"
        user.value = "carol"
        app.act_as(iam_eng.as_user("admin"))
        await settle(pilot)
        assert user.value == "carol"  # typed by the user: kept


async def test_a_taken_policy_name_is_refused_beside_the_name(iam_eng):
    from dewtui.widgets.form import REFUSAL_CLASS
    app = make_app(iam_eng)
    async with app.run_test(size=SIZE) as pilot:
        await open_iam(pilot, "policies")
        await pilot.press("n")
        await settle(pilot)
        dialog = app.screen
        await pilot.press(*"KMS CMK Admin")
        dialog.query_one("#policy-template", Select).value = 1
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog
        [note] = dialog.query(f".{REFUSAL_CLASS}")
        assert str(note.render()).startswith("IAM.0409") and "already exists" in str(note.render())
        assert dialog.focused is dialog.query_one("#policy-name", Input)
        [system] = [p for p in iam_eng.iam.list_policies() if p.name == "KMS CMK Admin"]
        assert system.system and system.document != POLICY_TEMPLATES[1][1]
