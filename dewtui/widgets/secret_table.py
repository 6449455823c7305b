"""A page-sized table of secrets (the list is paged in the database, as the keys list is).

Reports how many rows fit (`PageSize`) and turns moving past the first/last row into page
requests; the screen owns the data and the page window.
"""
from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from dewtui.fmt import clip, when

STATE_LABEL = {"ENABLED": "Enabled", "PENDING_DELETE": "Pending deletion"}
STATE_STYLE = {"ENABLED": "green", "PENDING_DELETE": "red"}
TYPE_LABEL = {"COMMON": "Shared"}

# (column key, label, width): fixed widths, so columns do not jump from page to page and a
# freshly filled page is drawn at its final widths at once
COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("name", "Name", 28), ("state", "State", 16), ("type", "Type", 6), ("key", "KMS key", 20),
    ("created", "Created", 16), ("project", "Project", 14), ("tags", "Tags", 4),
)


def state_text(state: str) -> Text:
    return Text(STATE_LABEL.get(state, state), style=STATE_STYLE.get(state, ""))


class SecretTable(DataTable):
    """Rows keyed by secret name (unique in an account)."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("pagedown", "page(1)", "Next page", show=False),
        Binding("pageup", "page(-1)", "Previous page", show=False),
        Binding("enter", "select_cursor", "Open", tooltip="the secret's detail screen"),
    ]

    class PageSize(Message):
        def __init__(self, rows: int) -> None:
            super().__init__()
            self.rows = rows

    class PageRequest(Message):
        def __init__(self, delta: int, cursor: str) -> None:
            super().__init__()
            self.delta = delta
            self.cursor = cursor

    def __init__(self, **kw) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kw)
        self._rows_fit = 0

    def on_mount(self) -> None:
        for key, label, width in COLUMNS:
            self.add_column(label, key=key, width=width)

    def on_resize(self) -> None:
        rows = max(5, self.size.height - 1)
        if rows != self._rows_fit:
            self._rows_fit = rows
            self.post_message(self.PageSize(rows))

    def show_page(self, secrets, aliases: dict[str, str], cursor: str = "keep") -> None:
        row = self.cursor_row
        self.clear()
        for s in secrets:
            self.add_row(*self.cells(s, aliases), key=s.name)
        if not secrets:
            return
        target = {"top": 0, "bottom": len(secrets) - 1}.get(cursor, min(row, len(secrets) - 1))
        self.move_cursor(row=max(0, target), animate=False)

    @staticmethod
    def cells(s, aliases: dict[str, str]) -> tuple:
        return (clip(s.name, 28), state_text(s.state), TYPE_LABEL.get(s.secret_type, s.secret_type),
                clip(aliases.get(s.kms_key_id, s.kms_key_id[:8]), 20), when(s.create_time),
                clip(s.enterprise_project_id, 14), str(len(s.tags)) if s.tags else "—")

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
