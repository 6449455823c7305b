"""SVG snapshots of the root key dialogs at 80×24 and 120×36: set, change and remove the
passphrase (and a refusal in the form), the first-start offer, the rotation's typed
confirmation and its progress screen, the unseal screen and its refusal."""
from __future__ import annotations

import pytest
from textual.widgets import Input

from dewtui.keys.screen import first_page_calls
from dewtui.shell.prefetch import Prefetch
from dewtui.shell.rootkey_actions import RootKeyActions
from dewtui.shell.rootkey_dialogs import RotationProgress
from engine import Engine, SeededRng
from ui.helpers import make_app, settle, snap

PASS = "correct horse"
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 36), id="120x36")]


@pytest.fixture
def sealed_file_eng(eng):
    eng.set_root_passphrase(PASS)
    return eng


@pytest.fixture
def sealed_eng(tmp_path, clock):
    home = tmp_path / "sealed"
    Engine.open(home=home, clock=clock, rng=SeededRng(7), passphrase=PASS).close()
    e = Engine.open(home=home, clock=clock, rng=SeededRng(7))
    yield e
    e.close()


def action(name: str):
    async def step(pilot):
        getattr(RootKeyActions(pilot.app), f"action_{name}")()
        await settle(pilot)
    return step


def typed(values: dict[str, str], submit: bool = True):
    async def step(pilot):
        for field_id, value in values.items():
            pilot.app.screen.query_one(f"#{field_id}", Input).value = value
        if submit:
            await pilot.press("ctrl+s")
        await settle(pilot)
    return step


async def rotating(pilot):
    pilot.app.animation_level = "none"  # the loading indicator draws still text
    pilot.app.push_screen(RotationProgress())
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES)
def test_set_passphrase_dialog(snap_compare, eng, size):
    assert snap(snap_compare, eng, action("change_root_passphrase"), size=size)


@pytest.mark.parametrize("size", SIZES)
def test_set_passphrase_dialog_mismatch(snap_compare, eng, size):
    assert snap(snap_compare, eng, action("change_root_passphrase"),
                typed({"new": "one", "repeat": "two"}), size=size)


@pytest.mark.parametrize("size", SIZES)
def test_change_passphrase_dialog(snap_compare, sealed_file_eng, size):
    assert snap(snap_compare, sealed_file_eng, action("change_root_passphrase"), size=size)


@pytest.mark.parametrize("size", SIZES)
def test_remove_passphrase_dialog(snap_compare, sealed_file_eng, size):
    assert snap(snap_compare, sealed_file_eng, action("remove_root_passphrase"), size=size)


@pytest.mark.parametrize("size", SIZES)
def test_rotate_dialog(snap_compare, eng, size):
    assert snap(snap_compare, eng, action("rotate_root_key"), size=size)


@pytest.mark.parametrize("size", SIZES)
def test_rotate_dialog_not_confirmed(snap_compare, eng, size):
    assert snap(snap_compare, eng, action("rotate_root_key"), typed({"confirm-word": "yes"}), size=size)


@pytest.mark.parametrize("size", SIZES)
def test_rotation_progress(snap_compare, eng, size):
    assert snap(snap_compare, eng, rotating, size=size)


@pytest.mark.parametrize("size", SIZES)
def test_first_start_dialog(snap_compare, eng, size):
    # started as `dewtui` starts it, the first page and the quotas read ahead: the dialog comes
    # once that page is painted, and the quotas, counted by a worker of their own otherwise,
    # might land under the dialog only after it (a screen under a dialog keeps its last frame)
    prefetch = Prefetch(first_page_calls(eng, size[1]))
    prefetch.wait()

    async def run_before(pilot):
        await settle(pilot)
    assert snap_compare(make_app(eng, offer_passphrase=True, prefetch=prefetch), terminal_size=size,
                        run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_unseal_screen(snap_compare, sealed_eng, size):
    assert snap(snap_compare, sealed_eng, size=size)


@pytest.mark.parametrize("size", SIZES)
def test_unseal_screen_refused(snap_compare, sealed_eng, size):
    async def wrong(pilot):
        await pilot.press(*"wrong", "enter")
        await settle(pilot)
    assert snap(snap_compare, sealed_eng, wrong, size=size)
