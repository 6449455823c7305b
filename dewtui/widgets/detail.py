"""The detail screen of one item (a key, a secret): a title line and one tab per aspect.

An area lists its tabs once, as `DetailTab` entries (id, title, the pane class and an
`applies(item)` test, e.g. "only for asymmetric keys"); the screen builds the tabs that
apply, offers "Show tab: …" in the palette, and hands the item to every pane whenever it
is reloaded. A pane is a `DetailPane`: it shows `self.item`, refreshes in `show_item()`,
and calls `item_changed()` after changing the item so every pane sees the fresh one. When
another user acts the tabs are hidden until the item comes back; a refused read shows the
reason instead of the tabs (`item_refused`), never the details read before.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, ClassVar, Sequence

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static, TabbedContent, TabPane

from dewtui.widgets.screen import DewScreen


class DetailPane(Vertical):
    """One tab of a detail screen, showing `item` (a key's or a secret's details)."""

    def __init__(self, item: Any, **kw: Any) -> None:
        super().__init__(**kw)
        self.item = item

    def show_item(self, item: Any) -> None:
        """Called with the freshly loaded item; override to update what is shown."""
        self.item = item

    def reload(self) -> None:
        """Fetch again what this pane loads for itself (e.g. a key's grants), if anything."""

    @property
    def engine(self):
        return self.app.engine  # type: ignore[attr-defined]

    def call_engine(self, fn: Callable[[], Any], **kw: Any):
        kw.setdefault("owner", self)
        return self.app.call_engine(fn, **kw)  # type: ignore[attr-defined]

    def item_changed(self) -> None:
        """Ask the detail screen to reload the item and refresh every pane."""
        if isinstance(self.screen, DetailScreen):
            self.screen.reload_item()


@dataclass(frozen=True)
class DetailTab:
    id: str
    title: str
    pane: Callable[..., DetailPane]  # a DetailPane subclass, built as pane(item)
    applies: Callable[[Any], bool] = lambda item: True


class DetailScreen(DewScreen):
    """Subclasses set TABS (and the ids below), and implement `title_markup` and `reload_item`."""

    TABS: ClassVar[Sequence[DetailTab]] = ()
    NOUN = "item"            # in the palette: "<noun> detail tab"
    TITLE_ID = "detail-title"
    TABS_ID = "detail-tabs"  # the TabbedContent
    TAB_PREFIX = "tab-"      # a tab's TabPane id is TAB_PREFIX + its id
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("ctrl+r", "reload", "Refresh", show=False),
    ]

    def __init__(self, item: Any) -> None:
        super().__init__()
        self.item = item

    @property
    def PALETTE(self) -> list[tuple[str, str, str]]:  # noqa: N802  (read like the class attribute)
        return [(f"Show tab: {t.title}", f"show_tab('{t.id}')", f"{self.NOUN} detail tab") for t in self.TABS]

    def title_markup(self, item: Any) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def reload_item(self) -> None:  # pragma: no cover - overridden
        """Fetch the item again; call `show_item` with it."""
        raise NotImplementedError

    def compose_body(self) -> ComposeResult:
        yield Static(self.title_markup(self.item), id=self.TITLE_ID)
        yield Static("", id="detail-refused", classes="detail-refused")
        with TabbedContent(id=self.TABS_ID):
            for tab in self.TABS:
                if tab.applies(self.item):
                    with TabPane(tab.title, id=f"{self.TAB_PREFIX}{tab.id}"):
                        yield tab.pane(self.item)

    def show_item(self, item: Any) -> None:
        self.item = item
        self._hide_tabs(None)
        self.query_one(f"#{self.TITLE_ID}", Static).update(self.title_markup(item))
        for pane in self.query(DetailPane):
            pane.show_item(item)

    def _hide_tabs(self, why: str | None) -> None:
        """`why` shown instead of the tabs, or the tabs again (None)."""
        note = self.query_one("#detail-refused", Static)
        note.update(why or "")
        note.display = why is not None
        self.query_one(f"#{self.TABS_ID}", TabbedContent).display = why is None

    def clear_shown(self) -> None:
        principal = escape(getattr(self.app, "principal", ""))
        self._hide_tabs(f"loading as {principal}…")

    def item_refused(self, err: Any) -> None:
        """Reading the item was refused (e.g. to another user): the reason, none of its details.
        Pass it as `failed=` of the area's `reload_item` call."""
        principal = escape(getattr(self.app, "principal", ""))
        self._hide_tabs(f"[b]{escape(err.code)}[/]: {escape(err.message)}\n\n"
                        f"Nothing of this {self.NOUN} is shown while acting as {principal}.")

    def reload_shown(self) -> None:
        """Another user acts, or due work ran: the item and what each pane loads itself."""
        self.reload_item()
        for pane in self.query(DetailPane):
            pane.reload()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_reload(self) -> None:
        self.reload_item()

    def action_show_tab(self, tab_id: str) -> None:
        tabs = self.query_one(TabbedContent)
        if tabs.query(f"#{self.TAB_PREFIX}{tab_id}"):
            tabs.active = f"{self.TAB_PREFIX}{tab_id}"


def open_detail(app: Any, mode: str, screen_type: type[DetailScreen], item: Any) -> None:
    """Show `screen_type(item)` on top of area `mode`, replacing a detail screen of that type
    already open there (the palette's "Go to …" and the lists' `enter` both land here)."""
    if app.current_mode != mode:
        app.switch_mode(mode)
    while isinstance(app.screen, screen_type):
        app.pop_screen()
    app.push_screen(screen_type(item))
