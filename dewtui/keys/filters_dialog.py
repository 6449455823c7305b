"""More key filters than the filter bar holds: the creation time range and a tag, as the
engine's `list_keys(created_after=, created_before=, tags=)` offers them.

Times are typed in UTC as `YYYY-MM-DD HH:MM` or `YYYY-MM-DD`; a bare date as the end of the
range means the whole of that day. The tag key is suggested from the account's tags; an
empty value matches any value. Returns a `KeyFilters` (all empty clears them).
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Sequence

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from dewtui.keys.checked_form import CheckedForm
from dewtui.keys.key_form import field_row
from dewtui.keys.requests import KeyFilters
from dewtui.keys.tag_dialogs import TagKeySuggester, TagValueSuggester
from dewtui.shell.fmt import parse_utc

FORMAT = "%Y-%m-%d %H:%M"


def _shown(t: datetime | None) -> str:
    return t.strftime(FORMAT) if t else ""


def range_end(text: str) -> datetime | None:
    """The end of the range: a bare date means up to the end of that day."""
    t = parse_utc(text)
    if t is not None and len(text.strip()) == 10:
        t += timedelta(days=1) - timedelta(microseconds=1)
    return t


class KeyFiltersDialog(CheckedForm[KeyFilters]):
    def __init__(self, current: KeyFilters, project_tags: dict[str, Sequence[str]] | None = None) -> None:
        super().__init__()
        self.current, self.project_tags = current, project_tags or {}

    def compose(self) -> ComposeResult:
        c = self.current
        end = c.created_before
        with Vertical(classes="dialog", id="key-filters"):
            yield Label("Filter keys", classes="dialog-title")
            yield Label("Creation time in UTC: YYYY-MM-DD HH:MM or YYYY-MM-DD (a date as “to” is the "
                        "whole day). Leave a field empty for no limit.", classes="explain")
            yield field_row("Created from", Input(_shown(c.created_after), placeholder="YYYY-MM-DD HH:MM",
                                                  id="created-from"))
            yield field_row("Created to", Input(_shown(end), placeholder="YYYY-MM-DD HH:MM", id="created-to"))
            yield field_row("Tag key", Input(c.tag_key, placeholder="keys with this tag", id="filter-tag-key"))
            yield field_row("Tag value", Input(c.tag_value or "", placeholder="empty: any value",
                                               id="filter-tag-value"))
            yield Static("", id="errors", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Apply", variant="primary", id="ok")
                yield Button("Clear filters", id="clear-filters")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        key_field = self.query_one("#filter-tag-key", Input)
        key_field.suggester = TagKeySuggester(sorted(self.project_tags))
        self.query_one("#filter-tag-value", Input).suggester = TagValueSuggester(
            self.project_tags, lambda: key_field.value)
        self.query_one("#created-from", Input).focus()

    def request(self) -> KeyFilters | None:
        errors, times = [], []
        for field, parse, name in (("#created-from", parse_utc, "from"), ("#created-to", range_end, "to")):
            widget = self.query_one(field, Input)
            try:
                times.append(parse(widget.value))
                widget.remove_class("-invalid")
            except ValueError:
                times.append(None)
                widget.add_class("-invalid")
                errors.append(f"created {name}: YYYY-MM-DD HH:MM or YYYY-MM-DD (UTC)")
        start, end = times
        if start and end and start > end:
            errors.append("the range ends before it starts")
        key = self.query_one("#filter-tag-key", Input).value.strip()
        value = self.query_one("#filter-tag-value", Input).value.strip()
        if value and not key:
            errors.append("a tag value needs its tag key")
        self.query_one("#errors", Static).update("\n".join(f"• {e}" for e in errors))
        if errors:
            return None
        return KeyFilters(start, end, key, value or None)

    def on_other_button(self, button_id: str | None) -> None:
        if button_id == "clear-filters":
            self.dismiss(KeyFilters())
