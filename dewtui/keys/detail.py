"""Key detail screen: one tab per aspect of a key (details, online tool, tags, public key,
rotation policy, grants), listed once in `KEY_TABS`.

A new aspect is one `DetailTab` line with a `DetailPane` subclass and an `applies(key)` test
(e.g. only for asymmetric keys). The screen reloads the key after any change and hands it to
every pane.
"""
from __future__ import annotations

from dewtui.keys.details_tab import DetailsPane
from dewtui.keys.grants_tab import GrantsPane
from dewtui.keys.online_tool import OnlineToolPane
from dewtui.keys.public_key_tab import PublicKeyPane
from dewtui.keys.rotation_tab import RotationPane, rotatable
from dewtui.keys.tags_tab import KeyTagsPane
from dewtui.shell.fmt import state_markup
from dewtui.widgets.detail import DetailScreen, DetailTab
from engine.catalog import SPECS

KEY_TABS: tuple[DetailTab, ...] = (
    DetailTab("details", "Details", DetailsPane),
    DetailTab("online-tool", "Online tool", OnlineToolPane),
    DetailTab("tags", "Tags", KeyTagsPane),
    DetailTab("public-key", "Public key", PublicKeyPane, lambda k: not SPECS[k.key_spec].symmetric),
    DetailTab("rotation", "Rotation policy", RotationPane, rotatable),
    DetailTab("grants", "Grants", GrantsPane, lambda k: not k.default_key_flag),
)


def key_title(key) -> str:
    kind = "default key" if key.default_key_flag else "custom key"
    return (f"[b]{key.key_alias}[/]  {state_markup(key.key_state.value, key.state_label)}  "
            f"[dim]{kind} · {key.key_spec} · {key.key_id}[/]")


class KeyDetailScreen(DetailScreen):
    TABS = KEY_TABS
    NOUN = "key"
    TITLE_ID = "key-title"
    TABS_ID = "key-tabs"
    TAB_PREFIX = "tab-"

    @property
    def key(self):
        return self.item

    def title_markup(self, key) -> str:
        return key_title(key)

    def reload_item(self) -> None:
        key_id = self.item.key_id
        self.call_engine(lambda: self.engine.kms.describe_key(key_id), label="describe key",
                         done=self.show_item)
