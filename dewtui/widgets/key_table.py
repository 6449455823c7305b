"""A page-sized table of keys: only one screenful of rows ever exists in the widget.

The keys list may hold 10,000+ keys; a DataTable with all of them freezes the UI, so the
screen asks the engine for one page (`limit`/`offset`) and this table shows exactly that
page. It reports how many rows fit (`PageSize`), turns moving past its first/last row into
page requests, and shows which keys are marked for a batch action.
"""
from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from dewtui.fmt import STATE_STYLE, clip, spec_usage, when

# (column key, label, engine sort field, width). Fixed widths: columns do not jump from one
# page to the next, and nothing is measured per row (a page is redrawn on every keystroke).
COLUMNS: tuple[tuple[str, str, str, int], ...] = (
    ("mark", " ", "", 1),
    ("alias", "Alias", "key_alias", 22),
    ("id", "ID", "", 8),
    ("state", "State", "key_state", 16),
    ("spec", "Spec · usage", "key_spec", 19),
    ("origin", "Origin", "origin", 8),
    ("created", "Created", "creation_date", 16),
    ("project", "Project", "enterprise_project_id", 12),
)
WIDTH = {key: width for key, _label, _field, width in COLUMNS}
SORT_FIELDS = {key: field for key, _label, field, _w in COLUMNS if field}


class KeyTable(DataTable):
    """Rows are keyed by key id. The screen owns the data; this widget only shows a page."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("pagedown", "page(1)", "Next page", show=False),
        Binding("pageup", "page(-1)", "Previous page", show=False),
        Binding("enter", "select_cursor", "Open", tooltip="the key's detail screen"),
    ]

    class PageSize(Message):
        def __init__(self, rows: int) -> None:
            super().__init__()
            self.rows = rows

    class PageRequest(Message):
        def __init__(self, delta: int, cursor: str) -> None:
            super().__init__()
            self.delta = delta
            self.cursor = cursor  # "top" or "bottom" of the new page

    def __init__(self, **kw) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kw)
        self._rows_fit = 0

    def on_mount(self) -> None:
        for key, label, _field, width in COLUMNS:
            self.add_column(label, key=key, width=width)

    def on_resize(self) -> None:
        rows = max(5, self.size.height - 1)  # one line for the header
        if rows != self._rows_fit:
            self._rows_fit = rows
            self.post_message(self.PageSize(rows))

    def show_page(self, keys, marked: set[str], cursor: str = "keep") -> None:
        row = self.cursor_row
        self.clear()
        for k in keys:
            self.add_row(*self.cells(k, k.key_id in marked), key=k.key_id)
        if not keys:
            return
        target = {"top": 0, "bottom": len(keys) - 1}.get(cursor, min(row, len(keys) - 1))
        self.move_cursor(row=max(0, target), animate=False)

    @staticmethod
    def cells(k, marked: bool) -> tuple:
        state = Text(k.key_state.label, style=STATE_STYLE.get(k.key_state.value, ""))
        return (Text("●", style="bold magenta") if marked else " ", clip(k.key_alias, WIDTH["alias"]),
                k.key_id[:8], state, spec_usage(k.key_spec, k.key_usage), k.origin,
                when(k.creation_date), clip(k.enterprise_project_id, WIDTH["project"]))

    def set_mark(self, key_id: str, marked: bool) -> None:
        self.update_cell(key_id, "mark", Text("●", style="bold magenta") if marked else " ")

    def action_cursor_down(self) -> None:
        if self.row_count and self.cursor_row >= self.row_count - 1:
            self.post_message(self.PageRequest(1, "top"))
        else:
            super().action_cursor_down()

    def action_cursor_up(self) -> None:
        if self.row_count and self.cursor_row <= 0:
            self.post_message(self.PageRequest(-1, "bottom"))
        else:
            super().action_cursor_up()

    def action_page(self, delta: int) -> None:
        self.post_message(self.PageRequest(delta, "keep"))
