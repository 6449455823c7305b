"""The header line of every screen: where am I (the areas, the current one marked, each with
its number key) and who am I (the acting principal, unread notifications, a `dewtui serve` running on this data,
the data location).

The tabs are built from the area registry (`dewtui.shell.areas.AREAS`) each time they are
drawn, so a new area appears by itself; a click on one goes there like its number key. The
registry is read lazily: the areas import their screens, and the screens import this.
"""
from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static


def area_tabs_markup(areas, current: str) -> str:
    """" 1 Keys  2 Secrets …" with the current area highlighted, each tab a link to its area."""
    tabs = []
    for area in areas:
        style = "reverse bold " if area.id == current else ""
        tabs.append(f"[{style}@click=app.switch_mode('{area.id}')] {area.key} {escape(area.title)} [/]")
    return "".join(tabs)


def session_text(principal: str, unread: int | None, location: str, serving: str = "") -> str:
    """Who acts, then the unread count, a server on this data (its URL and project id), then
    where the data lives (cut first when narrow)."""
    parts = [principal] + ([f"✉ {unread} unread"] if unread else []) + [serving, location]
    return " · ".join(p for p in parts if p)


class AreaHeader(Horizontal):
    """One line: ◆, the area tabs, then the session on the right."""

    current = ""  # the id of the area marked as the current one

    def compose(self) -> ComposeResult:
        yield Static("◆", id="header-icon")
        yield Static("", id="area-tabs")
        yield Static("", id="header-session")

    def on_mount(self) -> None:
        for name in ("principal", "unread", "serving"):
            if hasattr(self.app, name):
                self.watch(self.app, name, lambda _value: self.show_session(), init=False)
        self.show_areas()
        self.show_session()

    def show_areas(self) -> None:
        """Mark the area this screen belongs to (the app's current mode while it shows)."""
        from dewtui.shell.areas import AREAS
        self.current = self.app.current_mode
        self.query_one("#area-tabs", Static).update(area_tabs_markup(AREAS, self.current))

    def show_session(self) -> None:
        app = self.app
        text = session_text(getattr(app, "principal", ""), getattr(app, "unread", None),
                            getattr(app, "location", ""), getattr(app, "serving", ""))
        self.query_one("#header-session", Static).update(escape(text))
