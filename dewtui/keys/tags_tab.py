"""Tags tab of a key: the shared tags tab, on the key's tags (default keys cannot be tagged)."""
from __future__ import annotations

from dewtui.widgets.tags_pane import TagsPane


class KeyTagsPane(TagsPane):
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
