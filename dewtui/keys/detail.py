"""Key detail screen: one tab per aspect of a key, from a registry.

`DETAIL_TABS` is the extension point: rotation and grants (issue 3) add one `DetailTab`
line each, with a `KeyPane` subclass and an `applies(key)` test (e.g. only for symmetric
kms keys). The screen reloads the key after any change and hands it to every pane.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static, TabbedContent, TabPane

from dewtui.shell.fmt import state_markup
from dewtui.widgets.screen import DewScreen
from dewtui.keys.details_tab import DetailsPane
from dewtui.widgets.detail_pane import KeyPane
from dewtui.keys.online_tool import OnlineToolPane
from dewtui.keys.public_key_tab import PublicKeyPane
from dewtui.widgets.tags_pane import TagsPane
from dewtui.keys.grants_tab import GrantsPane  # issue 3
from dewtui.keys.rotation_tab import RotationPane, rotatable  # issue 3
from engine.catalog import SPECS


@dataclass(frozen=True)
class DetailTab:
    id: str
    title: str
    pane: Callable[..., KeyPane]          # KeyPane subclass, built as pane(key)
    applies: Callable[[object], bool] = lambda key: True


DETAIL_TABS: list[DetailTab] = [
    DetailTab("details", "Details", DetailsPane),
    DetailTab("online-tool", "Online tool", OnlineToolPane),
    DetailTab("tags", "Tags", TagsPane),
    DetailTab("public-key", "Public key", PublicKeyPane, lambda k: not SPECS[k.key_spec].symmetric),
    DetailTab("rotation", "Rotation policy", RotationPane, rotatable),
    DetailTab("grants", "Grants", GrantsPane, lambda k: not k.default_key_flag),
]


def key_title(key) -> str:
    kind = "default key" if key.default_key_flag else "custom key"
    return (f"[b]{key.key_alias}[/]  {state_markup(key.key_state.value, key.state_label)}  "
            f"[dim]{kind} · {key.key_spec} · {key.key_id}[/]")


class KeyDetailScreen(DewScreen):
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("ctrl+r", "reload", "Refresh", show=False),
    ]
    PALETTE = [(f"Show tab: {t.title}", f"show_tab('{t.id}')", "key detail tab") for t in DETAIL_TABS]

    def __init__(self, key) -> None:
        super().__init__()
        self.key = key

    def compose_body(self) -> ComposeResult:
        yield Static(key_title(self.key), id="key-title")
        with TabbedContent(id="key-tabs"):
            for tab in DETAIL_TABS:
                if tab.applies(self.key):
                    with TabPane(tab.title, id=f"tab-{tab.id}"):
                        yield tab.pane(self.key)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_reload(self) -> None:
        self.reload_key()

    def action_show_tab(self, tab_id: str) -> None:
        tabs = self.query_one(TabbedContent)
        if tabs.query(f"#tab-{tab_id}"):
            tabs.active = f"tab-{tab_id}"

    def reload_key(self) -> None:
        key_id = self.key.key_id
        self.call_engine(lambda: self.engine.kms.describe_key(key_id), label="describe key",
                         done=self._show_key)

    def _show_key(self, key) -> None:
        self.key = key
        self.query_one("#key-title", Static).update(key_title(key))
        for pane in self.query(KeyPane):
            pane.show_key(key)
