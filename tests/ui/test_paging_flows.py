"""Paging through a long list: home/g and end/G reach the first and last database page,
pageup/pagedown move a page at a time, and the status line says which page is shown."""
from __future__ import annotations

from ui.helpers import SIZE, make_app, settle

BULK = 10_000


def seed_keys(eng, n: int = BULK) -> list[str]:
    """`n` keys written straight to the database (creating them one by one takes minutes);
    key ids run in another order than aliases, so the list's order is the alias order.
    Returns the aliases in the list's order (alias, ascending)."""
    from engine.models.kms import Cmk
    domain = eng.principal.domain_id
    aliases = []
    with eng.context.db.session() as s:
        for i in range(n):
            alias = f"bulk-{(i * 7919) % n:05d}"
            aliases.append(alias)
            s.add(Cmk(key_id=f"{i:08x}-0000-4000-8000-000000000000", domain_id=domain,
                      key_alias=alias, key_spec="AES_256", key_usage="ENCRYPT_DECRYPT",
                      key_state="3", creation_date=eng.now()))
    return sorted(aliases)


def status(screen) -> str:
    return str(screen.query_one("#status").render())


def cursor_alias(screen) -> str:
    table = screen.query_one("#keys")
    return screen._by_id[table.current_key()].key_alias


async def test_end_and_home_reach_the_last_and_first_page(eng):
    ordered = seed_keys(eng)
    app = make_app(eng)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        pages = -(-BULK // screen.lq.limit)
        assert pages > 2
        assert f"page 1 of {pages}" in status(screen)

        await pilot.press("G")
        await settle(pilot)
        assert cursor_alias(screen) == ordered[-1]
        assert f"page {pages} of {pages}" in status(screen)

        await pilot.press("pageup")
        await settle(pilot)
        assert f"page {pages - 1} of {pages}" in status(screen)

        await pilot.press("g")
        await settle(pilot)
        assert cursor_alias(screen) == ordered[0]
        assert f"page 1 of {pages}" in status(screen)

        await pilot.press("pagedown")
        await settle(pilot)
        assert f"page 2 of {pages}" in status(screen)

        await pilot.press("end")
        await settle(pilot)
        assert cursor_alias(screen) == ordered[-1]
        assert f"page {pages} of {pages}" in status(screen)

        await pilot.press("home")
        await settle(pilot)
        assert cursor_alias(screen) == ordered[0]
        assert f"page 1 of {pages}" in status(screen)


async def test_end_on_the_last_page_stays_there(eng):
    ordered = seed_keys(eng, 100)
    app = make_app(eng)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        pages = -(-100 // screen.lq.limit)
        await pilot.press("G")
        await settle(pilot)
        await pilot.press("G")
        await settle(pilot)
        assert cursor_alias(screen) == ordered[-1]
        assert f"page {pages} of {pages}" in status(screen)
        await pilot.press("pagedown")  # no page after the last: nothing moves
        await settle(pilot)
        assert f"page {pages} of {pages}" in status(screen)
