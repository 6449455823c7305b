"""Pilot tests of key search beyond the filter bar: the creation time range and a tag (the
engine's list_keys filters), and the material expiry column when only imported keys show."""
from __future__ import annotations

import base64
from datetime import timedelta

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from textual.widgets import Button, Input, Select

from dewtui.keys.filters_dialog import KeyFiltersDialog
from ui.helpers import SIZE, settle


def _aliases(app) -> list[str]:
    return [k.key_alias for k in app.screen.page.keys]


async def _filters(pilot) -> KeyFiltersDialog:
    await pilot.press("f")
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, KeyFiltersDialog)
    return dialog


async def test_creation_time_range_filters_the_list(app, eng, clock):
    eng.kms.create_key("day-1")
    clock.advance(timedelta(days=1))
    eng.kms.create_key("day-2")
    clock.advance(timedelta(days=1))
    eng.kms.create_key("day-3")
    day2 = (eng.now() - timedelta(days=1)).strftime("%Y-%m-%d")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert _aliases(app) == ["day-1", "day-2", "day-3"]
        dialog = await _filters(pilot)
        dialog.query_one("#created-from", Input).value = day2
        dialog.query_one("#created-to", Input).value = day2  # a date as "to": the whole day
        await pilot.press("enter")
        await settle(pilot)
        assert _aliases(app) == ["day-2"]
        status = str(app.screen.query_one("#status").render())
        assert f"created {day2} 00:00 – {day2} 23:59" in status
        dialog = await _filters(pilot)
        dialog.query_one("#clear-filters", Button).press()
        await settle(pilot)
        assert _aliases(app) == ["day-1", "day-2", "day-3"]


async def test_a_bad_time_is_refused_in_the_dialog(app, eng):
    eng.kms.create_key("k")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dialog = await _filters(pilot)
        dialog.query_one("#created-from", Input).value = "yesterday"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog
        assert "YYYY-MM-DD" in str(dialog.query_one("#errors").render())
        assert dialog.query_one("#created-from").has_class("-invalid")


async def test_tag_filter_with_and_without_a_value(app, eng):
    eng.kms.create_key("prod-a", tags={"env": "prod"})
    eng.kms.create_key("dev-a", tags={"env": "dev"})
    eng.kms.create_key("plain")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dialog = await _filters(pilot)
        dialog.query_one("#filter-tag-key", Input).focus()
        await pilot.press(*"env", "enter")
        await settle(pilot)
        assert _aliases(app) == ["dev-a", "prod-a"]
        dialog = await _filters(pilot)
        dialog.query_one("#filter-tag-value", Input).value = "prod"
        await pilot.press("enter")
        await settle(pilot)
        assert _aliases(app) == ["prod-a"]
        assert "tag env=prod" in str(app.screen.query_one("#status").render())


def _import(eng, key_id: str, expires) -> None:
    params = eng.kms.get_parameters_for_import(key_id)
    public = serialization.load_der_public_key(base64.b64decode(params.public_key))
    wrapped = public.encrypt(b"m" * 32, padding.OAEP(padding.MGF1(hashes.SHA256()), hashes.SHA256(), None))
    eng.kms.import_key_material(key_id, params.import_token, base64.b64encode(wrapped).decode(),
                                expiration_time=expires)


async def test_imported_keys_show_when_their_material_expires(app, eng):
    eng.kms.create_key("generated")
    eng.kms.create_key("byok", origin="external")
    _import(eng, eng.kms.create_key("byok-2", origin="external").key_id, eng.now() + timedelta(days=2))
    expires = (eng.now() + timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#keys")
        assert "origin" in [str(c.value) for c in table.columns]
        app.screen.query_one("#f-origin", Select).value = "external"
        await settle(pilot)
        assert _aliases(app) == ["byok", "byok-2"]
        assert [str(c.value) for c in table.columns][5] == "expires"
        no_material, imported = app.screen.page.keys
        assert str(table.get_cell(no_material.key_id, "expires")) == "—"
        assert str(table.get_cell(imported.key_id, "expires")) == expires
        app.screen.query_one("#f-origin", Select).clear()
        await settle(pilot)
        assert "origin" in [str(c.value) for c in table.columns]


async def test_status_line_shows_the_quotas(app, eng):
    eng.iam.create_user("bob")
    key = eng.kms.create_key("a")
    eng.kms.create_key("b")
    eng.kms.create_grant(key.key_id, "bob", ["encrypt-data"])
    eng.kms.create_grant(key.key_id, "bob", ["decrypt-data"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        quota = str(app.screen.query_one("#quota").render())
        st = eng.settings
        assert quota == f"quota: keys 2/{st.key_quota:,} · grants/key 2/{st.grants_per_key:,}"
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"c", "enter")
        await settle(pilot)
        assert f"keys 3/{st.key_quota:,}" in str(app.screen.query_one("#quota").render())
        app.act_as(eng.as_user("bob"))  # bob may not read the quotas: nothing shown
        await settle(pilot)
        assert str(app.screen.query_one("#quota").render()) == ""
