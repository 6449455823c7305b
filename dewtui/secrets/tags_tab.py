"""Tags tab of a secret: the shared tags tab, on the secret's tags (frozen while the secret is
pending deletion)."""
from __future__ import annotations

from dewtui.secrets.table import pending
from dewtui.widgets.tags_pane import TagsPane


class SecretTagsPane(TagsPane):
    IDS = "secret-tags"
    BUTTONS = "stag"
    NOUN = "secret"
    FAMILY = "CSMS"  # secret tags also take other scripts

    def frozen(self) -> str | None:
        return "Pending deletion: tags cannot change." if pending(self.item) else None

    def item_name(self) -> str:
        return self.item.name

    def tag(self, key: str, value: str):
        csms, name = self.engine.csms, self.item.name
        return lambda: csms.create_secret_tag(name, key, value)

    def untag(self, key: str):
        csms, name = self.engine.csms, self.item.name
        return lambda: csms.delete_secret_tag(name, key)
