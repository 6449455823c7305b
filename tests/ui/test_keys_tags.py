"""Pilot tests of a key's Tags tab: the account's tag keys and values as suggestions, and
adding or deleting several tags at once (asserted on the engine; refusals stay in the dialog)."""
from __future__ import annotations

from textual.widgets import Button, Checkbox, DataTable, Input

from dewtui.keys.tag_dialogs import BatchAddTagsDialog, BatchDeleteTagsDialog, KeyTagDialog
from ui.helpers import SIZE, settle
from ui.pilot_steps import keys_cursor_to


async def _tags_tab(pilot, alias: str):
    await settle(pilot)
    keys_cursor_to(pilot, alias)
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    screen.action_show_tab("tags")
    await settle(pilot)
    screen.query_one("#tags-table", DataTable).focus()
    return screen


def _tags(eng, key_id: str) -> set[tuple[str, str]]:
    return {(t.key, t.value) for t in eng.kms.describe_key(key_id).tags}


async def test_tag_dialog_suggests_the_accounts_tag_keys_and_values(app, eng):
    eng.kms.create_key("other", tags={"environment": "production"})
    key = eng.kms.create_key("mine")
    async with app.run_test(size=SIZE) as pilot:
        await _tags_tab(pilot, "mine")
        await pilot.press("a")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, KeyTagDialog)
        await pilot.press("e", "n")
        await settle(pilot)
        assert dialog.query_one("#tag-key", Input)._suggestion == "environment"
        await pilot.press("right", "tab", "p")  # right takes the suggestion
        await settle(pilot)
        assert dialog.query_one("#tag-value", Input)._suggestion == "production"
        await pilot.press("right", "enter")
        await settle(pilot)
        assert _tags(eng, key.key_id) == {("environment", "production")}


async def test_batch_add_tags_in_one_call(app, eng):
    key = eng.kms.create_key("mine", tags={"a": "0"})
    async with app.run_test(size=SIZE) as pilot:
        await _tags_tab(pilot, "mine")
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, BatchAddTagsDialog)
        await pilot.press(*"a=1, team=pay", "enter")
        await settle(pilot)
        assert _tags(eng, key.key_id) == {("a", "1"), ("team", "pay")}


async def test_batch_add_over_the_quota_is_refused_in_the_dialog(app, eng):
    key = eng.kms.create_key("mine", tags={f"t{n}": "" for n in range(19)})
    async with app.run_test(size=SIZE) as pilot:
        await _tags_tab(pilot, "mine")
        await pilot.press("b")
        await settle(pilot)
        dialog = app.screen
        await pilot.press(*"x=1, y=2", "enter")
        await settle(pilot)
        assert app.screen is dialog
        assert str(dialog.query_one(".refusal").render()).startswith("KMS.0409")
        assert dialog.query_one("#batch-tags", Input).value == "x=1, y=2"
        assert len(_tags(eng, key.key_id)) == 19  # all or nothing


async def test_batch_delete_ticked_tags(app, eng):
    key = eng.kms.create_key("mine", tags={"a": "1", "b": "2", "c": "3"})
    async with app.run_test(size=SIZE) as pilot:
        await _tags_tab(pilot, "mine")
        await pilot.press("B")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, BatchDeleteTagsDialog)
        dialog.query_one("#ok", Button).press()  # nothing ticked: said, nothing done
        await settle(pilot)
        assert "tick the tags" in str(dialog.query_one("#errors").render())
        dialog.query_one("#del-0", Checkbox).value = True
        dialog.query_one("#del-2", Checkbox).value = True
        dialog.query_one("#ok", Button).press()
        await settle(pilot)
        assert _tags(eng, key.key_id) == {("b", "2")}
