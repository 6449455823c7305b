"""What the IAM area's lists share: a whole-loaded table (an account holds tens of users,
groups and policies, not thousands), a note line, and a refusal written in place.

A subclass names its columns, loads its rows in `fetch()` (run in a worker, on the acting
engine) and turns each item into `(key, cells)` in `rows()`. The item under the cursor is
`current()`. A refused listing (acting as a user without IAM rights) is written in the
note, not toasted twice: it is the same refusal every time the tab reloads.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

from rich.markup import escape
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Label

from dewtui.widgets.confirm import ConfirmDialog


def current_key(table: DataTable) -> str | None:
    if not table.row_count:
        return None
    return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)


def fill_table(table: DataTable, rows: Sequence[tuple[str, tuple]], select: str | None = None) -> None:
    """Replace the rows, keeping the cursor on `select` or on the same key (or row)."""
    keep, row = select or current_key(table), table.cursor_row
    table.clear()
    for key, cells in rows:
        table.add_row(*cells, key=key)
    keys = [k for k, _c in rows]
    if keys:
        table.move_cursor(row=keys.index(keep) if keep in keys else min(row, len(keys) - 1), animate=False)


class ListPane(Vertical):
    COLUMNS: Sequence[tuple[str, str, int]] = ()
    NOUN = "items"

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self.items: dict[str, Any] = {}
        self.loaded = False
        self.refused: tuple[str, str] | None = None  # the refusal the note shows

    @property
    def engine(self):
        return self.app.engine  # type: ignore[attr-defined]

    def call_engine(self, fn: Callable[[], Any], **kw: Any):
        kw.setdefault("owner", self)
        return self.app.call_engine(fn, **kw)  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        yield Label("", classes="note iam-note")
        yield DataTable(cursor_type="row", zebra_stripes=True, classes="iam-table")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key, label, width in self.COLUMNS:
            table.add_column(label, key=key, width=width)
        self.reload()

    def fetch(self) -> tuple[list, str]:  # pragma: no cover - overridden
        """(items, note) — runs in a worker."""
        raise NotImplementedError

    def rows(self, items: list) -> list[tuple[str, tuple]]:  # pragma: no cover - overridden
        raise NotImplementedError

    def reload(self, select: str | None = None) -> None:
        self.call_engine(self.fetch, label=f"list {self.NOUN}", quiet=True,
                         group=f"iam-{self.NOUN}", exclusive=True,
                         done=lambda r: self._show(*r, select=select), failed=self._refused)

    def _show(self, items: list, note: str, select: str | None = None) -> None:
        self.loaded, self.refused = True, None
        rows = self.rows(items)
        self.items = {key: item for (key, _cells), item in zip(rows, items)}
        fill_table(self.query_one(DataTable), rows, select)
        self._note(note, refused=False)

    def _refused(self, err) -> None:
        from dewtui.iam.why import remember_refusal
        self.items = {}
        self.query_one(DataTable).clear()
        if self.refused != (err.code, err.message):
            # a new refusal is what w explains; the same one again (a reload) does not take
            # the place of a refusal the user caused since (e.g. a toast from a dialog)
            remember_refusal(self.app, err)
        self.loaded, self.refused = True, (err.code, err.message)
        self._note(f"{escape(err.code)}: {escape(err.message)}  [dim](w: why?)[/]", refused=True)

    def _note(self, text: str, refused: bool) -> None:
        note = self.query_one(".iam-note", Label)
        note.update(text)
        note.set_class(refused, "refused")

    def current(self) -> Any:
        return self.items.get(current_key(self.query_one(DataTable)) or "")

    def confirm(self, title: str, text: str, ok: str, then: Callable[[], None]) -> None:
        self.app.push_screen(ConfirmDialog(title, text, ok=ok), lambda yes: yes and then())
