"""Pilot tests of the Secrets area: drive the TUI with keys, then assert the ENGINE's state."""
from __future__ import annotations

import os
import stat

import pytest
from textual.widgets import Button, DataTable, Input, RadioButton, Select

from dewtui.secrets.backup_dialogs import DownloadBackupDialog, RestoreBackupDialog
from dewtui.secrets.create_wizard import CreateSecretWizard
from dewtui.secrets.delete_dialog import DeleteSecretDialog
from dewtui.secrets.stages_dialog import StagesDialog
from dewtui.secrets.tag_search_dialog import TagSearchDialog
from dewtui.secrets.value_dialog import MASK, SecretValueDialog
from dewtui.secrets.version_dialog import AddVersionDialog
from dewtui.secrets.detail import SecretDetailScreen
from dewtui.secrets.screen import SecretsScreen
from engine import DewError
from ui.helpers import SIZE, settle, toasts
from ui.pilot_steps import goto_secrets, secrets_cursor_to
from ui.sample_data import FAKE_TEXT, populate_secrets


def _versions(eng, name):
    return {v.id: set(v.version_stages) for v in eng.csms.list_secret_versions(name)}


async def _open_versions(pilot):
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, SecretDetailScreen)
    screen.action_show_tab("versions")
    await settle(pilot)
    screen.query_one("#versions-table", DataTable).focus()
    await pilot.pause()
    return screen


async def test_create_version_stage_delete_restore(app, eng):
    async with app.run_test(size=SIZE) as pilot:
        await goto_secrets(pilot)
        assert isinstance(app.screen, SecretsScreen)
        await pilot.press("n")
        await settle(pilot)
        wizard = app.screen
        assert isinstance(wizard, CreateSecretWizard)
        await pilot.press(*"app-db", "tab", "tab", *"the app database", "enter")  # name, project, description
        await settle(pilot)
        assert wizard.step == 1
        await pilot.press(*"fake-initial-value")
        await pilot.press("ctrl+n")  # value → tags
        await pilot.press(*"env", "tab", *"dev", "ctrl+n")  # tags → rotation
        await pilot.press("ctrl+n")  # rotation off → confirm
        await settle(pilot)
        assert wizard.step == 4
        assert "fake-initial-value" not in str(wizard.query_one("#confirm-summary").render())
        await pilot.press("ctrl+n")  # Create
        await settle(pilot)
        secret = eng.csms.show_secret("app-db")
        assert secret.description == "the app database" and [(t.key, t.value) for t in secret.tags] == [("env", "dev")]
        assert eng.csms.show_secret_version("app-db").secret_string == "fake-initial-value"
        assert "Created secret app-db" in toasts(app)

        screen = await _open_versions(pilot)
        await pilot.press("a")  # add a version
        await settle(pilot)
        assert isinstance(app.screen, AddVersionDialog)
        await pilot.press(*"fake-second-value", "ctrl+s")
        await settle(pilot)
        assert _versions(eng, "app-db") == {"v2": {"SYSCURRENT"}, "v1": {"SYSPREVIOUS"}}

        # move SYSCURRENT back to v1 (cursor on v1: the second row, newest first)
        table = screen.query_one("#versions-table", DataTable)
        table.focus()
        table.move_cursor(row=1, animate=False)
        await pilot.press("s")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, StagesDialog) and dialog.version.id == "v1"
        dialog.query_one("#stage-move-pick", Select).value = "SYSCURRENT"
        await pilot.click("#stage-move")
        await settle(pilot)
        # the engine's one stage rule: the version losing SYSCURRENT becomes SYSPREVIOUS
        assert _versions(eng, "app-db") == {"v2": {"SYSPREVIOUS"}, "v1": {"SYSCURRENT"}}

        # view the value: masked until revealed, then copied
        table.move_cursor(row=1, animate=False)
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, SecretValueDialog)
        assert str(app.screen.query_one("#value-shown").render()) == MASK
        await pilot.press("r")
        assert "fake-initial-value" in str(app.screen.query_one("#value-shown").render())
        await pilot.press("c")
        assert app.clipboard == "fake-initial-value"
        await pilot.press("escape")

        # schedule deletion from the detail screen: typed name required
        await pilot.press("x")
        await settle(pilot)
        delete = app.screen
        assert isinstance(delete, DeleteSecretDialog)
        delete.query_one("#days", Input).value = "10"
        await pilot.press(*"app-d")
        await pilot.pause()
        assert delete.query_one("#ok", Button).disabled  # not the full name yet
        await pilot.press("b", "enter")
        await settle(pilot)
        secret = eng.csms.show_secret("app-db")
        assert secret.state == "PENDING_DELETE"
        assert (secret.scheduled_delete_time - secret.update_time).days == 10
        with pytest.raises(DewError) as err:
            eng.csms.show_secret_version("app-db")
        assert err.value.code == "CSMS.0103"

        await pilot.press("u")  # cancel the deletion
        await settle(pilot)
        await pilot.click("#ok")
        await settle(pilot)
        assert eng.csms.show_secret("app-db").state == "ENABLED"
        assert eng.csms.show_secret_version("app-db").secret_string == "fake-initial-value"


async def test_backup_delete_now_restore(app, eng, clock, tmp_path):
    populate_secrets(eng, clock)
    target = tmp_path / "backups" / "db.dewbackup"
    target.parent.mkdir()
    async with app.run_test(size=SIZE) as pilot:
        await goto_secrets(pilot)
        secrets_cursor_to(pilot, "db-password")
        await pilot.press("b")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, DownloadBackupDialog)
        dialog.query_one("#backup-path", Input).value = str(target)
        await pilot.click("#ok")
        await settle(pilot)
        assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
        assert FAKE_TEXT not in target.read_text()

        secrets_cursor_to(pilot, "db-password")
        await pilot.press("x")
        await settle(pilot)
        delete = app.screen
        await pilot.click("#mode-now")
        await pilot.click("#confirm-name")
        await pilot.press(*"db-password")
        await pilot.pause()
        assert delete.query_one("#mode-now", RadioButton).value
        await pilot.click("#ok")
        await settle(pilot)
        with pytest.raises(DewError) as err:
            eng.csms.show_secret("db-password")
        assert err.value.code == "CSMS.0106"

        await pilot.press("R")
        await settle(pilot)
        restore = app.screen
        assert isinstance(restore, RestoreBackupDialog)
        restore.query_one("#restore-path", Input).value = str(target)
        await pilot.click("#ok")
        await settle(pilot)
        assert eng.csms.show_secret("db-password").state == "ENABLED"
        assert _versions(eng, "db-password") == {"v2": {"SYSCURRENT"}, "v1": {"SYSPREVIOUS", "STAGING"}}
        assert eng.csms.show_secret_version("db-password", "v1").secret_string == FAKE_TEXT
        assert "Restored secret db-password" in toasts(app)

        await pilot.press("R")  # restoring again over the existing name is refused
        await settle(pilot)
        app.screen.query_one("#restore-path", Input).value = str(target)
        await pilot.click("#ok")
        await settle(pilot)
        assert any(t.startswith("CSMS.0002") for t in toasts(app))


async def test_tag_search_and_filters(app, eng, clock):
    populate_secrets(eng, clock)
    async with app.run_test(size=SIZE) as pilot:
        await goto_secrets(pilot)
        screen = app.screen
        assert screen.page.total == 4
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, TagSearchDialog)
        await pilot.press(*"env", "tab", *"prod")
        await pilot.click(".kv-add")
        await pilot.press(*"team", "tab", *"payments", "ctrl+s")
        await settle(pilot)
        assert [s.name for s in screen.page.secrets] == ["db-password"]
        await pilot.press("T")
        await settle(pilot)
        assert screen.page.total == 4
        await pilot.press("slash", *"token")
        await settle(pilot)
        assert [s.name for s in screen.page.secrets] == ["rotating-token"]


async def test_wizard_kv_value_custom_key_and_rotation(app, eng, clock):
    keys = populate_secrets(eng, clock)
    async with app.run_test(size=SIZE) as pilot:
        await goto_secrets(pilot)
        await pilot.press("n")
        await settle(pilot)
        wizard = app.screen
        key_select = wizard.query_one("#secret-key", Select)
        offered = [v for _l, v in key_select._options if isinstance(v, str)]
        assert offered == ["csms/default", keys["app_key"].key_id]  # Enabled AES keys only
        key_select.value = keys["app_key"].key_id
        await pilot.press(*"svc-login", "ctrl+n")
        await settle(pilot)
        wizard.query_one("#value-kind", Select).value = "kv"
        await pilot.pause()
        await pilot.click("#value-kv .kv-key")
        await pilot.press(*"user", "tab", *"demo", "ctrl+n", "ctrl+n")
        await settle(pilot)
        await pilot.click("#rot-enabled")
        wizard.query_one("#rot-period", Input).value = "1h"  # too short
        await pilot.press("ctrl+n")
        assert wizard.step == 3 and "6 hours" in str(wizard.query_one("#errors").render())
        wizard.query_one("#rot-period", Input).value = "12h"
        await pilot.press("ctrl+n", "ctrl+n")
        await settle(pilot)
        s = eng.csms.show_secret("svc-login")
        assert s.kms_key_id == keys["app_key"].key_id and s.auto_rotation and s.rotation_period == "12h"
        assert eng.csms.show_secret_version("svc-login").secret_string == '{"user": "demo"}'
