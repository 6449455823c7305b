"""A page-sized DataTable: only one screenful of rows ever exists in the widget.

Keys, secrets, notifications and audit traces can number 10,000+ (a DataTable holding all
of them freezes the UI), so each screen asks the engine for one page (`limit`/`offset`,
filtered and counted in the database) and this table shows exactly that page. It reports
how many rows fit (`PageSize`) and turns moving past its first/last row, pageup/pagedown,
and home/g, end/G (the first row of the first page, the last row of the last page) into
`PageRequest`s; the screen owns the data and the page window.
"""
from __future__ import annotations

from typing import Iterable, Sequence

from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable


class PagedTable(DataTable):
    """Rows are keyed by the item's id; the screen owns the data and the query."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("pagedown", "page(1)", "Next page", show=False),
        Binding("pageup", "page(-1)", "Previous page", show=False),
        Binding("home,g", "edge('first')", "First page", show=False, tooltip="its first row"),
        Binding("end,G", "edge('last')", "Last page", show=False, tooltip="its last row"),
    ]

    class PageSize(Message):
        def __init__(self, table: "PagedTable", rows: int) -> None:
            super().__init__()
            self.table = table
            self.rows = rows

    class PageRequest(Message):
        def __init__(self, table: "PagedTable", delta: int, cursor: str, edge: str = "") -> None:
            super().__init__()
            self.table = table
            self.delta = delta  # pages away from the shown one (ignored when `edge` is set)
            self.cursor = cursor  # "top", "bottom" or "keep"
            self.edge = edge  # "first" or "last": that page, wherever the shown one is

    def __init__(self, columns: Sequence[tuple[str, str] | tuple[str, str, int]], **kw) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kw)
        self._columns = tuple(columns)
        self._rows_fit = 0

    def on_mount(self) -> None:
        # (key, label) or (key, label, width): fixed widths keep columns from jumping between
        # pages and draw a freshly filled page at its final widths at once
        for key, label, *width in self._columns:
            self.add_column(label, key=key, width=width[0] if width else None)

    def on_resize(self) -> None:
        rows = max(5, self.size.height - 1)  # one line for the header
        if rows != self._rows_fit:
            self._rows_fit = rows
            self.post_message(self.PageSize(self, rows))

    def show_rows(self, rows: Iterable[tuple[str, tuple]], cursor: str = "keep") -> None:
        """Replace the rows with `(key, cells)` pairs; put the cursor at top/bottom/keep."""
        row = self.cursor_row
        self.clear()
        n = 0
        for key, cells in rows:
            self.add_row(*cells, key=key)
            n += 1
        if n:
            target = {"top": 0, "bottom": n - 1}.get(cursor, min(row, n - 1))
            self.move_cursor(row=max(0, target), animate=False)

    def current_key(self) -> str | None:
        if not self.row_count:
            return None
        return str(self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value)

    def action_cursor_down(self) -> None:
        if self.row_count and self.cursor_row >= self.row_count - 1:
            self.post_message(self.PageRequest(self, 1, "top"))
        else:
            super().action_cursor_down()

    def action_cursor_up(self) -> None:
        if self.row_count and self.cursor_row <= 0:
            self.post_message(self.PageRequest(self, -1, "bottom"))
        else:
            super().action_cursor_up()

    def action_page(self, delta: int) -> None:
        self.post_message(self.PageRequest(self, delta, "keep"))

    def action_edge(self, edge: str) -> None:
        self.post_message(self.PageRequest(self, 0, "top" if edge == "first" else "bottom", edge))


def page_status(offset: int, shown: int, total: int, noun: str, limit: int) -> str:
    """"1–30 of 1,234 traces  ·  page 1 of 42" (or "" when nothing is shown)."""
    if not total or not shown:
        return ""
    limit = max(1, limit)
    page, pages = offset // limit + 1, (total + limit - 1) // limit
    return f"{offset + 1:,}–{offset + shown:,} of {total:,} {noun}  ·  page {page:,} of {pages:,}"


def edge_offset(edge: str, limit: int, total: int) -> int:
    """The offset of the first or the last page."""
    return 0 if edge == "first" or not total else (total - 1) // limit * limit


def next_offset(offset: int, limit: int, delta: int, total: int) -> int | None:
    """The offset of the page `delta` pages away, or None when there is no such page."""
    new = offset + delta * limit
    if new < 0 or new >= total:
        return None
    return new
