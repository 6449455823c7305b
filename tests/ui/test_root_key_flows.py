"""Root key flows in the TUI: the palette's Seal now / Change / Remove / Rotate, the
first-start passphrase offer (skippable, "never ask again" remembered), and the unseal
screen (a wrong passphrase refused there without detail)."""
from __future__ import annotations

import json

from textual.widgets import Checkbox, Input, Static

from dewtui.shell import rootkey_settings
from dewtui.shell.commands import palette_entries
from dewtui.shell.rootkey_actions import RootKeyActions
from dewtui.shell.rootkey_dialogs import (FirstStartDialog, PassphraseDialog, RotateRootKeyDialog,
                                          RotationProgress)
from dewtui.shell.unseal import REFUSED, UnsealDialog
from dewtui.keys.screen import KeysScreen
from engine import Engine, SeededRng
from engine.hsm.rootkey import ROOT_KEY_FILE
from ui.helpers import SIZE, make_app, settle, toasts

PASS = "correct horse"
TITLES = ["Seal now", "Change root passphrase…", "Remove root passphrase…", "Rotate root key…"]


def kind(eng) -> str:
    return json.loads((eng.home / ROOT_KEY_FILE).read_text())["kind"]


def refusal_of(screen) -> str:
    return " ".join(str(n.render()) for n in screen.query(".refusal"))


def errors_of(screen) -> str:
    return str(screen.query_one("#errors", Static).render())


async def fill(pilot, values: dict[str, str]) -> None:
    for field_id, value in values.items():
        pilot.app.screen.query_one(f"#{field_id}", Input).value = value
    await pilot.press("ctrl+s")
    await settle(pilot)


async def test_the_palette_lists_the_root_key_actions(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = [e[0] for e in palette_entries(app, app.screen)]
        assert all(t in titles for t in TITLES)


async def test_seal_now_from_the_palette_then_unseal(eng):
    eng.set_root_passphrase(PASS)
    app = make_app(eng)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"Seal now")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert eng.sealed and isinstance(app.screen, UnsealDialog)
        await pilot.press(*"wrong", "enter")
        await settle(pilot)
        assert eng.sealed and isinstance(app.screen, UnsealDialog)
        assert errors_of(app.screen) == REFUSED and app.screen.query_one("#passphrase", Input).value == ""
        await pilot.press(*PASS, "enter")
        await settle(pilot)
        assert not eng.sealed and isinstance(app.screen, KeysScreen)
    codes = [t.code for t in eng.audit.list_traces(trace_name="unsealRootKey")]
    assert sorted(codes) == ["200", "DEW.0002"]


async def test_seal_now_without_a_passphrase_is_refused(app, eng):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        RootKeyActions(app).action_seal_now()
        await settle(pilot)
        assert not eng.sealed and isinstance(app.screen, KeysScreen)
        assert any(t.startswith("DEW.0004") for t in toasts(app))


async def test_set_then_change_the_passphrase(app, eng):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        RootKeyActions(app).action_change_root_passphrase()
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, PassphraseDialog) and dialog.mode == "set"
        await fill(pilot, {"new": PASS, "repeat": "typo"})
        assert app.screen is dialog and "differ" in errors_of(dialog) and kind(eng) == "plain"
        await fill(pilot, {"new": PASS, "repeat": PASS})
        assert kind(eng) != "plain" and "Root key sealed under the passphrase" in toasts(app)
        RootKeyActions(app).action_change_root_passphrase()
        await settle(pilot)
        dialog = app.screen
        assert dialog.mode == "change"
        await fill(pilot, {"current": "wrong", "new": "new words", "repeat": "new words"})
        assert app.screen is dialog  # stays open: the refusal beside the current passphrase
        assert "DEW.0002: wrong passphrase for the root key" in refusal_of(dialog)
        assert dialog.query_one("#new", Input).value == "new words"
        await fill(pilot, {"current": PASS})
        assert "Root key passphrase changed" in toasts(app)
    Engine.open(home=eng.home, rng=SeededRng(2), passphrase="new words").close()


async def test_remove_the_passphrase(eng):
    eng.set_root_passphrase(PASS)
    app = make_app(eng)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        RootKeyActions(app).action_remove_root_passphrase()
        await settle(pilot)
        assert isinstance(app.screen, PassphraseDialog) and app.screen.mode == "remove"
        await fill(pilot, {"current": ""})
        assert "current passphrase" in errors_of(app.screen)
        await fill(pilot, {"current": PASS})
        assert kind(eng) == "plain" and "Root key passphrase removed" in toasts(app)
        RootKeyActions(app).action_remove_root_passphrase()
        await settle(pilot)
        assert isinstance(app.screen, KeysScreen) and "no passphrase to remove" in toasts(app)[-1]


async def test_rotate_needs_the_typed_word_and_runs_with_progress(app, eng, monkeypatch):
    key_id = eng.kms.create_key("kept").key_id
    ct = eng.kms.encrypt_data(key_id, b"hello").cipher_text
    old_fp = eng.context.hsm.fingerprint()
    seen = []
    real = type(eng).rotate_root_key

    def rotate(self):
        seen.append(isinstance(app.screen, RotationProgress))
        return real(self)

    monkeypatch.setattr(type(eng), "rotate_root_key", rotate)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        RootKeyActions(app).action_rotate_root_key()
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, RotateRootKeyDialog)
        await fill(pilot, {"confirm-word": "yes"})
        assert app.screen is dialog and "Type rotate" in errors_of(dialog)
        assert eng.context.hsm.fingerprint() == old_fp
        await fill(pilot, {"confirm-word": "rotate"})
        assert seen == [True] and isinstance(app.screen, KeysScreen)
        assert eng.context.hsm.fingerprint() != old_fp
        assert any(t.startswith("Root key rotated") for t in toasts(app))
    assert eng.kms.decrypt_data(ct).plain_text == b"hello"


async def test_rotate_cancelled_changes_nothing(app, eng):
    old_fp = eng.context.hsm.fingerprint()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        RootKeyActions(app).action_rotate_root_key()
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, KeysScreen) and eng.context.hsm.fingerprint() == old_fp


async def test_rotation_refused_for_a_non_administrator_closes_the_progress(app, eng):
    eng.iam.create_user("bob")
    old_fp = eng.context.hsm.fingerprint()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.act_as(eng.as_user("bob"))
        await settle(pilot)
        RootKeyActions(app).action_rotate_root_key()
        await settle(pilot)
        await fill(pilot, {"confirm-word": "rotate"})
        assert not isinstance(app.screen, RotationProgress)
        assert any(t.startswith("KMS.0306") for t in toasts(app))
    assert eng.context.hsm.fingerprint() == old_fp


# --- first start -----------------------------------------------------------------------------
async def test_first_start_offers_a_passphrase_and_sets_it(eng):
    app = make_app(eng, offer_passphrase=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, FirstStartDialog)
        await fill(pilot, {"new": PASS, "repeat": PASS})
        assert isinstance(app.screen, KeysScreen)
    assert kind(eng) != "plain"


async def test_first_start_skipped_asks_again_next_time(eng):
    app = make_app(eng, offer_passphrase=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, KeysScreen) and kind(eng) == "plain"
    assert rootkey_settings.offer_passphrase(eng.home)
    again = make_app(eng, offer_passphrase=True)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(again.screen, FirstStartDialog)


async def test_first_start_never_ask_again_is_remembered(eng):
    app = make_app(eng, offer_passphrase=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.query_one("#never", Checkbox).value = True
        await pilot.click("#skip")
        await settle(pilot)
        assert isinstance(app.screen, KeysScreen)
    assert not rootkey_settings.offer_passphrase(eng.home)
    assert oct((eng.home / rootkey_settings.SETTINGS_FILE).stat().st_mode & 0o777) == "0o600"
    again = make_app(eng, offer_passphrase=True)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(again.screen, KeysScreen)


async def test_no_offer_when_the_root_key_has_a_passphrase(eng):
    eng.set_root_passphrase(PASS)
    app = make_app(eng, offer_passphrase=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, KeysScreen)


async def test_unseal_at_start_with_an_empty_passphrase_says_so(tmp_path, clock):
    home = tmp_path / "sealed"
    Engine.open(home=home, clock=clock, rng=SeededRng(7), passphrase=PASS).close()
    sealed = Engine.open(home=home, clock=clock, rng=SeededRng(7))
    try:
        app = make_app(sealed)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, UnsealDialog) and "Type the passphrase" in errors_of(app.screen)
            await pilot.press(*PASS, "enter")
            await settle(pilot)
            assert isinstance(app.screen, KeysScreen) and not sealed.sealed
    finally:
        sealed.close()


async def test_rotation_pauses_the_scheduler_and_starts_it_again(eng, monkeypatch):
    app = make_app(eng, scheduler=True)
    during = []
    real = type(eng).rotate_root_key

    def rotate(self):
        during.append(app.scheduler_bridge)
        return real(self)

    monkeypatch.setattr(type(eng), "rotate_root_key", rotate)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.scheduler_bridge is not None
        RootKeyActions(app).action_rotate_root_key()
        await settle(pilot)
        await fill(pilot, {"confirm-word": "rotate"})
        assert during == [None] and app.scheduler_bridge is not None


async def test_a_non_administrator_is_refused_in_the_dialog(app, eng):
    eng.iam.create_user("bob")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.act_as(eng.as_user("bob"))
        await settle(pilot)
        RootKeyActions(app).action_change_root_passphrase()
        await settle(pilot)
        dialog = app.screen
        await fill(pilot, {"new": PASS, "repeat": PASS})
        assert app.screen is dialog and errors_of(dialog).startswith("KMS.0306")
    assert kind(eng) == "plain"
