"""UI test helpers: the app on a test engine, waiting until it has settled, its toasts,
and `snap(...)` for SVG snapshots."""
from __future__ import annotations

from time import monotonic

from textual.pilot import Pilot
from textual.worker import WorkerCancelled, WorkerState

from dewtui.shell.app import DewApp

SIZE = (120, 40)
LOCATION = "~/.local/share/dewtui/dew.db"  # fixed: the real tmp path varies per run
SETTLE_ROUNDS = 500  # a bound, never reached by an app that settles: each round waits for work
# A settled app stayed quiet this long: a layout pass can still post a message that starts
# work (a paged table learning its height asks for its first page) a few idle polls later.
QUIET_SECONDS = 0.05


async def settle(pilot: Pilot) -> None:
    """Wait until the app has nothing pending: every worker finished (an exclusive worker
    cancelled by a newer one counts as finished), every message posted so far handled, no
    animation scheduled, no typed key still held by the app (it hands keys out one at a time);
    done once rounds found nothing to wait for during QUIET_SECONDS."""
    app = pilot.app
    quiet_since = monotonic()
    for _ in range(SETTLE_ROUNDS):
        await pilot.wait_for_scheduled_animations()
        running = [w for w in app.workers if not w.is_finished]
        if getattr(app, "held_keys", None) or getattr(app, "key_in_flight", None) is not None:
            quiet_since = monotonic()  # typed keys still queued by the app: not settled yet
            await pilot.pause(0.01)
            continue
        if not running:
            if monotonic() - quiet_since >= QUIET_SECONDS:
                return
            await pilot.pause()
            continue
        quiet_since = monotonic()
        for worker in running:
            if worker.state is WorkerState.PENDING:
                continue  # not started yet: the next round waits for it
            try:
                await worker.wait()
            except WorkerCancelled:
                pass
    raise AssertionError(f"the app did not settle: {[w.name for w in app.workers if not w.is_finished]}")


def record_toasts(app: DewApp) -> list[str]:
    """Record every notification the app shows, in order, as it calls `notify` (the public
    API): a toast that already expired, or was never rendered, is still seen by the test."""
    shown: list[str] = []
    real_notify = app.notify

    def notify(message, *args, **kwargs):
        shown.append(str(message))
        return real_notify(message, *args, **kwargs)

    notify.shown = shown  # type: ignore[attr-defined]
    app.notify = notify  # type: ignore[method-assign]
    return shown


def make_app(engine, **kwargs) -> DewApp:
    """The app as a user starts it, on `engine`, with its toasts recorded (see `toasts`)."""
    app = DewApp(engine, location=LOCATION, **kwargs)
    record_toasts(app)
    return app


def toasts(app: DewApp) -> list[str]:
    """The text of every toast shown so far, oldest first (the app must come from make_app)."""
    return app.notify.shown  # type: ignore[attr-defined]


def snap(snap_compare, engine, *steps, size: tuple[int, int] = SIZE):
    """Start the app on `engine` in a terminal of `size`, go through `steps` (keys to press,
    or async functions of the pilot), let the app settle after each, and compare the SVG."""
    async def run_before(pilot):
        await settle(pilot)
        for step in steps:
            if isinstance(step, str):
                await pilot.press(step)
            else:
                await step(pilot)
            await settle(pilot)
    return snap_compare(make_app(engine), terminal_size=size, run_before=run_before)
