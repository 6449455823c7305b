"""Key state changes shared by the keys list and the key detail screen.

Ask (dialog) → call the engine (worker) → report (toast) → refresh the caller. Several keys
always go through the engine's batch calls, which run each key as its own audited call and
return one outcome per key, so a partial failure is reported key by key.
"""
from __future__ import annotations

from typing import Callable, Sequence

from dewtui.keys.requests import KeyRef, ScheduleDeletionRequest, StateChangeRequest

BATCH_CALLS = {"enable": "batch_enable_keys", "disable": "batch_disable_keys",
               "cancel_deletion": "batch_cancel_key_deletion"}
VERBS = {"enable": "Enabled", "disable": "Disabled", "cancel_deletion": "Cancelled deletion of",
         "schedule_deletion": "Scheduled deletion of"}


def _plural(n: int) -> str:
    return f"{n} key" + ("" if n == 1 else "s")


def report(app, verb: str, keys: Sequence[KeyRef], outcomes) -> None:
    """One toast for the successes; refusals go through the app's one error path."""
    from engine import DewError
    names = {k.key_id: k.alias for k in keys}
    ok = [o for o in outcomes if o.ok]
    if ok:
        what = names[ok[0].key_id] if len(ok) == 1 else _plural(len(ok))
        app.notify(f"{verb} {what}", severity="information", timeout=4)
    for o in outcomes:
        if not o.ok:
            app.show_error(DewError(o.error_code, f"{names.get(o.key_id, o.key_id)}: {o.error_msg}"))


def ask_state_change(screen, action: str, keys: Sequence[KeyRef], after: Callable[[], None]) -> None:
    """Confirm enable / disable / cancel deletion over `keys`, then run it."""
    from dewtui.keys.state_dialog import ConfirmKeysDialog

    def go(req: StateChangeRequest | None) -> None:
        if req is None:
            return
        ids = [k.key_id for k in req.keys]
        call = getattr(screen.engine.kms, BATCH_CALLS[req.action])
        screen.call_engine(lambda: call(ids), label=req.action,
                           done=lambda out: (report(screen.app, VERBS[req.action], req.keys, out), after()))

    screen.app.push_screen(ConfirmKeysDialog(action, tuple(keys)), go)


def ask_schedule_deletion(screen, keys: Sequence[KeyRef], after: Callable[[], None]) -> None:
    """Deletion dialog; for a single key the deletion risk is fetched first and shown."""
    from dewtui.keys.delete_dialog import DeleteKeysDialog

    def go(req: ScheduleDeletionRequest | None) -> None:
        if req is None:
            return
        ids = [k.key_id for k in req.keys]
        kms = screen.engine.kms
        screen.call_engine(lambda: kms.batch_schedule_key_deletion(ids, pending_days=req.pending_days),
                           label="schedule deletion",
                           done=lambda out: (report(screen.app, VERBS["schedule_deletion"], req.keys, out), after()))

    def show(risk) -> None:
        screen.app.push_screen(DeleteKeysDialog(tuple(keys), risk), go)

    if len(keys) == 1:
        key_id = keys[0].key_id
        screen.call_engine(lambda: screen.engine.kms.deletion_risk(key_id), label="deletion risk",
                           done=show, failed=lambda _e: None)
    else:
        show(None)
