"""Snapshot helpers shared by the issue-3 snapshot tests (import, rotation, grants, principal).

A populated deterministic engine (FrozenClock, SeededRng, fixed EC material, as the keys
snapshots), HOME pointed at a fixed-name folder so paths show as `~/dew-import/<key id>`,
and `snap(...)` running steps (key presses or coroutines) before the SVG is taken.
"""
from __future__ import annotations

from ui.fixtures import fixed_ec_material, populate
from ui.helpers import settle, snap  # noqa: F401  (snap is used by the issue-3 snapshot files)


def populated(eng, monkeypatch, tmp_path):
    monkeypatch.setattr("engine.kms.lifecycle.generate_material", fixed_ec_material)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    keys = populate(eng)
    eng.iam.create_user("bob")
    eng.iam.create_user("carol", domain="partner")
    return keys


def row(alias: str):
    async def go(pilot):
        screen = pilot.app.screen
        aliases = [k.key_alias for k in screen.page.keys]
        screen.query_one("#keys").move_cursor(row=aliases.index(alias), animate=False)
    return go


def open_tab(alias: str, tab: str):
    async def go(pilot):
        await row(alias)(pilot)
        await pilot.press("enter")
        await settle(pilot)
        pilot.app.screen.action_show_tab(tab)
    return go


def click(selector: str):
    async def go(pilot):
        await pilot.click(selector)
    return go
