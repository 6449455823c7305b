"""What a keystroke in the keys filter asks of the engine: the list's page, not the account's
quotas again (they do not depend on the filter, and counting them looks at every key), while
the quota line stays as it was; a refresh still counts them."""
from __future__ import annotations

from ui.helpers import SIZE, record_calls, settle


async def test_typing_in_the_filter_lists_keys_without_recounting_the_quotas(app, eng, monkeypatch):
    for alias in ("alpha", "alpine", "beta"):
        eng.kms.create_key(alias)
    quotas = record_calls(monkeypatch, eng.kms, "user_quotas")
    lists = record_calls(monkeypatch, eng.kms, "list_keys")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        line = str(app.screen.query_one("#quota").render())
        assert line.startswith("quota: keys 3/")
        counted, listed = len(quotas), len(lists)
        await pilot.press("slash", *"alp")
        await settle(pilot)
        assert [k.key_alias for k in app.screen.page.keys] == ["alpha", "alpine"]
        assert [c.get("search") for c in lists[listed:]][-1] == "alp"
        assert len(quotas) == counted
        await pilot.press(*"zz")  # nothing matches: the quota line is still the account's
        await settle(pilot)
        assert app.screen.page.keys == ()
        assert str(app.screen.query_one("#quota").render()) == line
        assert len(quotas) == counted
        await pilot.press("enter", "s")  # a sort change: the list only
        await settle(pilot)
        assert len(quotas) == counted
        await pilot.press("r")  # a refresh counts them again
        await settle(pilot)
        assert len(quotas) == counted + 1
        assert str(app.screen.query_one("#quota").render()) == line
