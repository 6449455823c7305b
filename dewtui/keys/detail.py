"""Key detail screen: one tab per aspect of a key (details, online tool, tags, public key,
rotation policy, grants), listed once in `KEY_TABS`.

A new aspect is one `DetailTab` line with a `DetailPane` subclass and an `applies(key)` test
(e.g. only for asymmetric keys). The screen reloads the key after any change and hands it to
every pane.

The frame (title, "Loading…") shows at once; the tabs are built when `describe_key` comes
back from its worker, read as the acting user. When another user starts acting the tabs go
away and the key is read again as that user; a refused read leaves only its reason on screen.
"""
from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult
from textual.widgets import Label, Static, TabbedContent, TabPane, Tabs

from dewtui.keys.details_tab import DetailsPane
from dewtui.keys.grants_tab import GrantsPane
from dewtui.keys.online_tool import OnlineToolPane
from dewtui.keys.public_key_tab import PublicKeyPane
from dewtui.keys.rotation_tab import RotationPane, rotatable
from dewtui.keys.tags_tab import KeyTagsPane
from dewtui.shell.fmt import state_markup
from dewtui.widgets.detail import DetailPane, DetailScreen, DetailTab
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

    @property
    def PALETTE(self) -> list[tuple[str, str, str]]:  # noqa: N802  (read like the class attribute)
        return super().PALETTE + [("Encrypt a file with this key…", "encrypt_file",
                                   "envelope encryption, any size, with a progress bar")]

    def action_encrypt_file(self) -> None:
        from dewtui.keys.file_dialog import FileCryptDialog
        if self.tabs_shown():  # the key was read as the acting user
            self.app.push_screen(FileCryptDialog(self.item),
                                 lambda dst: self.notify(f"Wrote {dst}", timeout=5) if dst else None)

    def title_markup(self, key) -> str:
        return key_title(key)

    last_tab = ""  # the tab shown before the tabs went away (shown again when they come back)

    def compose_body(self) -> ComposeResult:
        yield Static(self.title_markup(self.item), id=self.TITLE_ID)
        yield Label(f"Loading {self.item.key_alias}…", id="key-empty", classes="note")

    def on_mount(self) -> None:
        self.reload_item()

    def tabs_shown(self) -> bool:
        return bool(self.query(f"#{self.TABS_ID}"))

    def reload_item(self) -> None:
        kms, key_id, acting = self.engine.kms, self.item.key_id, self.app.principal
        self.call_engine(lambda: kms.describe_key(key_id), label="describe key", quiet=True,
                         group=f"describe-{key_id}", exclusive=True,
                         done=lambda key: self._landed(key, acting), failed=self._refused)

    def _landed(self, key, acting: str) -> None:
        if acting != self.app.principal:
            return  # read as the previous user: a newer read is on its way
        if self.tabs_shown():
            self.show_item(key)
            return
        self.item = key
        self.query_one(f"#{self.TITLE_ID}", Static).update(self.title_markup(key))
        self.query_one("#key-empty").display = False
        shown = [f"{self.TAB_PREFIX}{t.id}" for t in self.TABS if t.applies(key)]
        tabs = TabbedContent(id=self.TABS_ID, initial=self.last_tab if self.last_tab in shown else "")
        for t in self.TABS:
            if t.applies(key):
                tabs.compose_add_child(TabPane(t.title, t.pane(key), id=f"{self.TAB_PREFIX}{t.id}"))
        self.mount(tabs, after=f"#{self.TITLE_ID}")
        self.call_after_refresh(self._focus_tabs)

    def _focus_tabs(self) -> None:
        if self.focused is None and self.tabs_shown():
            self.query_one(f"#{self.TABS_ID}", TabbedContent).query_one(Tabs).focus()

    def show_item(self, key) -> None:
        """The freshly read key, to the title and every pane (the tabs are built by now)."""
        self.item = key
        self.query_one(f"#{self.TITLE_ID}", Static).update(self.title_markup(key))
        for pane in self.query(DetailPane):
            pane.show_item(key)

    def clear_shown(self) -> None:
        self._forget(f"Loading as {self.app.principal}…")

    def item_refused(self, err) -> None:
        self._refused(err)

    def _forget(self, why: str, refused: bool = False) -> None:
        """Nothing of the key on screen but its id and `why`."""
        for tabs in self.query(f"#{self.TABS_ID}").results(TabbedContent):
            self.last_tab = tabs.active
            tabs.remove()
        self.query_one(f"#{self.TITLE_ID}", Static).update(f"[dim]key {self.item.key_id}[/]")
        note = self.query_one("#key-empty", Label)
        note.update(why)
        note.set_class(refused, "refused")
        note.display = True

    def _refused(self, err) -> None:
        self._forget(f"{escape(err.code)}: {escape(err.message)}", refused=True)

    def on_dew_app_principal_changed(self, message) -> None:
        message.prevent_default()  # DewScreen's handler would reload the old tabs
        self._forget(f"Loading as {message.principal}…")
        self.reload_item()

    def action_show_tab(self, tab_id: str) -> None:
        if self.tabs_shown():
            super().action_show_tab(tab_id)
