"""What keeps the TUI's start short without changing what it shows: the footer keeps its keys
while the bindings it shows stay the same, the garbage collector paused for the start runs
again once the first page is on screen."""
from __future__ import annotations

import gc

from textual.widgets import Input
from textual.widgets._footer import FooterKey

from dewtui.shell import gc_pause
from ui.helpers import SIZE, make_app, settle


def footer_keys(app) -> list[FooterKey]:
    return list(app.screen.query(FooterKey))


async def test_footer_keeps_its_keys_while_the_bindings_stay_the_same(keys_eng):
    app = make_app(keys_eng)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = footer_keys(app)
        for _ in range(3):  # e.g. a dialog pushed and popped: the same keys again
            app.screen.refresh_bindings()
        await settle(pilot)
        after = footer_keys(app)
        assert [k.action for k in before] == [k.action for k in after]
        assert all(a is b for a, b in zip(before, after)) and len(after) == len(before)


async def test_footer_shows_the_keys_of_the_newly_focused_widget(keys_eng):
    app = make_app(keys_eng)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "select_cursor" in [k.action for k in footer_keys(app)]  # the table's enter: Open
        app.screen.query_one("#search", Input).focus()
        await settle(pilot)
        assert "select_cursor" not in [k.action for k in footer_keys(app)]


async def test_a_paused_collector_runs_again_once_the_first_page_is_shown(keys_eng):
    gc_pause.pause()
    try:
        assert not gc.isenabled()
        app = make_app(keys_eng)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert app.after_first_page is None  # the first page was shown
            assert gc.isenabled()
    finally:
        gc_pause.resume()
        gc.enable()
        gc.unfreeze()


def test_resume_leaves_a_collector_it_did_not_pause_as_it_is():
    gc.disable()
    try:
        gc_pause.resume()
        assert not gc.isenabled()
    finally:
        gc.enable()
