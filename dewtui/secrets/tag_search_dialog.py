"""Search secrets by tag, as the guide's "Search by Tag": several key/value pairs (at most 20),
every one must match; Reset clears them. Returns the pairs (empty for Reset), or None.
"""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, Static

from dewtui.secrets.kv_editor import KvEditor
from dewtui.widgets.form import FormDialog
from engine import DewError
from engine.catalog import normalize_tags

Pairs = tuple[tuple[str, str], ...]


class TagSearchDialog(FormDialog[Pairs]):
    """Returns the tag pairs to search for; Reset returns none (every secret)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "submit", "Search")]

    def __init__(self, pairs: Pairs = (), max_pairs: int = 20) -> None:
        super().__init__()
        self.pairs, self.max_pairs = pairs, max_pairs

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="tag-search"):
            yield Label("Search by tag", classes="dialog-title")
            yield Label(f"Secrets that carry every pair below (up to {self.max_pairs} pairs).",
                        classes="explain")
            yield KvEditor(self.pairs, max_rows=self.max_pairs, add_label="+ Add tag",
                           placeholders=("tag key", "tag value"), id="tag-pairs")
            yield Static("", id="errors", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Search", variant="primary", id="ok")
                yield Button("Reset", id="reset")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query(".kv-key").first().focus()

    def request(self) -> Pairs | None:
        try:
            pairs = normalize_tags(self.query_one(KvEditor).pairs(), "CSMS")
        except DewError as e:
            self.query_one("#errors", Static).update(f"• {e.message}")
            return None
        return tuple(pairs)

    def on_other_button(self, button_id: str | None) -> None:
        if button_id == "reset":
            self.dismiss(())
