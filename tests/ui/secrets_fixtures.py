"""Deterministic secrets for the Secrets area's UI tests (values are obviously fake)."""
from __future__ import annotations

from datetime import timedelta

from textual.widgets import DataTable

FAKE_TEXT = "fake-db-password-1"
FAKE_PAIRS = {"username": "demo-user", "password": "fake-pass-123"}


def populate_secrets(eng, clock) -> dict:
    """Secrets in every state, two keys, a project, tags, stages and rotation."""
    kms, csms = eng.kms, eng.csms
    kms.create_enterprise_project("finance")
    app_key = kms.create_key("app/secrets", key_description="seals the app's secrets")
    old_key = kms.create_key("old-secrets")
    kms.create_key("signing", key_spec="EC_P256", key_usage="SIGN_VERIFY")  # never offered for secrets
    csms.create_secret("db-password", secret_string=FAKE_TEXT, description="orders database",
                       tags={"env": "prod", "team": "payments"})
    clock.advance(timedelta(hours=1))
    csms.create_secret_version("db-password", secret_string="fake-db-password-2")
    csms.update_secret_stage("db-password", "STAGING", "v1")
    clock.advance(timedelta(hours=1))
    csms.create_secret("api-credentials", secret_string=FAKE_PAIRS, kms_key_id=app_key.key_id,
                       enterprise_project_id="finance", tags={"env": "prod"})
    clock.advance(timedelta(hours=1))
    csms.create_secret("rotating-token", secret_string="fake-token-0", kms_key_id=old_key.key_id,
                       rotation={"rotation_period": "30d", "generator": {"type": "password", "length": 24}})
    kms.disable_key(old_key.key_id)
    clock.advance(timedelta(hours=1))
    csms.create_secret("legacy-cert", secret_string="fake-certificate")
    csms.schedule_secret_deletion("legacy-cert", 14)
    clock.advance(timedelta(hours=1))
    return {"app_key": app_key, "old_key": old_key}


async def goto_secrets(pilot) -> None:
    from ui.helpers import settle
    await settle(pilot)
    await pilot.press("2")
    await settle(pilot)


def cursor_to(pilot, name: str) -> None:
    screen = pilot.app.screen
    names = [s.name for s in screen.page.secrets]
    screen.query_one("#secrets", DataTable).move_cursor(row=names.index(name), animate=False)
