"""SVG snapshots of the IAM area, its detail screens and dialogs, at 80x24 and 120x36
(frozen clock, seeded ids; the access key secret on screen is made by the seeded rng too,
which the engine's own SeededRng never does for secrets).

Update with `pytest tests/ui/test_iam_area_snapshots.py --snapshot-update`, then look at them.
"""
from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, TextArea

from dewtui.iam.access_keys_tab import SecretShownDialog
from engine import Engine, SeededRng
from dewtui.iam.templates import POLICY_TEMPLATES
from ui.helpers import settle, snap

SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=["80x24", "120x36"])


class SeededSecretsRng(SeededRng):
    """SeededRng whose `choice` (the access key secret) also comes from the seed: the secret
    on screen is the same on every run. Tests only: the engine draws secrets from the OS."""

    def choice(self, alphabet: str, k: int) -> str:
        with self._lock:
            return "".join(self._random.choice(alphabet) for _ in range(k))


@pytest.fixture
def eng(home, clock):
    e = Engine.open(home=home, clock=clock, rng=SeededSecretsRng(7))
    yield e
    e.close()


@pytest.fixture
def iam_eng(eng):
    """bob (group ops with KMS CMK Admin, his own key-users policy, one access key), carol
    (no rights), an empty auditors group, one key; `eng.new_access_key` is a second key of
    bob's, made by the seeded rng, for the secret dialog."""
    iam = eng.iam
    for name in ("bob", "carol"):
        iam.create_user(name)
    iam.create_group("ops")
    iam.create_group("auditors")
    iam.add_user_to_group("bob", "ops")
    iam.attach_group_policy("ops", "KMS CMK Admin")
    iam.create_policy("key-users", POLICY_TEMPLATES[1][1])
    iam.attach_policy("bob", "key-users")
    iam.create_access_key(user_name="bob", description="billing app")
    eng.sample_key = eng.kms.create_key("app/orders")
    eng.new_access_key = iam.create_access_key(user_name="bob", description="deploy job")
    return eng


def snap_at(snap_compare, engine, size, *steps):
    return snap(snap_compare, engine, *steps, size=size)


def tab(name: str):
    async def go(pilot):
        pilot.app.screen.action_show_tab(name)
    return go


def cursor_to(selector: str, key: str):
    async def go(pilot):
        table = pilot.app.screen.query_one(f"{selector} DataTable", DataTable)
        table.focus()
        table.move_cursor(row=[str(r.value) for r in table.rows].index(key), animate=False)
    return go


def focus(selector: str):
    async def go(pilot):
        pilot.app.screen.query_one(selector).focus()
    return go


def open_user(name: str, tab_id: str = "groups", table: str = ""):
    async def go(pilot):
        await cursor_to("#users-pane", name)(pilot)
        await pilot.press("enter")
        await settle(pilot)
        pilot.app.screen.action_show_tab(tab_id)
        await settle(pilot)
        pilot.app.screen.query_one(table or f"#utab-{tab_id} DataTable").focus()
    return go


async def act_as_carol(pilot):
    pilot.app.act_as(pilot.app.root_engine.as_user("carol"))


@SIZES
def test_users(snap_compare, iam_eng, size):
    assert snap_at(snap_compare, iam_eng, size, "6")


@SIZES
def test_groups(snap_compare, iam_eng, size):
    assert snap_at(snap_compare, iam_eng, size, "6", tab("groups"))


@SIZES
def test_policies(snap_compare, iam_eng, size):
    assert snap_at(snap_compare, iam_eng, size, "6", tab("policies"))


@SIZES
def test_simulator_answer(snap_compare, iam_eng, size):
    async def ask(pilot):
        form = pilot.app.screen.query_one("#simulator")
        form.query_one("#sim-user", Input).value = "bob"
        form.query_one("#sim-action", Input).value = "kms:cmk:get"
        form.query_one("#sim-resource", Input).value = iam_eng.sample_key.key_id
        form.ask()
    assert snap_at(snap_compare, iam_eng, size, "6", tab("simulator"), ask)


@SIZES
def test_user_groups_tab(snap_compare, iam_eng, size):
    assert snap_at(snap_compare, iam_eng, size, "6", open_user("bob"))


@SIZES
def test_user_policies_tab(snap_compare, iam_eng, size):
    assert snap_at(snap_compare, iam_eng, size, "6", open_user("bob", "policies"))


@SIZES
def test_user_access_keys_tab(snap_compare, iam_eng, size):
    assert snap_at(snap_compare, iam_eng, size, "6", open_user("bob", "access-keys", "#ak-table"))


@SIZES
def test_group_members_tab(snap_compare, iam_eng, size):
    async def open_ops(pilot):
        await cursor_to("#groups-pane", "ops")(pilot)
        await pilot.press("enter")
    assert snap_at(snap_compare, iam_eng, size, "6", tab("groups"), open_ops)


@SIZES
def test_create_user_dialog(snap_compare, iam_eng, size):
    async def type_name(pilot):
        await pilot.press(*"dave")
    assert snap_at(snap_compare, iam_eng, size, "6", "n", type_name)


@SIZES
def test_pick_group_dialog(snap_compare, iam_eng, size):
    assert snap_at(snap_compare, iam_eng, size, "6", open_user("carol"), "a")


@SIZES
def test_create_access_key_dialog(snap_compare, iam_eng, size):
    async def describe(pilot):
        await pilot.press(*"nightly export")
    assert snap_at(snap_compare, iam_eng, size, "6", open_user("carol", "access-keys", "#ak-table"), "a",
                   describe)


@SIZES
def test_secret_shown_once_dialog(snap_compare, iam_eng, size):
    async def created(pilot):
        pilot.app.push_screen(SecretShownDialog(iam_eng.new_access_key))
    assert snap_at(snap_compare, iam_eng, size, "6", open_user("bob", "access-keys", "#ak-table"), created)


@SIZES
def test_policy_document_dialog(snap_compare, iam_eng, size):
    assert snap_at(snap_compare, iam_eng, size, "6", tab("policies"), cursor_to("#policies-pane", "key-users"),
                   "enter")


@SIZES
def test_policy_editor_refused(snap_compare, iam_eng, size):
    async def write(pilot):
        await pilot.press(*"readers")
        pilot.app.screen.query_one("#policy-text", TextArea).text = (
            '{"Statement": [{"Effect": "Permit", "Action": ["kms:cmk:get"]}]}')
    assert snap_at(snap_compare, iam_eng, size, "6", tab("policies"), "n", write, "ctrl+s")


@SIZES
def test_policy_editor_template(snap_compare, iam_eng, size):
    async def template(pilot):
        await pilot.press(*"key-makers")
        pilot.app.screen.query_one("#policy-template").value = 0
    assert snap_at(snap_compare, iam_eng, size, "6", tab("policies"), "n", template, focus("#policy-text"))


async def carol_creates_a_user(pilot):
    """In the IAM area, as carol (no rights): the lists say they were refused, and creating a
    user is refused with a toast (the area behind is this one's, not another's)."""
    await act_as_carol(pilot)
    await settle(pilot)
    await pilot.press("n")
    await settle(pilot)
    await pilot.press(*"erin", "enter")


@SIZES
def test_refusal_toast_offers_why(snap_compare, iam_eng, size):
    assert snap_at(snap_compare, iam_eng, size, "6", carol_creates_a_user)


@SIZES
def test_why_dialog(snap_compare, iam_eng, size):
    async def toast_gone(pilot):  # as after its 8 seconds: the dialog is what this shows
        pilot.app.clear_notifications()
    assert snap_at(snap_compare, iam_eng, size, "6", carol_creates_a_user, toast_gone, "w")
