"""The root key's flows in the TUI: the command palette's "Seal now", "Change root
passphrase…", "Remove root passphrase…" and "Rotate root key…", and the first-start offer.

`RootKeyActions(app)` is an action namespace the palette lists beside the screen's and the
app's (dewtui.shell.commands): its `PALETTE` entries run its `action_*` methods. Every engine
call goes through `app.call_engine` (a worker), acting as the app's current principal, so a
user who may not change the root key sees the engine's refusal. Sealing stops nothing but
the engine: the unseal screen covers the app until the passphrase is given again (or quits).
"""
from __future__ import annotations

from typing import Any

from dewtui.shell import rootkey_settings
from dewtui.shell.rootkey_dialogs import (FirstStartChoice, FirstStartDialog, PassphraseDialog,
                                          PassphraseRequest, RotateRootKeyDialog, RotationProgress)
from dewtui.shell.unseal import UnsealDialog


class RootKeyActions:
    """Palette namespace for the root key (not a widget: Textual only needs the methods)."""

    PALETTE = [
        ("Seal now", "seal_now", "drop the root key from memory until its passphrase is given again"),
        ("Change root passphrase…", "change_root_passphrase", "set or change the root key's passphrase"),
        ("Remove root passphrase…", "remove_root_passphrase", "store the root key without a passphrase"),
        ("Rotate root key…", "rotate_root_key", "a new root key for everything sealed (typed confirmation)"),
    ]

    def __init__(self, app: Any) -> None:
        self.app = app

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool:
        return not self.app.engine.sealed

    # --- seal now ---------------------------------------------------------------------
    def action_seal_now(self) -> None:
        self.app.call_engine(self.app.engine.seal_now, done=lambda _r: show_unseal(self.app),
                             success="Sealed: the root key is no longer in memory", label="seal now")

    # --- passphrase -------------------------------------------------------------------
    def action_change_root_passphrase(self) -> None:
        engine = self.app.engine
        mode = "change" if engine.root_passphrase_set else "set"

        def change(req: PassphraseRequest) -> bool:
            engine.set_root_passphrase(req.new, current=req.current)
            return True

        def changed(ok: bool | None) -> None:
            if ok:
                self.app.notify("Root key passphrase changed" if mode == "change" else
                                "Root key sealed under the passphrase")

        dialog = PassphraseDialog(mode).checked_by(change, label="set root passphrase")
        self.app.push_screen(dialog, changed)

    def action_remove_root_passphrase(self) -> None:
        engine = self.app.engine
        if not engine.root_passphrase_set:
            self.app.notify("The root key has no passphrase to remove.", severity="warning")
            return

        def remove(req: PassphraseRequest) -> bool:
            engine.remove_root_passphrase(req.current)
            return True

        def removed(ok: bool | None) -> None:
            if ok:
                self.app.notify("Root key passphrase removed")

        self.app.push_screen(PassphraseDialog("remove").checked_by(remove, label="remove root passphrase"),
                             removed)

    # --- rotation ---------------------------------------------------------------------
    def action_rotate_root_key(self) -> None:
        self.app.push_screen(RotateRootKeyDialog(), self._rotate_confirmed)

    def _rotate_confirmed(self, confirmed: bool | None) -> None:
        if not confirmed:
            return
        progress = RotationProgress()
        self.app.push_screen(progress)
        scheduler_was_on = self.app.scheduler_bridge is not None
        self.app.stop_scheduler()  # no due work under the old key while the root changes

        def finished(_result: Any = None) -> None:
            if scheduler_was_on:
                self.app.start_scheduler()
            if progress.is_attached:
                progress.dismiss()

        def done(result: Any) -> None:
            finished()
            self.app.act_as(self.app.engine)  # visible screens read again under the new root

        self.app.call_engine(self.app.engine.rotate_root_key, done=done, failed=finished,
                             success=rotation_summary, label="rotate root key")


def rotation_summary(result: Any) -> str:
    return (f"Root key rotated: {result.resealed} sealed values and {result.restamped} rows under "
            f"the new key, {result.traces} audit traces re-chained. Save the new audit head "
            f"{result.audit_head}")


def show_unseal(app: Any) -> None:
    """Cover the app with the unseal screen; the app carries on once unsealed, quits otherwise."""
    def unsealed(passphrase: str | None) -> None:
        if passphrase is None:
            app.exit(1)
            return
        app.act_as(app.engine)  # reload what is shown, count unread again

    app.push_screen(UnsealDialog(), unsealed)


def offer_root_passphrase(app: Any) -> None:
    """At start: offer a passphrase while the root key has none, unless told never to."""
    engine = app.root_engine
    if engine.sealed or engine.root_passphrase_set or not rootkey_settings.offer_passphrase(engine.home):
        return

    def answered(choice: FirstStartChoice | None) -> None:
        if choice is None:
            return
        if choice.never_ask:
            rootkey_settings.never_offer_passphrase(engine.home)
        if choice.passphrase is not None:
            passphrase = choice.passphrase
            app.call_engine(lambda: engine.set_root_passphrase(passphrase),
                            success="Root key sealed under the passphrase", label="set root passphrase")

    app.push_screen(FirstStartDialog(), answered)
