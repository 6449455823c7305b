"""The key tag dialogs: add or edit one tag with the account's tags as suggestions, and add or
delete several tags at once.

Suggestions are what `kms.list_project_tags()` returns (the guide's "Query project tags"):
typing a tag key offers the keys in use, typing a value offers the values the typed key has.
Every dialog here is a checked form: the engine tags the key before the dialog closes, and a
refusal (a bad character, the tag quota) stays beside its field with the input kept.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.suggester import Suggester
from textual.widgets import Button, Checkbox, Input, Label, Static

from dewtui.keys.checked_form import CheckedForm
from dewtui.keys.key_form import field_row, parse_tags
from dewtui.widgets.tag_dialog import TagDialog, TagRequest
from engine import DewError

Perform = Callable[[Any], Callable[[], Any]]  # a request → the engine call that does it


def first_completion(typed: str, candidates: Sequence[str]) -> str | None:
    """The first candidate that starts with what was typed (and is longer), any case."""
    if not typed:
        return None
    low = typed.casefold()
    return next((c for c in candidates if c.casefold().startswith(low) and len(c) > len(typed)), None)


class TagKeySuggester(Suggester):
    def __init__(self, keys: Sequence[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.keys = list(keys)

    async def get_suggestion(self, value: str) -> str | None:
        return first_completion(value, self.keys)


class TagValueSuggester(Suggester):
    """Values of the tag key typed in the dialog's key field."""

    def __init__(self, values: dict[str, Sequence[str]], current_key: Callable[[], str]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.values, self.current_key = values, current_key

    async def get_suggestion(self, value: str) -> str | None:
        return first_completion(value, self.values.get(self.current_key(), ()))


def tag_field(err: DewError) -> str:
    return "tag-value" if "value" in err.message.lower() else "tag-key"


class KeyTagDialog(CheckedForm[object], TagDialog):
    """Add a tag (or edit a value) with suggestions; returns the key's tags after the change."""

    CALL_LABEL = "tag key"

    def __init__(self, perform: Perform, project_tags: dict[str, Sequence[str]], key: str = "",
                 value: str = "") -> None:
        super().__init__(key, value, "KMS")
        self.perform, self.project_tags = perform, project_tags

    def on_mount(self) -> None:
        key_field = self.query_one("#tag-key", Input)
        key_field.suggester = TagKeySuggester(sorted(self.project_tags))
        self.query_one("#tag-value", Input).suggester = TagValueSuggester(
            self.project_tags, lambda: key_field.value)

    def engine_call(self, req: TagRequest):
        return self.perform(req)

    def field_for(self, err: DewError) -> str:
        return tag_field(err)


class BatchAddTagsDialog(CheckedForm[object]):
    """Several tags in one all-or-nothing call (existing keys get the new value)."""

    CALL_LABEL = "add tags"

    def __init__(self, perform: Perform, alias: str, project_tags: dict[str, Sequence[str]]) -> None:
        super().__init__()
        self.perform, self.alias, self.project_tags = perform, alias, project_tags

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="batch-add-tags"):
            yield Label(f"Add tags to {self.alias}", classes="dialog-title")
            yield Label("All or nothing: one bad tag and none is added. A key already tagged gets the "
                        "new value.", classes="explain")
            yield field_row("Tags", Input(placeholder="key=value, key2=value2", id="batch-tags"))
            in_use = ", ".join(sorted(self.project_tags)[:12])
            if in_use:
                yield Label(f"Tag keys in use: {in_use}", classes="hint", id="tags-in-use")
            yield Static("", id="errors", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Add tags", variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#batch-tags", Input).focus()

    def request(self) -> list[tuple[str, str]] | None:
        try:
            tags = parse_tags(self.query_one("#batch-tags", Input).value)
        except DewError as e:
            self.query_one("#errors", Static).update(f"• {e.message}")
            return None
        if not tags:
            self.query_one("#errors", Static).update("• enter at least one tag: key=value")
            return None
        return tags

    def engine_call(self, tags):
        return self.perform(tags)

    def field_for(self, err: DewError) -> str:
        return "batch-tags"


class BatchDeleteTagsDialog(CheckedForm[object]):
    """Tick the tags to delete; one all-or-nothing call."""

    CALL_LABEL = "delete tags"

    def __init__(self, perform: Perform, alias: str, tags: Sequence[Any]) -> None:
        super().__init__()
        self.perform, self.alias, self.tags = perform, alias, list(tags)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="batch-delete-tags"):
            yield Label(f"Delete tags of {self.alias}", classes="dialog-title")
            with VerticalScroll(id="batch-delete-list"):
                for n, tag in enumerate(self.tags):
                    yield Checkbox(f"{tag.key} = {tag.value}" if tag.value else tag.key, id=f"del-{n}")
            yield Static("", id="errors", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Delete tags", variant="error", id="ok")
                yield Button("Cancel", id="cancel")

    def request(self) -> list[str] | None:
        keys = [t.key for n, t in enumerate(self.tags) if self.query_one(f"#del-{n}", Checkbox).value]
        if not keys:
            self.query_one("#errors", Static).update("• tick the tags to delete")
            return None
        return keys

    def engine_call(self, keys):
        return self.perform(keys)
