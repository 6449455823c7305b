"""The dewtui App: one mode per area, global bindings, help, command palette, unseal.

Kept small on purpose: areas live in `dewtui.shell.areas` (one line each), screens in
`dewtui.screens`, dialogs in `dewtui.dialogs`, the engine road in `dewtui.shell.bridge`.
`DewApp(engine=...)` lets tests pass their own Engine; `run_tui(home)` opens the real one.
"""
from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.binding import Binding

from dewtui.shell.areas import AREAS, DEFAULT_AREA
from dewtui.shell.bridge import EngineBridge
from dewtui.shell.commands import ActionsProvider
from engine import DewError, Engine

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
    Binding("ctrl+u", "act_as", "Act as user…", show=False, tooltip="switch the acting principal"),  # issue 3
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
    COMMANDS = App.COMMANDS | {ActionsProvider} | {p for a in AREAS for p in a.providers}

    def __init__(self, engine: Engine, *, location: str | None = None, scheduler: bool = False) -> None:
        super().__init__()
        self.engine = engine
        self._location = location
        self._scheduler = scheduler  # issue 3: opt-in, so tests stay deterministic

    def on_mount(self) -> None:
        if self.engine.sealed:
            from dewtui.shell.unseal import UnsealDialog
            self.push_screen(UnsealDialog(), self._unseal)
        else:
            self._start()

    def _start(self) -> None:
        p = self.engine.principal
        location = self._location if self._location is not None else data_location(self.engine)
        self.sub_title = f"{p.name} · {location}"
        self.switch_mode(DEFAULT_AREA)
        from dewtui.events.inbox_watch import InboxWatch  # issue 5: header unread count, arrival toasts
        InboxWatch.start(self)
        if self._scheduler:  # issue 3: due work while the TUI is open
            from dewtui.shell.scheduler_bridge import SchedulerBridge
            SchedulerBridge.start(self)

    def _unseal(self, passphrase: str | None) -> None:
        if passphrase is None:
            self.exit(1)
            return
        from dewtui.shell.unseal import UnsealDialog

        def retry(_err: DewError) -> None:
            self.push_screen(UnsealDialog(), self._unseal)

        self.call_engine(lambda: self.engine.unseal(passphrase), done=lambda _r: self._start(),
                         failed=retry, success="Unsealed", label="unseal")

    def action_act_as(self) -> None:  # issue 3: the principal switcher
        from dewtui.iam.switch import act_as_flow
        act_as_flow(self)

    def on_unmount(self) -> None:
        from dewtui.shell.scheduler_bridge import SchedulerBridge
        SchedulerBridge.stop(self)

    def action_help(self) -> None:
        from dewtui.shell.help import HelpDialog
        if isinstance(self.screen, HelpDialog):
            self.screen.dismiss()
            return
        self.push_screen(HelpDialog(self.screen))


def run_tui(home: str | None = None) -> int:
    """Open the engine on `home` (default data dir) and run the TUI; the exit code."""
    try:
        engine = Engine.open(home=home, source="tui")
    except DewError as err:
        print(f"dewtui: {err.code}: {err.message}")
        return 2
    try:
        result = DewApp(engine, scheduler=True).run()
        return result if isinstance(result, int) else 0
    finally:
        engine.close()
