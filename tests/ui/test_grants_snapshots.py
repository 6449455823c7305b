"""SVG snapshots of the Grants tab, the create-grant dialog and the revoke confirmation."""
from __future__ import annotations

import pytest
from textual.widgets import Checkbox, Input

from ui.helpers import snap
from ui.pilot_steps import click, open_tab


@pytest.fixture
def data_eng(keys_and_users_eng):
    eng = keys_and_users_eng
    orders = eng.sample_keys["orders"].key_id
    eng.kms.create_grant(orders, "bob", ["encrypt-data", "decrypt-data"], name="orders-app")
    eng.kms.create_grant(orders, "partner", ["describe-key", "create-datakey", "decrypt-datakey"],
                         grantee_principal_type="domain", retiring_principal="carol")
    return eng


def test_grants_tab(snap_compare, data_eng):
    assert snap(snap_compare, data_eng, open_tab("app/orders", "grants"))


def test_grants_tab_empty(snap_compare, data_eng):
    assert snap(snap_compare, data_eng, open_tab("ledger", "grants"))


def test_create_grant_dialog(snap_compare, data_eng):
    async def fill(pilot):
        dialog = pilot.app.screen
        await pilot.press(*"bob")
        for op in ("encrypt-datakey", "decrypt-datakey", "retire-grant"):
            dialog.query_one(f"#op-{op}", Checkbox).value = True
        dialog.query_one("#grant-name", Input).value = "batch-jobs"
    assert snap(snap_compare, data_eng, open_tab("app/orders", "grants"), click("#grant-create"), fill)


def test_revoke_grant_confirm(snap_compare, data_eng):
    assert snap(snap_compare, data_eng, open_tab("app/orders", "grants"), click("#grant-revoke"))
