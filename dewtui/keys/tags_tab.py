"""Tags tab of a key: the shared tags tab, on the key's tags (default keys cannot be tagged).

Adding or editing a tag offers the account's tag keys and values as suggestions
(`kms.list_project_tags`); `b` adds several tags at once and `B` deletes several, each in
one all-or-nothing engine call. The dialogs (`dewtui.keys.tag_dialogs`) tag the key
themselves, so a refusal stays in the dialog.
"""
from __future__ import annotations

from typing import Any, Callable

from textual.binding import Binding

from dewtui.widgets.tags_pane import TagsPane

SUGGESTED_TAG_KEYS = 1000  # one page of the account's tag keys: plenty to suggest from


class KeyTagsPane(TagsPane):
    BINDINGS = [
        Binding("b", "batch_add", "Add tags", tooltip="several tags at once"),
        Binding("B", "batch_delete", "Delete tags", tooltip="tick several tags to delete"),
    ]
    IDS = "tags"
    BUTTONS = "tag"
    COLUMN_WIDTHS = (40, 60)
    NOUN = "key"
    FAMILY = "KMS"  # key tags: English letters only

    def frozen(self) -> str | None:
        return "Default keys cannot be tagged." if self.item.default_key_flag else None

    def item_name(self) -> str:
        return self.item.key_alias

    def tag(self, key: str, value: str):
        kms, key_id = self.engine.kms, self.item.key_id
        return lambda: kms.create_key_tag(key_id, key, value)

    def untag(self, key: str):
        kms, key_id = self.engine.kms, self.item.key_id
        return lambda: kms.delete_key_tag(key_id, key)

    # --- dialogs with the account's tags as suggestions ----------------------------------
    def _with_project_tags(self, show: Callable[[dict[str, tuple[str, ...]]], None]) -> None:
        """Fetch the account's tags, then `show(tags)`; without suggestions if refused."""
        kms = self.engine.kms

        def fetch() -> dict[str, tuple[str, ...]]:
            return {t.key: t.values for t in kms.list_project_tags(limit=SUGGESTED_TAG_KEYS).tags}

        self.call_engine(fetch, label="list project tags", quiet=True, done=show, failed=lambda _e: show({}))

    def _tagged(self, what: str) -> Callable[[Any], None]:
        """After a dialog: `what` (formatted with the dialog's result) as a toast, then reload."""
        def done(result: Any) -> None:
            if result is not None:
                self.app.notify(what.format(result), timeout=4)
                self.item_changed()
        return done

    def _tag_named(self, req) -> Callable[[], str]:
        """The engine call setting the dialog's tag; its result is the tag key."""
        call = self.tag(req.key, req.value)
        return lambda: (call(), req.key)[1]

    def action_add(self) -> None:
        from dewtui.keys.tag_dialogs import KeyTagDialog
        if self.frozen() is not None:
            return
        self._with_project_tags(lambda tags: self.app.push_screen(
            KeyTagDialog(self._tag_named, tags), self._tagged("Added tag {}")))

    def action_edit(self) -> None:
        from dewtui.keys.tag_dialogs import KeyTagDialog
        tag = self._selected()
        if tag is None or self.frozen() is not None:
            return
        self._with_project_tags(lambda tags: self.app.push_screen(
            KeyTagDialog(self._tag_named, tags, tag.key, tag.value), self._tagged("Changed tag {}")))

    def action_batch_add(self) -> None:
        from dewtui.keys.tag_dialogs import BatchAddTagsDialog
        if self.frozen() is not None:
            return
        kms, key_id = self.engine.kms, self.item.key_id

        def perform(pairs):
            tags = [{"key": k, "value": v} for k, v in pairs]
            return lambda: kms.batch_key_tags(key_id, tags, "create")

        self._with_project_tags(lambda tags: self.app.push_screen(
            BatchAddTagsDialog(perform, self.item.key_alias, tags), self._tagged("Added tags")))

    def action_batch_delete(self) -> None:
        from dewtui.keys.tag_dialogs import BatchDeleteTagsDialog
        if self.frozen() is not None or not self.item.tags:
            return
        kms, key_id = self.engine.kms, self.item.key_id

        def perform(keys):
            return lambda: kms.batch_key_tags(key_id, list(keys), "delete")

        self.app.push_screen(BatchDeleteTagsDialog(perform, self.item.key_alias, self.item.tags),
                             self._tagged("Deleted tags"))
