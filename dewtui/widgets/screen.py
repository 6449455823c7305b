"""The frame every dewtui screen shares: header (principal, data location), body, footer.

Subclasses implement `compose_body()`. Their `BINDINGS` (with descriptions) feed the footer,
the `?` help overlay and the command palette, so an action is declared once. A visible screen
hears from the app when what it shows may be stale — another user acts now
(`DewApp.PrincipalChanged`), or a scheduler pass did due work (`DewApp.DueWorkDone`) — and
reloads through `reload_shown()`.
"""
from __future__ import annotations

from typing import Any, Callable

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header


class DewScreen(Screen):
    """Base for area and detail screens."""

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="◆")
        yield from self.compose_body()
        yield Footer()

    def compose_body(self) -> ComposeResult:  # pragma: no cover - overridden
        return iter(())

    def reload_shown(self) -> None:
        """Reload what this screen shows from the engine; overridden by screens that show data."""

    def on_dew_app_principal_changed(self, message) -> None:
        self.reload_shown()

    def on_dew_app_due_work_done(self, message) -> None:
        self.reload_shown()

    def call_engine(self, fn: Callable[[], Any], **kw: Any):
        """Run an engine call for this screen (see `dewtui.shell.bridge`)."""
        kw.setdefault("owner", self)
        return self.app.call_engine(fn, **kw)  # type: ignore[attr-defined]

    @property
    def engine(self):
        return self.app.engine  # type: ignore[attr-defined]
