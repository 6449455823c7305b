"""The page window every list area shares (keys, secrets, notifications, audit traces).

Each of those screens shows one page of a query the engine runs in the database. What the
page window does is the same everywhere and lives here once: the query (a frozen
dataclass with `limit` and `offset`, in `self.lq`) follows the table's height, moving past
the first or last row asks for the neighbouring page, home/end go to the first/last page, a page that comes back empty because
rows went away meanwhile falls back to the last page, and a filter change starts again at
the top. A screen implements `reload(cursor)` and calls `page_landed()` with what came back.
On a change of principal the table is emptied at once ("loading as bob…" in the status line,
`STATUS_ID`); a list call refused to the new user leaves it empty with the reason
(`failed=self.list_refused`), never the previous user's rows.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any, ClassVar

from rich.markup import escape
from textual.widgets import Select, Static

from dewtui.widgets.paged_table import PagedTable, edge_offset, next_offset
from dewtui.widgets.screen import DewScreen


class PagedListScreen(DewScreen):
    """An area screen showing one database page of a list at a time."""

    STATUS_ID: ClassVar[str] = ""  # the id of the screen's status line (says "loading", refusals)

    def __init__(self, query: Any) -> None:
        super().__init__()
        self.lq = query  # the list query: filters, sort, limit, offset
        self.total: int | None = None  # rows matching the filters; None until the first page
        self.refused_as = ""  # the user the list was refused to (shown empty with the reason)
        # a page shown before the table knew its height (read while the app started): the
        # table's first PageSize says whether it fits; until then it needs no reload
        self.page_before_layout = False

    def reload(self, cursor: str = "keep") -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def reload_shown(self) -> None:
        self.reload()

    # --- another user: nothing stale on screen ---------------------------------------------
    def forget_rows(self) -> None:
        """Drop the rows the screen keeps besides its table (overridden: e.g. a detail pane)."""

    def _empty(self, status: str) -> None:
        for table in self.query(PagedTable):
            table.clear()
        self.forget_rows()
        if self.STATUS_ID:
            self.query_one(f"#{self.STATUS_ID}", Static).update(status)

    def clear_shown(self) -> None:
        self.total = None
        principal = getattr(self.app, "principal", "")
        self._empty(f"loading as {escape(principal)}…")

    def list_refused(self, err) -> None:
        """A refused read: an empty list and the reason, never the rows shown before. Pass it
        as `failed=` of the screen's list call. No page is known (`total` None), so coming
        back to the screen does not ask again and again."""
        self.total = None
        principal = getattr(self.app, "principal", "")
        self.refused_as = principal
        self._empty(f"[b]{escape(err.code)}[/]: {escape(err.message)}  ·  nothing to show as {escape(principal)}")

    def page_landed(self, shown: int, total: int) -> bool:
        """Record a loaded page; False (and the last page asked for) when it came back empty
        past the end, which happens when rows were deleted while the page was away."""
        if not shown and total and self.lq.offset:
            self.lq = replace(self.lq, offset=(total - 1) // self.lq.limit * self.lq.limit)
            self.reload("bottom")
            return False
        self.total = total
        return True

    def set_query(self, **changes: Any) -> None:
        """Change filters or sort: back to the first page."""
        self.lq = replace(self.lq, offset=0, **changes)
        self.reload("top")

    def on_screen_resume(self) -> None:
        if self.page_before_layout:
            return
        if self.total is not None or self.refused_as not in ("", getattr(self.app, "principal", "")):
            self.refused_as = ""
            self.reload()

    def on_paged_table_page_size(self, message: PagedTable.PageSize) -> None:
        rows = message.rows
        if self.page_before_layout:
            self.page_before_layout = False
            if rows == self.lq.limit:
                return  # the page shown fits the table
        self.lq = replace(self.lq, limit=rows, offset=self.lq.offset // rows * rows)
        self.reload()

    def on_paged_table_page_request(self, message: PagedTable.PageRequest) -> None:
        if self.total is None:
            return
        if message.edge:
            self.lq = replace(self.lq, offset=edge_offset(message.edge, self.lq.limit, self.total))
            self.reload(message.cursor)
            return
        offset = next_offset(self.lq.offset, self.lq.limit, message.delta, self.total)
        if offset is not None:
            self.lq = replace(self.lq, offset=offset)
            self.reload(message.cursor)


def fill_select(select: Select, names: list[str]) -> None:
    """Offer `names` in a filter select, keeping the chosen one if it is still offered."""
    value = select.value
    select.set_options([(n, n) for n in names])
    if value in names:
        select.value = value
