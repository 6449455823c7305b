"""The frame every dewtui screen shares: header (the areas, the principal, the data location),
body, footer (with `? Help` always shown).

Subclasses implement `compose_body()`. Their `BINDINGS` (with descriptions) feed the footer,
the `?` help overlay and the command palette, so an action is declared once. A visible screen
hears from the app when what it shows may be stale — another user acts now
(`DewApp.PrincipalChanged`), or a scheduler pass did due work (`DewApp.DueWorkDone`) — and
reloads through `reload_shown()`. On a change of principal it first clears what it shows
(`clear_shown()`), so the previous user's rows never stay beside the new user's refusal.
"""
from __future__ import annotations

from typing import Any, Callable

from textual.app import ComposeResult
from textual.screen import Screen

from dewtui.widgets.area_header import AreaHeader
from dewtui.widgets.footer import DewFooter


class DewScreen(Screen):
    """Base for area and detail screens."""

    def compose(self) -> ComposeResult:
        yield AreaHeader(id="header")
        yield from self.compose_body()
        yield DewFooter()

    def on_screen_resume(self) -> None:
        self.query_one(AreaHeader).show_areas()

    def compose_body(self) -> ComposeResult:  # pragma: no cover - overridden
        return iter(())

    def reload_shown(self) -> None:
        """Reload what this screen shows from the engine; overridden by screens that show data."""

    def clear_shown(self) -> None:
        """Another user acts now: drop what the previous one was shown (before reloading);
        overridden by screens that show data."""

    def on_dew_app_principal_changed(self, message) -> None:
        self.clear_shown()
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
