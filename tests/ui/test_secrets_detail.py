"""Pilot tests of the secret detail tabs: details edits, stages, expiry, tags, rotation."""
from __future__ import annotations

from datetime import datetime, timezone

from textual.widgets import Button, DataTable, Input, Select

from dewtui.widgets.confirm import ConfirmDialog
from dewtui.secrets.expiry_dialog import ExpiryDialog
from dewtui.secrets.rotation_dialog import RotationDialog
from dewtui.secrets.stages_dialog import StagesDialog
from dewtui.widgets.tag_dialog import TagDialog
from dewtui.secrets.detail import SecretDetailScreen
from ui.helpers import SIZE, settle, toasts
from ui.pilot_steps import goto_secrets, secrets_cursor_to
from ui.sample_data import populate_secrets


async def _open(pilot, name: str, tab: str):
    await goto_secrets(pilot)
    secrets_cursor_to(pilot, name)
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, SecretDetailScreen)
    screen.action_show_tab(tab)
    await settle(pilot)
    return screen


async def test_details_edit_description_and_key(app, eng, clock):
    keys = populate_secrets(eng, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot, "db-password", "details")
        screen.query_one("#secret-description-input", Input).value = "orders DB, primary"
        await pilot.click("#save-description")
        await settle(pilot)
        assert eng.csms.show_secret("db-password").description == "orders DB, primary"
        select = screen.query_one("#secret-key-select", Select)
        assert select.value == "csms/default"
        select.value = keys["app_key"].key_id
        await pilot.click("#save-key")
        await settle(pilot)
        assert eng.csms.show_secret("db-password").kms_key_id == keys["app_key"].key_id
        # old versions keep their key; a new one uses the new key
        eng.csms.create_secret_version("db-password", secret_string="fake-3")
        by_id = {v.id: v.kms_key_id for v in eng.csms.list_secret_versions("db-password")}
        assert by_id["v3"] == keys["app_key"].key_id and by_id["v1"] != keys["app_key"].key_id


async def test_stages_add_delete_and_builtins_protected(app, eng, clock):
    populate_secrets(eng, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot, "db-password", "versions")
        table = screen.query_one("#versions-table", DataTable)
        table.focus()
        table.move_cursor(row=0, animate=False)  # v2
        await pilot.press("s")
        await settle(pilot)
        await pilot.press(*"CANARY", "enter")
        await settle(pilot)
        assert eng.csms.show_secret_stage("db-password", "CANARY").version_id == "v2"

        await pilot.press("s")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, StagesDialog)
        delete = dialog.query_one("#stage-delete-pick", Select)
        assert [v for _l, v in delete._options if isinstance(v, str)] == ["CANARY"]  # no SYSCURRENT
        delete.value = "CANARY"
        await pilot.click("#stage-delete")
        await settle(pilot)
        stages = {st for v in eng.csms.list_secret_versions("db-password") for st in v.version_stages}
        assert stages == {"SYSCURRENT", "SYSPREVIOUS", "STAGING"}

        await pilot.press("s")
        await settle(pilot)
        await pilot.press(*"STAGING", "enter")  # exists: must be moved, not added
        await settle(pilot)
        assert isinstance(app.screen, StagesDialog)
        assert "Move here" in str(app.screen.query_one("#stage-error").render())


async def test_expiry_set_and_clear(app, eng, clock):
    populate_secrets(eng, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot, "db-password", "versions")
        screen.query_one("#versions-table", DataTable).focus()
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ExpiryDialog)
        await pilot.press(*"2026-06-30 12:00", "enter")
        await settle(pilot)
        v2 = eng.csms.list_secret_versions("db-password")[0]
        assert v2.expire_time == datetime(2026, 6, 30, 12, 0, tzinfo=timezone.utc)
        await pilot.press("e")
        await settle(pilot)
        await pilot.click("#clear")
        await settle(pilot)
        assert eng.csms.list_secret_versions("db-password")[0].expire_time is None


async def test_tags_add_and_delete(app, eng, clock):
    populate_secrets(eng, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot, "api-credentials", "tags")
        screen.query_one("#secret-tags-table", DataTable).focus()
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, TagDialog)
        await pilot.press(*"owner", "tab", *"team-a", "enter")
        await settle(pilot)
        assert {(t.key, t.value) for t in eng.csms.list_secret_tags("api-credentials")} == {
            ("env", "prod"), ("owner", "team-a")}
        await pilot.press("delete")  # cursor on the first tag: env
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert [t.key for t in eng.csms.list_secret_tags("api-credentials")] == ["owner"]


async def test_rotation_configure_and_rotate_now(app, eng, clock):
    populate_secrets(eng, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot, "db-password", "rotation")
        screen.query_one("#rotation-configure", Button).focus()
        await pilot.press("c")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, RotationDialog)
        await pilot.click("#rot-enabled")
        dialog.query_one("#rot-period", Input).value = "7d"
        dialog.query_one("#rot-length", Input).value = "40"
        await pilot.press("ctrl+s")
        await settle(pilot)
        cfg = eng.csms.show_rotation_config("db-password")
        assert cfg.auto_rotation and cfg.rotation_period == "7d" and cfg.generator["length"] == 40

        await pilot.press("R")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        current = eng.csms.show_secret_version("db-password")
        assert current.version_metadata.id == "v3" and len(current.secret_string) == 40
        assert "Rotated db-password: v3 is SYSCURRENT" in toasts(app)


async def test_refusal_is_a_toast_with_its_code(app, eng, clock):
    populate_secrets(eng, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot, "rotating-token", "versions")  # its KMS key is disabled
        screen.query_one("#versions-table", DataTable).focus()
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, SecretDetailScreen)  # no value dialog
        assert any(t.startswith("CSMS.0401: KMS key old-secrets") for t in toasts(app))


async def test_details_subscribe_to_an_event_and_back(app, eng, clock):
    populate_secrets(eng, clock)
    eng.events.create_topic("inbox")
    eng.events.create_secret_event("watch", ["SECRET_VERSION_CREATED"], notification="inbox")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot, "db-password", "details")
        select = screen.query_one("#secret-event-select", Select)
        select.value = "watch"
        await pilot.click("#save-event")
        await settle(pilot)
        assert list(eng.csms.show_secret("db-password").event_subscriptions) == ["watch"]
        eng.csms.create_secret_version("db-password", secret_string="fake-9")
        assert eng.events.unread_count() == 1
        select.clear()
        await pilot.click("#save-event")
        await settle(pilot)
        assert list(eng.csms.show_secret("db-password").event_subscriptions) == []
