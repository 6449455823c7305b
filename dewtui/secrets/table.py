"""The secrets list: a page-sized table (see `paged_table`), paged in the database."""
from __future__ import annotations

from rich.text import Text
from textual.binding import Binding

from dewtui.shell.fmt import clip, when
from dewtui.widgets.paged_table import PagedTable

STATE_LABEL = {"ENABLED": "Enabled", "PENDING_DELETE": "Pending deletion"}
STATE_STYLE = {"ENABLED": "green", "PENDING_DELETE": "red"}
TYPE_LABEL = {"COMMON": "Shared"}

# (column key, label, width): fixed widths, so columns do not jump from page to page and a
# freshly filled page is drawn at its final widths at once
COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("name", "Name", 28), ("state", "State", 16), ("type", "Type", 6), ("key", "KMS key", 20),
    ("created", "Created", 16), ("project", "Project", 14), ("tags", "Tags", 4),
)


def pending(secret) -> bool:
    """Pending deletion: the secret's values and metadata are frozen until it is undeleted."""
    return secret.state == "PENDING_DELETE"


def key_alias(pane, key_id: str) -> str:
    """A KMS key's alias as the secret detail screen resolved it (its id's start until then)."""
    return getattr(pane.screen, "aliases", {}).get(key_id, key_id[:8])


def state_text(state: str) -> Text:
    return Text(STATE_LABEL.get(state, state), style=STATE_STYLE.get(state, ""))


class SecretTable(PagedTable):
    """Rows keyed by secret name (unique in an account)."""

    BINDINGS = [Binding("enter", "select_cursor", "Open", tooltip="the secret's detail screen")]

    def __init__(self, **kw) -> None:
        super().__init__(COLUMNS, **kw)

    def show_page(self, secrets, aliases: dict[str, str], cursor: str = "keep") -> None:
        self.show_rows(((s.name, self.cells(s, aliases)) for s in secrets), cursor)

    @staticmethod
    def cells(s, aliases: dict[str, str]) -> tuple:
        return (clip(s.name, 28), state_text(s.state), TYPE_LABEL.get(s.secret_type, s.secret_type),
                clip(aliases.get(s.kms_key_id, s.kms_key_id[:8]), 20), when(s.create_time),
                clip(s.enterprise_project_id, 14), str(len(s.tags)) if s.tags else "—")
