"""The header shows every area with its number key and marks the current one (on lists and
on detail screens alike); the areas come from the registry, so a new one appears by itself.
The footer shows `? Help` first, so a narrow terminal never cuts it."""
from __future__ import annotations

from dataclasses import replace

from textual.widgets import Static
from textual.widgets._footer import FooterKey

from dewtui.shell import areas
from dewtui.widgets.area_header import AreaHeader
from ui.helpers import make_app, settle, snap


def header(app) -> AreaHeader:
    return app.screen.query_one(AreaHeader)


def header_text(app) -> str:
    return str(header(app).query_one("#area-tabs", Static).render())


async def test_header_names_every_area_and_marks_the_current_one(events_eng):
    app = make_app(events_eng)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        text = header_text(app)
        assert [f"{a.key} {a.title}" in text for a in areas.AREAS] == [True] * len(areas.AREAS)
        assert header(app).current == "keys"
        for area in areas.AREAS:
            await pilot.press(area.key)
            await settle(pilot)
            assert header(app).current == area.id
        await pilot.press("2", "enter")  # a secret's detail screen still says "Secrets"
        await settle(pilot)
        assert type(app.screen).__name__ == "SecretDetailScreen"
        assert header(app).current == "secrets"
        assert "admin" in str(header(app).query_one("#header-session", Static).render())


async def test_a_new_area_appears_in_the_header(keys_eng, monkeypatch):
    extra = replace(areas.AREAS[0], id="extra", title="Extra", key="9")
    monkeypatch.setattr(areas, "AREAS", areas.AREAS + (extra,))
    app = make_app(keys_eng)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert "9 Extra" in header_text(app)


async def test_footer_shows_help_first_at_80_columns(keys_eng):
    app = make_app(keys_eng)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        first = next(iter(app.screen.query(FooterKey)))
        assert first.action == "help" and first.region.x < 80 and first.region.width


def test_header_at_80x24(snap_compare, events_eng):
    assert snap(snap_compare, events_eng, "2", size=(80, 24))


def test_header_on_a_detail_screen_wide(snap_compare, events_eng):
    assert snap(snap_compare, events_eng, "2", "enter", size=(160, 30))
