"""Pilot tests: drive the TUI with keys and clicks, then assert the ENGINE's state."""
from __future__ import annotations

import base64
from datetime import timedelta

from textual.widgets import Checkbox, DataTable, Input, TextArea

from dewtui.keys.state_dialog import ConfirmKeysDialog
from dewtui.keys.create_dialog import CreateKeyDialog
from dewtui.keys.delete_dialog import DeleteKeysDialog
from dewtui.shell.help import HelpDialog
from dewtui.keys.detail import KeyDetailScreen
from dewtui.keys.screen import KeysScreen
from engine import Engine, KeyState, SeededRng
from ui.helpers import SIZE, make_app, settle, toasts


async def _cursor_to(pilot, alias: str) -> None:
    screen = pilot.app.screen
    ids = [k.key_alias for k in screen.page.keys]
    screen.query_one("#keys", DataTable).move_cursor(row=ids.index(alias), animate=False)


async def test_create_encrypt_decrypt(app, eng):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, CreateKeyDialog)
        await pilot.press(*"app/pay", "enter")
        await settle(pilot)
        keys = eng.kms.list_keys().keys
        assert [k.key_alias for k in keys] == ["app/pay"]
        assert keys[0].key_spec == "AES_256" and keys[0].key_state is KeyState.ENABLED
        assert "Created key app/pay" in toasts(app)

        await pilot.press("enter")  # open the detail screen
        await settle(pilot)
        assert isinstance(app.screen, KeyDetailScreen)
        app.screen.action_show_tab("online-tool")
        await settle(pilot)
        app.screen.query_one("#tool-input", TextArea).text = "hello, world"
        await pilot.click("#encrypt")
        await settle(pilot)
        cipher = app.screen.query_one("#tool-output", TextArea).text
        # the engine agrees: the tool encrypted the text's base64, as the guide says
        assert eng.kms.decrypt_data(cipher).plain_text == base64.b64encode(b"hello, world")

        await pilot.click("#clear")
        assert app.screen.query_one("#tool-input", TextArea).text == ""
        app.screen.query_one("#tool-input", TextArea).text = cipher
        await pilot.click("#decrypt")
        await settle(pilot)
        assert app.screen.query_one("#tool-output", TextArea).text == "hello, world"
        await pilot.click("#copy")
        assert app.clipboard == "hello, world"


async def test_create_dialog_limits_usage_and_validates(app, eng):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        dialog = app.screen
        dialog.query_one("#spec").value = "EC_P256"
        await pilot.pause()
        usage = dialog.query_one("#usage")
        assert [v for _label, v in usage._options if isinstance(v, str)] == ["SIGN_VERIFY"]
        dialog.query_one("#spec").value = "RSA_2048"
        await pilot.pause()
        assert usage.value == "SIGN_VERIFY"
        assert len([v for _l, v in usage._options if isinstance(v, str)]) == 2
        await pilot.press(*"bad/default", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CreateKeyDialog)  # refused inline, nothing created
        assert "reserved" in str(dialog.query_one("#errors").render())
        assert eng.kms.list_keys().total == 0
        usage.value = "ENCRYPT_DECRYPT"
        dialog.query_one("#alias", Input).value = "rsa-enc"
        dialog.query_one("#tags", Input).value = "env=prod, team"
        await pilot.pause()
        dialog.action_submit()
        await settle(pilot)
        key = eng.kms.list_keys().keys[0]
        assert (key.key_alias, key.key_spec, key.key_usage) == ("rsa-enc", "RSA_2048", "ENCRYPT_DECRYPT")
        assert {(t.key, t.value) for t in key.tags} == {("env", "prod"), ("team", "")}


async def test_batch_disable(app, eng):
    ids = {a: eng.kms.create_key(a).key_id for a in ("k-a", "k-b", "k-c")}
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _cursor_to(pilot, "k-a")
        await pilot.press("space", "space")  # marks k-a and k-b
        assert set(app.screen.marked) == {ids["k-a"], ids["k-b"]}
        await pilot.press("d")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmKeysDialog)
        await pilot.click("#ok")  # disabled until "I understand" is ticked
        assert app.screen is dialog
        dialog.query_one("#understand", Checkbox).value = True
        await pilot.pause()
        await pilot.click("#ok")
        await settle(pilot)
        states = {a: eng.kms.describe_key(i).key_state for a, i in ids.items()}
        assert states == {"k-a": KeyState.DISABLED, "k-b": KeyState.DISABLED, "k-c": KeyState.ENABLED}
        assert "Disabled 2 keys" in toasts(app)
        assert app.screen.marked == {}


async def test_schedule_and_cancel_deletion(app, eng, clock):
    key_id = eng.kms.create_key("doomed").key_id
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, DeleteKeysDialog)
        assert dialog.risk is not None and dialog.risk.key_id == key_id
        dialog.query_one("#days", Input).value = "5"
        dialog.query_one("#understand", Checkbox).value = True
        await pilot.pause()
        assert dialog.query_one("#ok").disabled  # 5 days is below the minimum
        dialog.query_one("#days", Input).value = "30"
        await pilot.pause()
        await pilot.click("#ok")
        await settle(pilot)
        key = eng.kms.describe_key(key_id)
        assert key.key_state is KeyState.PENDING_DELETION
        assert key.scheduled_deletion_date == clock.now() + timedelta(days=30)

        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmKeysDialog)
        await pilot.click("#ok")
        await settle(pilot)
        assert eng.kms.describe_key(key_id).key_state is KeyState.DISABLED
        await pilot.press("e")
        await settle(pilot)
        await pilot.click("#ok")
        await settle(pilot)
        assert eng.kms.describe_key(key_id).key_state is KeyState.ENABLED


async def test_refusal_is_a_toast_with_its_code(app, eng):
    eng.kms.get_default_key("obs")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        app.screen.query_one("#understand", Checkbox).value = True
        await pilot.pause()
        await pilot.click("#ok")
        await settle(pilot)
        assert isinstance(app.screen, KeysScreen)
        assert any(t.startswith("KMS.0211: obs/default") for t in toasts(app))
        assert eng.kms.list_keys().keys[0].key_state is KeyState.ENABLED


async def test_filter_sort_and_pages(app, eng):
    for i in range(60):
        eng.kms.create_key(f"key-{i:02d}")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        table = screen.query_one("#keys", DataTable)
        page = screen.lq.limit
        assert table.row_count == page < 60
        assert f"1–{page} of 60 keys" in str(screen.query_one("#status").render())
        await pilot.press("pagedown")
        await settle(pilot)
        assert screen.page.offset == page and screen.page.keys[0].key_alias == f"key-{page:02d}"
        await pilot.press("pageup")
        await settle(pilot)
        await pilot.press("S")  # reverse the sort
        await settle(pilot)
        assert screen.page.keys[0].key_alias == "key-59"
        await pilot.press("slash", *"key-1")
        await settle(pilot)
        assert [k.key_alias for k in screen.page.keys] == [f"key-1{i}" for i in range(9, -1, -1)]
        assert table.row_count == 10


async def test_ten_thousand_keys_stay_responsive(eng):
    # responsiveness is measured by `make bench`; here: only one page is ever rendered
    from engine.models.kms import Cmk
    domain = eng.principal.domain_id
    with eng.context.db.session() as s:
        for i in range(10_000):
            s.add(Cmk(key_id=f"{i:08x}-0000-4000-8000-000000000000", domain_id=domain,
                      key_alias=f"bulk-{i:05d}", key_spec="AES_256", key_usage="ENCRYPT_DECRYPT",
                      key_state="3", creation_date=eng.now()))
    app = make_app(eng)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.page.total == 10_000
        assert screen.query_one("#keys", DataTable).row_count == screen.lq.limit <= 40
        await pilot.press("pagedown")
        await settle(pilot)
        await pilot.press("slash", *"bulk-0999")
        await settle(pilot)
        assert [k.key_alias for k in screen.page.keys] == ["bulk-09990", "bulk-09991", "bulk-09992",
                                                            "bulk-09993", "bulk-09994", "bulk-09995",
                                                            "bulk-09996", "bulk-09997", "bulk-09998",
                                                            "bulk-09999"]


async def test_palette_goes_to_key(app, eng):
    eng.kms.create_key("alpha")
    target = eng.kms.create_key("zulu-target").key_id
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"zulu")
        await settle(pilot)  # the palette's search has finished
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, KeyDetailScreen) and app.screen.key.key_id == target


async def test_help_lists_every_binding(app, eng):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpDialog)
        described = {row[2] for row in app.screen.rows}
        for b in KeysScreen.BINDINGS:
            assert b.description in described, b.description
        assert {"Quit", "Help", "Go to Keys", "Next page", "Open"} <= described
        await pilot.press("escape")
        assert isinstance(app.screen, KeysScreen)


async def test_detail_edit_alias_and_tags(app, eng):
    key_id = eng.kms.create_key("before", tags={"env": "dev"}).key_id
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        alias = screen.query_one("#alias-input", Input)
        alias.value = "after"
        alias.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert eng.kms.describe_key(key_id).key_alias == "after"
        assert "after" in str(screen.query_one("#key-title").render())

        screen.action_show_tab("tags")
        await settle(pilot)
        pane = screen.query_one("TagsPane")
        pane.action_add()
        await settle(pilot)
        await pilot.press(*"cost", "tab", *"100", "enter")
        await settle(pilot)
        assert {(t.key, t.value) for t in eng.kms.describe_key(key_id).tags} == {("env", "dev"), ("cost", "100")}
        pane.query_one("#tags-table", DataTable).move_cursor(row=0)  # "cost" sorts first
        pane.action_edit()
        await settle(pilot)
        app.screen.query_one("#tag-value", Input).value = "250"
        await pilot.click("#ok")
        await settle(pilot)
        pane.action_delete()
        await settle(pilot)
        await pilot.click("#ok")
        await settle(pilot)
        assert {(t.key, t.value) for t in eng.kms.describe_key(key_id).tags} == {("env", "dev")}
        assert "Changed tag cost" in toasts(app)


async def test_sign_and_verify_tryout(app, eng):
    eng.kms.create_key("signer", key_spec="EC_P256")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        screen.action_show_tab("public-key")
        await settle(pilot)
        assert screen.query_one("#pem", TextArea).text.startswith("-----BEGIN PUBLIC KEY-----")
        screen.query_one("#sign-message", Input).value = "ship it"
        await pilot.click("#sign")
        await settle(pilot)
        assert screen.query_one("#signature", Input).value
        await pilot.click("#verify")
        await settle(pilot)
        assert "valid" in str(screen.query_one("#verify-result").render())
        screen.query_one("#sign-message", Input).value = "ship it!"
        await pilot.click("#verify")
        await settle(pilot)
        assert "does not match" in str(screen.query_one("#verify-result").render())


async def test_online_tool_refused_for_asymmetric_and_default_keys(app, eng):
    eng.kms.create_key("rsa", key_spec="RSA_2048")
    eng.kms.get_default_key("obs")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for alias in ("obs/default", "rsa"):
            await _cursor_to(pilot, alias)
            await pilot.press("enter")
            await settle(pilot)
            assert app.screen.query_one("#encrypt").disabled
            assert app.screen.query_one("#decrypt").disabled
            await pilot.press("escape")
            await settle(pilot)


async def test_unseal_prompt(tmp_path, clock):
    home = tmp_path / "sealed"
    Engine.open(home=home, clock=clock, rng=SeededRng(7), passphrase="open sesame").close()
    sealed = Engine.open(home=home, clock=clock, rng=SeededRng(7))
    try:
        app = make_app(sealed)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press(*"wrong", "enter")
            await settle(pilot)
            assert sealed.sealed
            assert any(t.startswith("DEW.") or t.startswith("KMS.") for t in toasts(app))
            await pilot.press(*"open sesame", "enter")
            await settle(pilot)
            assert not sealed.sealed
            assert isinstance(app.screen, KeysScreen)
    finally:
        sealed.close()
