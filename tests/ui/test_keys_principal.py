"""Pilot tests: a change of acting user never leaves the previous user's keys on screen, and
the key detail shows its frame before the key has been read."""
from __future__ import annotations

from dewtui.keys.detail import KeyDetailScreen
from dewtui.keys.screen import KeysScreen
from ui.helpers import SIZE, Gate, settle


def _status(app) -> str:
    return str(app.screen.query_one("#status").render())


async def test_keys_list_forgets_rows_when_a_user_without_rights_acts(app, eng):
    eng.iam.create_user("bob")
    eng.kms.create_key("app/pay")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, KeysScreen) and screen.query_one("#keys").row_count == 1
        app.act_as(eng.as_user("bob"))
        await settle(pilot)
        assert screen.query_one("#keys").row_count == 0
        assert screen.page is None and screen.current() is None
        assert _status(app).startswith("KMS.0306") and "no keys shown" in _status(app)
        await pilot.press("enter")  # nothing to open
        await settle(pilot)
        assert app.screen is screen
        app.act_as(eng)
        await settle(pilot)
        assert screen.query_one("#keys").row_count == 1


async def test_keys_list_under_a_detail_forgets_rows_of_the_previous_user(app, eng):
    eng.iam.create_user("bob")
    eng.kms.create_key("app/pay")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys = app.screen
        await pilot.press("enter")
        await settle(pilot)
        app.act_as(eng.as_user("bob"))  # the keys list is not visible: it hears nothing
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is keys and keys.query_one("#keys").row_count == 0
        assert _status(app).startswith("KMS.0306")


async def test_key_detail_is_read_again_as_the_new_user(app, eng):
    eng.iam.create_user("bob")
    key = eng.kms.create_key("app/pay")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, KeyDetailScreen) and detail.tabs_shown()
        detail.action_show_tab("grants")
        app.act_as(eng.as_user("bob"))
        await settle(pilot)
        assert not detail.tabs_shown()
        assert "KMS.0306" in str(detail.query_one("#key-empty").render())
        assert "app/pay" not in str(detail.query_one("#key-title").render())
        assert key.key_id in str(detail.query_one("#key-title").render())
        app.act_as(eng)
        await settle(pilot)
        assert detail.tabs_shown() and "app/pay" in str(detail.query_one("#key-title").render())
        assert detail.query_one("#key-tabs").active == "tab-grants"  # the tab shown before


async def test_key_detail_frame_shows_before_the_key_is_read(app, eng, monkeypatch):
    eng.kms.create_key("app/pay")
    release = Gate()
    describe = type(eng.kms).describe_key

    def slow_describe(self, key_id):
        release.wait()
        return describe(self, key_id)

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        monkeypatch.setattr(type(eng.kms), "describe_key", slow_describe)
        await pilot.press("enter")
        for _ in range(5):
            await pilot.pause()
        detail = app.screen
        assert isinstance(detail, KeyDetailScreen)
        assert not detail.tabs_shown()
        assert "Loading app/pay" in str(detail.query_one("#key-empty").render())
        release.open()
        await settle(pilot)
        assert detail.tabs_shown() and not detail.query_one("#key-empty").display
