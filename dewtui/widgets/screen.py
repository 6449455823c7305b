"""The frame every dewtui screen shares: header (principal, data location), body, footer.

Subclasses implement `compose_body()`. Their `BINDINGS` (with descriptions) feed the footer,
the `?` help overlay and the command palette, so an action is declared once.
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

    def call_engine(self, fn: Callable[[], Any], **kw: Any):
        """Run an engine call for this screen (see `dewtui.shell.bridge`)."""
        kw.setdefault("owner", self)
        return self.app.call_engine(fn, **kw)  # type: ignore[attr-defined]

    @property
    def engine(self):
        return self.app.engine  # type: ignore[attr-defined]
