"""The dewtui App: its session state, one mode per area, global bindings, help, palette, unseal.

The app declares what it holds and is the only one to change it: `engine` (what every screen
calls, acting as `principal`), `principal` and `unread` (both shown in the header), the
engine it was opened with (`root_engine`, the local administrator), and the two helpers it
owns and starts and stops with itself: the inbox watcher (unread count, arrival toasts) and
the scheduler bridge (due work while the TUI is open, opt-in). Switching user goes through
`act_as()`, which tells the visible screens with a `PrincipalChanged` message; they reload
what they show as the new user.

Areas live in `dewtui.shell.areas` (one line each), the engine road in
`dewtui.shell.bridge`. `DewApp(engine=...)` lets tests pass their own Engine;
`run_tui(home)` opens the real one.

Keys are handed out one at a time: the next waits until the previous one was handled and
the top screen has its focus (a dialog says when), so a burst such as `a k 2 tab v 2 enter`
lands in the dialog's fields in order instead of in the screen below.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive, var
from textual.screen import ModalScreen

from dewtui.events.inbox_watch import InboxWatch
from dewtui.shell.areas import AREAS, DEFAULT_AREA, provider_later
from dewtui.shell.bridge import EngineBridge
from dewtui.shell import gc_pause
from dewtui.shell.commands import ActionsProvider
from dewtui.shell.stylesheet import ReparseOnChange
from engine import DewError, Engine

if TYPE_CHECKING:  # the scheduler (APScheduler, the engine's jobs) loads after the first frame
    from dewtui.shell.prefetch import Prefetch
    from dewtui.shell.scheduler_bridge import SchedulerBridge
    from engine.catalog import DueReport

PACKAGE = Path(__file__).parent.parent
# The style cascade, in this order: the shared look of dialogs and fields, then each area's
# own rules (a later sheet wins a tie). Each area keeps its .tcss beside its modules.
STYLESHEETS = ("shell/app.tcss", "widgets/widgets.tcss", "keys/keys.tcss", "secrets/secrets.tcss",
               "events/events.tcss", "audit/audit.tcss", "iam/iam.tcss")

GLOBAL_BINDINGS: list[Binding] = [
    Binding("question_mark", "help", "Help", key_display="?", tooltip="every binding of this screen"),
    Binding("ctrl+p", "command_palette", "Commands", show=False),
    Binding("q", "quit", "Quit", tooltip="leave dewtui"),
    Binding("ctrl+q", "quit", "Quit", show=False, priority=True),
    Binding("ctrl+u", "act_as", "Act as user…", show=False, tooltip="switch the acting principal"),
    Binding("w", "why_refused", "Why was that refused?", show=False,
            tooltip="the permission simulator, on the last refused call"),
] + [Binding(a.key, f"switch_mode('{a.id}')", f"Go to {a.title}", show=False, tooltip=f"the {a.title} area")
     for a in AREAS]


def data_location(engine: Engine) -> str:
    """Where the data lives, for the header: the SQLite file or the (password-free) URL."""
    url = engine.database_url
    if url.startswith("sqlite:///"):
        return url.removeprefix("sqlite:///")
    return url.split("@")[-1] if "@" in url else url


class DewApp(EngineBridge, App):
    """Data Encryption Workshop in the terminal."""

    TITLE = "dewtui"
    CSS_PATH = [PACKAGE / sheet for sheet in STYLESHEETS]
    BINDINGS = GLOBAL_BINDINGS
    MODES = {a.id: a.screen for a in AREAS}
    COMMANDS = (App.COMMANDS | {ActionsProvider, provider_later("dewtui.shell.operations_palette:OperationsProvider")}
                | {p for a in AREAS for p in a.providers})

    engine: var[Engine] = var(None, init=False)  # type: ignore[arg-type]  # what screens call
    principal: reactive[str] = reactive("", init=False)  # the acting user's name
    unread: reactive[int | None] = reactive(None, init=False)  # unread notifications; None = not counted yet
    PALETTE = [("Copy project id", "copy_project_id",
                "the acting account's project id, for the cloud SDKs and dewtui serve")]
    serving: reactive[str] = reactive("", init=False)  # "⇄ URL project ID" while `dewtui serve` runs on this home
    SERVE_POLL = 5.0  # seconds between looks at the server state file

    @dataclass
    class PrincipalChanged(Message):
        """The app acts as another user now: the visible screens reload as that user."""
        principal: str

    @dataclass
    class DueWorkDone(Message):
        """A scheduler pass did something: the visible screens reload."""
        report: DueReport

    def __init__(self, engine: Engine, *, location: str | None = None, scheduler: bool = False,
                 offer_passphrase: bool = False, prefetch: Prefetch | None = None) -> None:
        super().__init__()
        self.stylesheet = ReparseOnChange(variables=self.get_css_variables())  # parsed once at start
        self.held_keys: list[events.Key] = []  # typed while the previous key was handled
        self.key_in_flight: events.Key | None = None  # handed to a widget, not handled yet
        self._key_timer = None
        self.offer_passphrase = offer_passphrase  # first start: offer to seal the root key (opt-in)
        self.root_engine = engine  # the engine the app was opened with (the local administrator)
        self.engine = engine
        self.location = location if location is not None else data_location(engine)
        self.scheduler_wanted = scheduler  # opt-in, so tests stay deterministic
        self.inbox_watch = InboxWatch(self)
        self.scheduler_bridge: SchedulerBridge | None = None
        self.after_first_page: list | None = []  # what waits for the first screen's first page
        self._first_switch = False  # switching to the first area (from Textual's blank screen)
        self.prefetch = prefetch  # the first screen's data, read while the app starts

    # --- lifecycle ---------------------------------------------------------------------
    def on_mount(self) -> None:
        if self.engine.sealed:  # the passphrase is typed: no start to hurry
            gc_pause.resume()
            from dewtui.shell.unseal import UnsealDialog
            self.push_screen(UnsealDialog(), self._unseal)
        else:  # once the app is up: Textual shows no frame while its own start-up runs (a
            self.call_later(self._start)  # first screen built within it is drawn twice)

    def _start(self) -> None:
        self.principal = self.engine.principal.name
        self._show_header()
        self._first_switch = True  # from Textual's blank screen: no frame to hold back
        try:
            self.switch_mode(DEFAULT_AREA)
        finally:
            self._first_switch = False
        self.inbox_watch.start()
        self.look_for_server()
        self.set_interval(self.SERVE_POLL, self.look_for_server, name="serve-watch")
        if self.scheduler_wanted:  # after the first frame, with one pass at once: run_tui opens
            self.call_after_refresh(self.start_scheduler, None, True)  # the engine without it
        if self.offer_passphrase:  # over the keys, once their first page is painted
            self.when_first_page_shown(self._offer_passphrase)

    def delay_update(self, delay: float = 0.05) -> None:
        """Textual holds frames back for `delay` on a mode switch, to hide the screen going
        away; the first switch replaces a blank screen, so its first frame goes out at once."""
        if not self._first_switch:
            super().delay_update(delay)

    def _offer_passphrase(self) -> None:
        from dewtui.shell.rootkey_actions import offer_root_passphrase
        offer_root_passphrase(self)

    def when_first_page_shown(self, callback) -> None:
        """Run `callback` after the frame that shows the first screen's first page (at once if
        that frame is past): start-up work the user need not wait for to see the list."""
        if self.after_first_page is None:
            callback()
        else:
            self.after_first_page.append(callback)

    def first_page_shown(self) -> None:
        """The first screen shows its first page (or why not): what waited for it runs now,
        after the app's pending messages."""
        waiting, self.after_first_page = self.after_first_page or [], None
        gc_pause.resume()  # paused by run_tui while the app starts
        for callback in waiting:
            self.call_later(callback)

    def on_unmount(self) -> None:
        self.inbox_watch.stop()
        self.stop_scheduler()

    def _unseal(self, passphrase: str | None) -> None:
        if passphrase is None:
            self.exit(1)
            return
        from dewtui.shell.unseal import UnsealDialog

        def retry(_err: DewError) -> None:
            self.push_screen(UnsealDialog(), self._unseal)

        self.call_engine(lambda: self.engine.unseal(passphrase), done=lambda _r: self._start(),
                         failed=retry, success="Unsealed", label="unseal")

    # --- the session: who acts, what the header says ----------------------------------
    def act_as(self, view: Engine) -> None:
        """Make `view` (the root engine as some user) the engine every screen calls."""
        self.engine = view
        self.unread = None  # counted again for the new user
        self.principal = view.principal.name
        self.inbox_watch.restart()
        self._tell_visible(self.PrincipalChanged(self.principal))

    def watch_principal(self) -> None:
        self._show_header()

    def watch_unread(self) -> None:
        self._show_header()

    def _show_header(self) -> None:
        base = f"{self.principal} · {self.location}"
        self.sub_title = f"{base} · ✉ {self.unread} unread" if self.unread else base

    def look_for_server(self) -> None:
        """Show in the header whether a `dewtui serve` runs on this data directory (a stat and
        a small read of its state file: no engine call)."""
        from dewtui.serve.state_file import running_server
        server = running_server(self.root_engine.home)
        self.serving = f"⇄ serving {server.url} project {server.project_id}" if server else ""

    def on_inbox_watch_counted(self, message: InboxWatch.Counted) -> None:
        self.unread = message.unread

    def refresh_unread(self) -> None:
        """Count the unread notifications now (after marking some read)."""
        self.inbox_watch.poll()

    def _tell_visible(self, message: Message) -> None:
        """Post `message` to every visible screen: the top one and those under modal dialogs."""
        for screen in reversed(self.screen_stack):
            screen.post_message(message)
            if not isinstance(screen, ModalScreen):
                break

    # --- the scheduler -----------------------------------------------------------------
    def start_scheduler(self, interval: float | None = None, run_now: bool = False) -> SchedulerBridge:
        """Run due work on an interval while the app is open (stopped on exit)."""
        from dewtui.shell.scheduler_bridge import SchedulerBridge
        self.stop_scheduler()
        self.scheduler_bridge = SchedulerBridge(self, self.root_engine, interval)
        self.scheduler_bridge.launch(run_now=run_now)
        return self.scheduler_bridge

    def stop_scheduler(self) -> None:
        """Stop the scheduler, waiting for a running pass (it never waits on the UI)."""
        if self.scheduler_bridge is not None:
            self.scheduler_bridge.shutdown()
            self.scheduler_bridge = None

    def on_scheduler_bridge_pass_done(self, message: SchedulerBridge.PassDone) -> None:
        if not self.engine.sealed:
            self._tell_visible(self.DueWorkDone(message.report))

    # --- keys typed ahead --------------------------------------------------------------
    # Textual hands a key to the focused widget's own queue and goes on with the next key at
    # once; the key's binding (e.g. `a`: open a dialog) runs only when it has bubbled back to
    # the app. Keys typed in a burst would overtake it and land in the screen below, or in no
    # field while the dialog opens. So the app hands out one key at a time: the next waits
    # until the previous one has been handled (stopped by a widget, or back at the app) and
    # the top screen has its focus (`ready_for_keys`, set by dialogs once focused).
    KEY_WAIT_LIMIT = 0.5  # seconds: a key never waits longer than this for the previous one

    def _key_busy(self) -> bool:
        return self.key_in_flight is not None or not getattr(self.screen, "ready_for_keys", True)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            if self.held_keys or self._key_busy():
                self.held_keys.append(event)
                return
            await self._deliver_key(event)
            return
        await super().on_event(event)
        if event is self.key_in_flight:  # bubbled back to the app: its bindings ran
            self._key_done(event)

    async def _deliver_key(self, event: events.Key) -> None:
        focused_before = self.focused or self.screen
        await super().on_event(event)  # priority bindings here, else to the focused widget
        if event.is_forwarded:
            self.key_in_flight = event
            self._key_timer = self.set_timer(self.KEY_WAIT_LIMIT, lambda: self._key_done(event))
            self._follow_key(event, focused_before)

    def _follow_key(self, event: events.Key, node) -> None:
        """After `node` handled the key: done if it stopped there, else follow it upwards."""
        def handled() -> None:
            parent = node._parent
            if event._stop_propagation or not event.bubble or parent is None or not node.is_attached:
                self.call_later(self._key_done, event)
            elif parent is not self:
                self._follow_key(event, parent)
            # else: the screen bubbled it to the app, whose on_event finishes it
        node.call_later(handled)

    def _key_done(self, event: events.Key) -> None:
        """The key is handled; what it set off (an Input's Submitted bubbling up, a focus change)
        is still queued along the focused widget's ancestors: pass through each of their queues
        in turn, up to the screen and then the app's own, and go on from there."""
        if event is not self.key_in_flight:
            return
        if self._key_timer is not None:
            self._key_timer.stop()
            self._key_timer = None
        def go_on() -> None:
            if self.key_in_flight is event:
                self.key_in_flight = None
                self.release_keys_later()

        def through(node) -> None:
            if node is None or node is self or not node.is_attached:
                self.call_later(go_on)
            else:
                node.call_later(through, node._parent)

        through(self.focused or self.screen)

    def release_keys_later(self) -> None:
        self.call_later(self.release_keys)

    async def release_keys(self) -> None:
        """Hand the held keys out in order, each once the previous one is handled (this runs
        on the app's own queue)."""
        while self.held_keys and not self._key_busy():
            await self._deliver_key(self.held_keys.pop(0))

    # --- actions -----------------------------------------------------------------------
    def action_act_as(self) -> None:
        from dewtui.iam.switch import act_as_flow
        act_as_flow(self)

    def action_copy_project_id(self) -> None:
        """Show the acting account's project id (the `{project_id}` of the SDKs' paths) and
        put it on the clipboard."""
        def copied(project_id: str) -> None:
            self.copy_to_clipboard(project_id)
            self.notify(f"project id {project_id} (copied)", title="Project id", timeout=8)
        self.call_engine(lambda: self.engine.project_id, done=copied, label="project id")

    def action_why_refused(self) -> None:
        from dewtui.iam.why import why_flow
        why_flow(self)

    def action_help(self) -> None:
        from dewtui.shell.help import HelpDialog
        if isinstance(self.screen, HelpDialog):
            self.screen.dismiss()
            return
        self.push_screen(HelpDialog(self.screen))


def run_tui(home: str | None = None) -> int:
    """Open the engine on `home` (default data dir) and run the TUI; the exit code."""
    try:
        engine = Engine.open(home=home, source="tui", run_due=False)  # due work: the scheduler's first pass
    except DewError as err:
        print(f"dewtui: {err.code}: {err.message}")
        return 2
    prefetch = None
    if not engine.sealed:  # the keys screen's first page, read while Textual starts
        from dewtui.keys.screen import first_page_calls
        from dewtui.shell.prefetch import Prefetch
        prefetch = Prefetch(first_page_calls(engine, shutil.get_terminal_size().lines))
    try:
        result = DewApp(engine, scheduler=True, offer_passphrase=True, prefetch=prefetch).run()
        return result if isinstance(result, int) else 0
    finally:
        if prefetch is not None:
            prefetch.wait()
        engine.close()
