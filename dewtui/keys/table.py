"""The keys list: a page-sized table (see `paged_table`) that also shows which keys are
marked for a batch action.

When the list shows imported keys only (origin filter `external`), the Origin column — the
same word on every row then — gives its place to when each key's material expires."""
from __future__ import annotations

from typing import Callable

from rich.text import Text
from textual.binding import Binding
from textual.strip import Strip

from dewtui.shell.fmt import STATE_STYLE, clip, spec_usage, when
from dewtui.widgets.paged_table import PagedTable

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
# The columns for imported keys: their material's expiry where the origin was.
IMPORTED_COLUMNS = tuple(("expires", "Material expires", "", 16) if c[0] == "origin" else c
                         for c in COLUMNS)
WIDTH = {key: width for key, _label, _field, width in COLUMNS}
SORT_FIELDS = {key: field for key, _label, field, _w in COLUMNS if field}


class KeyTable(PagedTable):
    """Rows are keyed by key id. The screen owns the data; this widget only shows a page."""

    BINDINGS = [Binding("enter", "select_cursor", "Open", tooltip="the key's detail screen")]

    def __init__(self, **kw) -> None:
        super().__init__([(key, label, width) for key, label, _field, width in COLUMNS], **kw)
        self.imported_only = False  # showing IMPORTED_COLUMNS
        self.on_rows_painted: Callable[[], None] | None = None  # called once, after a frame with rows

    def when_rows_painted(self, callback: Callable[[], None]) -> None:
        """Call `callback` once the rows are drawn (after the frame that shows them is out)."""
        self.on_rows_painted = callback

    def render_line(self, y: int) -> Strip:
        # this frame shows rows, unless the app holds its frames back (App.batch_update)
        if self.on_rows_painted is not None and self.row_count and not self.app._batch_count:
            callback, self.on_rows_painted = self.on_rows_painted, None
            self.call_later(callback)
        return super().render_line(y)

    def show_imported(self, imported_only: bool) -> None:
        """Switch between the usual columns and those for imported keys (rows are refilled)."""
        if imported_only == self.imported_only:
            return
        self.imported_only = imported_only
        self.clear(columns=True)
        for key, label, _field, width in IMPORTED_COLUMNS if imported_only else COLUMNS:
            self.add_column(label, key=key, width=width)

    def show_page(self, keys, marked: set[str], cursor: str = "keep") -> None:
        self.show_rows(((k.key_id, self.cells(k, k.key_id in marked, self.imported_only)) for k in keys), cursor)

    @staticmethod
    def cells(k, marked: bool, imported_only: bool = False) -> tuple:
        state = Text(k.key_state.label, style=STATE_STYLE.get(k.key_state.value, ""))
        origin = when(k.expiration_time) if imported_only else k.origin
        return (Text("●", style="bold magenta") if marked else " ", clip(k.key_alias, WIDTH["alias"]),
                k.key_id[:8], state, spec_usage(k.key_spec, k.key_usage), origin,
                when(k.creation_date), clip(k.enterprise_project_id, WIDTH["project"]))

    def set_mark(self, key_id: str, marked: bool) -> None:
        self.update_cell(key_id, "mark", Text("●", style="bold magenta") if marked else " ")
