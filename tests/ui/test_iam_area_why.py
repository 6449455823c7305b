"""Pilot tests of "Why was that refused?": a permission refusal's toast says `w: why?`, and
`w` (or the palette) opens the simulator filled in with the refused call's user, action and
resource, already answered."""
from __future__ import annotations

import pytest
from textual.widgets import Input

from dewtui.iam.simulator import SimulatorForm
from dewtui.iam.why import WhyDialog, simulator_resource
from ui.helpers import SIZE, make_app, settle, toasts


@pytest.fixture
def why_eng(eng):
    """carol may list keys, is denied kms:cmk:get on every key; one key."""
    eng.iam.create_user("carol")
    eng.iam.create_policy("list-keys", {"Statement": [{"Effect": "Allow", "Action": ["kms:cmk:list"]}]})
    eng.iam.create_policy("no-describe", {"Statement": [
        {"Effect": "Allow", "Action": ["kms:cmk:crypto"]},
        {"Effect": "Deny", "Action": ["kms:cmk:get"], "Resource": ["KMS:*:*:KeyId:*"]}]})
    eng.sample_key = eng.kms.create_key("app/orders")
    return eng


def titles(app) -> list[str]:
    return [n.title for n in app._notifications]


async def test_w_explains_the_refused_key_listing(why_eng):
    app = make_app(why_eng)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.act_as(why_eng.as_user("carol"))  # no policy yet: the keys list is refused
        await settle(pilot)
        assert any(t.startswith("KMS.0306: carol has no permission for kms:cmk:list") for t in toasts(app))
        assert "Refused · w: why?" in titles(app)
        await pilot.press("w")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, WhyDialog)
        form = dialog.query_one(SimulatorForm)
        assert [form.query_one(f"#sim-{f}", Input).value for f in ("user", "action", "resource")] == \
               ["carol", "kms:cmk:list", ""]
        assert form.answer == (False, "no permission")
        assert dialog.asking.principal.name == "admin"  # the operator asks, carol may not

        why_eng.iam.attach_policy("carol", "list-keys")  # fixed meanwhile: ask again
        await pilot.click("#sim-ask")
        await settle(pilot)
        assert form.answer == (True, "policy list-keys statement 0")
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, WhyDialog)


async def test_why_names_the_deny_statement_on_the_key(why_eng):
    key_id = why_eng.sample_key.key_id
    why_eng.iam.attach_policy("carol", "list-keys")
    why_eng.iam.attach_policy("carol", "no-describe")
    carol = why_eng.as_user("carol")
    app = make_app(why_eng)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.act_as(carol)
        await settle(pilot)
        app.call_engine(lambda: carol.kms.describe_key(key_id), label="describe key")  # as a screen would
        await settle(pilot)
        assert any(t.startswith("KMS.0306") and key_id in t for t in toasts(app))
        await app.run_action("why_refused")  # the palette's "Why was that refused?"
        await settle(pilot)
        form = app.screen.query_one(SimulatorForm)
        assert form.query_one("#sim-action", Input).value == "kms:cmk:get"
        assert form.query_one("#sim-resource", Input).value == key_id
        assert form.answer == (False, "denied by policy no-describe statement 1")
        answer = str(form.query_one("#sim-answer").render())
        assert "Deny" in answer and "policy no-describe" in answer and "statement 1" in answer


async def test_w_without_a_refusal_says_there_is_nothing_to_explain(why_eng):
    app = make_app(why_eng)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.call_engine(lambda: why_eng.kms.describe_key("no-such-key"), label="describe key")
        await settle(pilot)  # not a permission refusal: nothing to explain
        assert any(t.startswith("KMS.") for t in toasts(app))
        assert "Refused · w: why?" not in titles(app)
        await pilot.press("w")
        await settle(pilot)
        assert not isinstance(app.screen, WhyDialog)
        assert toasts(app)[-1].startswith("No refused call to explain yet")


def test_the_simulator_takes_keys_and_secrets_by_name_and_the_account_as_empty():
    assert simulator_resource("KMS:local:d1:KeyId:k-1") == "k-1"
    assert simulator_resource("CSMS:local:d1:secret:db") == "secret:db"
    assert simulator_resource("KMS:local:d1:*:*") == ""
    assert simulator_resource("IAM:local:d1:user:bob") == ""


async def test_the_palette_offers_why_was_that_refused(why_eng):
    from dewtui.shell.commands import palette_entries
    app = make_app(why_eng)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        offered = {title: action for title, action, _node, _help in palette_entries(app, app.screen)}
        assert offered["Why was that refused?"] == "why_refused"


def test_why_is_asked_by_an_administrator_of_the_refused_users_account(eng):
    from dewtui.iam.why import asking_engine
    eng.iam.create_user("bob")
    eng.iam.create_user("pat", domain="partner", admin=True)
    eng.as_user("pat").iam.create_user("dan")
    eng.iam.create_user("solo", domain="lonely")  # an account without an administrator
    assert asking_engine(eng, "bob") is eng  # the operator's own account
    assert asking_engine(eng, "dan").principal.name == "pat"
    assert asking_engine(eng, "solo").principal.name == "solo"  # only it can ask (and may be refused)
    assert asking_engine(eng, "dan").iam.simulate("dan", "kms:cmk:list").reason == "no permission"


async def test_a_policy_refused_in_the_editor_is_explained_once_it_is_closed(why_eng):
    from textual.widgets import TextArea

    from dewtui.iam.policy_dialogs import PolicyEditorDialog
    app = make_app(why_eng)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.act_as(why_eng.as_user("carol"))
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        app.screen.action_show_tab("policies")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, PolicyEditorDialog)
        await pilot.press(*"mine")
        dialog.query_one("#policy-text", TextArea).text = '{"Statement": [{"Effect": "Allow", "Action": ["kms:cmk:list"]}]}'
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog
        assert "IAM.0403" in str(dialog.query_one("#errors").render())
        await pilot.press("escape")  # something was typed: asks first
        await settle(pilot)
        await pilot.click("#discard")
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        form = app.screen.query_one(SimulatorForm)
        assert form.query_one("#sim-action", Input).value == "iam:policies:create"
        assert form.answer == (False, "no permission")
        assert "mine" not in [p.name for p in why_eng.iam.list_policies()]


async def test_a_list_refused_again_does_not_replace_the_refusal_the_user_just_caused(why_eng):
    app = make_app(why_eng)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        app.act_as(why_eng.as_user("carol"))  # the lists are refused, each says so in place
        await settle(pilot)
        assert app.last_refusal.action in {"iam:users:list", "iam:groups:list", "iam:policies:list"}
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"erin", "enter")
        await settle(pilot)
        assert app.last_refusal.action == "iam:users:create"
        app.screen.query_one("#users-pane").reload()  # the same listing refusal again
        await settle(pilot)
        assert app.last_refusal.action == "iam:users:create"
        await pilot.press("w")
        await settle(pilot)
        assert app.screen.query_one("#sim-action", Input).value == "iam:users:create"
