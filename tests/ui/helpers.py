"""UI test helpers: the app on a test engine, waiting until it has settled, its toasts,
and `snap(...)` for SVG snapshots."""
from __future__ import annotations

import asyncio
import threading
from time import monotonic

import textual._wait
from textual._context import active_app
from textual.message_pump import MessagePump
from textual.pilot import Pilot
from textual.worker import WorkerCancelled, WorkerState

from dewtui.shell.app import DewApp

SIZE = (120, 40)
LOCATION = "~/.local/share/dewtui/dew.db"  # fixed: the real tmp path varies per run
SETTLE_ROUNDS = 5000  # a bound, never reached by an app that settles: each round waits for work
# A settled app found nothing to do this many rounds in a row, each round a layout pass: a layout
# pass can still post a message that starts work (a paged table learning its height asks for
# its first page), which the next round sees queued.
QUIET_ROUNDS = 2


def track_waiting_pumps(monkeypatch) -> None:
    """Have every message pump (the app, each screen and widget) mark when it waits for its
    next message: one that does not is handling a message, its idle event or its after-message
    callbacks, however long that takes (a handler can await a thread)."""
    real_get_message = MessagePump._get_message

    async def get_message(self):
        self._waits_for_message = True
        try:
            return await real_get_message(self)
        finally:
            self._waits_for_message = False

    monkeypatch.setattr(MessagePump, "_get_message", get_message)


BUSY_SPINS = 3  # rounds that only yield to the event loop before each further one sleeps 1 ms


def _handling_a_message(node) -> bool:
    """Has this node (the app, a screen, a widget) a message queued or under way, or a
    callback due after one? A handler awaiting a thread counts: its pump is not waiting for
    its next message (track_waiting_pumps)."""
    return not node._closed and (not node._message_queue.empty() or node._pending_message is not None
                                 or bool(node._next_callbacks) or getattr(node, "_waits_for_message", True) is False)


def _handling_messages(app) -> bool:
    return bool(app._batch_count) or any(_handling_a_message(node) for node in (app, *app._registry))


class Gate:
    """Stands in for a slow engine call: the thread calling through it is held until the test
    opens the gate. A held thread does nothing until then, so the UI's idle waits (a typed
    key, a pause) do not wait for the workers held here, as they would for working ones."""

    _lock = threading.Lock()
    held = 0  # threads held at any gate now (tests run one at a time in a process)

    def __init__(self) -> None:
        self._opened = threading.Event()

    def wait(self) -> None:
        with Gate._lock:
            Gate.held += 1
        try:
            self._opened.wait(timeout=30)
        finally:
            with Gate._lock:
                Gate.held -= 1

    def open(self) -> None:
        self._opened.set()


def idle_waits_follow_the_app(monkeypatch) -> None:
    """Textual waits for "idle" (after each typed key, in every pause) by sleeping in slices
    until the process's CPU time stops advancing: at least one slice of dead time per wait,
    thousands of them in a run. Here that wait ends as soon as the app itself has no worker
    running and no message queued or under way, found by yielding to the event loop (1 ms
    sleeps only while something is still going on, so threads get their turn); bounded by
    the same `max_sleep`. Workers held at a test's `Gate` do not count as running. Outside
    an app's context the slices remain, 2 ms each."""
    sliced = textual._wait.wait_for_idle

    async def wait_for_idle(min_sleep: float = 0.0, max_sleep: float = 1.0) -> None:
        app = active_app.get(None)
        if app is None or not app.is_running:
            await sliced(0.002, max_sleep)
            return
        deadline = monotonic() + max_sleep
        spins = 0
        while monotonic() < deadline:
            await asyncio.sleep(0.001 if spins >= BUSY_SPINS else 0)
            spins += 1
            running = sum(not w.is_finished for w in app.workers)
            if running > Gate.held or _handling_messages(app):
                continue
            return

    monkeypatch.setattr("textual._wait.SLEEP_GRANULARITY", 0.002)
    monkeypatch.setattr("textual._wait.SLEEP_IDLE", 0.001)
    for module in ("textual.app", "textual.pilot"):
        monkeypatch.setattr(f"{module}.wait_for_idle", wait_for_idle)


KEY_ROUNDS = 5000  # a bound, never reached: the app takes a held key within KEY_WAIT_LIMIT


def press_returns_once_keys_are_taken(monkeypatch) -> None:
    """Pilot.press returns once the app holds none of the typed keys (it hands them to its
    widgets one at a time): Textual ends a press when the process looks idle (its CPU time
    against the wall clock), which a busy machine can fake with keys still held, and the
    test's next step (a click) would overtake them."""
    real_press = Pilot.press

    async def press(self, *keys: str) -> None:
        await real_press(self, *keys)
        app = self.app
        for _ in range(KEY_ROUNDS):
            if not app.is_running or (not getattr(app, "held_keys", None)
                                      and getattr(app, "key_in_flight", None) is None):
                return
            await self.pause()
        raise AssertionError(f"the app still holds the keys {app.held_keys}")

    monkeypatch.setattr(Pilot, "press", press)


def _busy_nodes(app) -> list:
    """The app's nodes with a message queued or under way, or a callback due after one; the
    screen itself when a layout, repaint or after-refresh callback is still to come."""
    screen = app.screen
    busy = [node for node in (app, *app._registry) if _handling_a_message(node)]
    if (app._batch_count or screen._layout_required or screen._scroll_required
            or screen._repaint_required or screen._dirty_widgets or screen._recompose_required
            or screen._callbacks):
        busy.append(screen)
    return busy


async def settle(pilot: Pilot) -> None:
    """Wait until the app has nothing pending: every worker finished (an exclusive worker
    cancelled by a newer one counts as finished), every message posted so far handled, no
    animation scheduled, no typed key still held by the app (it hands keys out one at a time);
    done once QUIET_ROUNDS rounds in a row, each ending in a layout pass, found nothing queued
    or under way anywhere in the app."""
    app = pilot.app
    quiet_rounds = 0
    for _ in range(SETTLE_ROUNDS):
        await pilot.pause()  # what the screen has queued handled, then a layout pass
        await app.animator.wait_until_complete()
        if getattr(app, "held_keys", None) or getattr(app, "key_in_flight", None) is not None:
            quiet_rounds = 0  # typed keys still queued by the app: the next round's pause waits
            continue
        running = [w for w in app.workers if not w.is_finished]
        if running:
            quiet_rounds = 0
            for worker in running:
                if worker.state is WorkerState.PENDING:
                    continue  # not started yet: the next round waits for it
                try:
                    await worker.wait()
                except WorkerCancelled:
                    pass
            continue
        if _busy_nodes(app):
            quiet_rounds = 0
            continue
        quiet_rounds += 1
        if quiet_rounds >= QUIET_ROUNDS:
            return
    raise AssertionError(f"the app did not settle: workers {[w.name for w in app.workers if not w.is_finished]}, "
                         f"busy {_busy_nodes(app)}")


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


def record_calls(monkeypatch, service, name: str) -> list[dict]:
    """Record every call of `service.<name>` (its keyword arguments), calling through."""
    real = getattr(service, name)
    calls: list[dict] = []

    def recorded(*args, **kwargs):
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(service, name, recorded)
    return calls


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
