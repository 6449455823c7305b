"""Secret detail screen: Details, Versions, Tags and Rotation tabs over one secret.

One reload (a single worker) fetches the secret, its versions (metadata only), its rotation
settings and the aliases of the KMS keys involved, then hands them to every pane; any pane
that changes something asks for that reload. Delete, cancel deletion and backup work here
as in the list.
"""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static, TabbedContent, TabPane

from dewtui.shell.fmt import when
from dewtui.widgets.screen import DewScreen
from dewtui.secrets.actions import (ask_cancel_deletion, ask_delete, ask_download, key_aliases,
                                           key_choices)
from dewtui.secrets.details_tab import SecretDetailsPane
from dewtui.secrets.pane import SecretPane
from dewtui.secrets.rotation_tab import SecretRotationPane
from dewtui.secrets.table import STATE_LABEL, STATE_STYLE
from dewtui.secrets.tags_tab import SecretTagsPane
from dewtui.secrets.versions_tab import SecretVersionsPane
from engine import DewError

TABS = (("details", "Details", SecretDetailsPane), ("versions", "Versions", SecretVersionsPane),
        ("tags", "Tags", SecretTagsPane), ("rotation", "Rotation", SecretRotationPane))


def secret_title(secret) -> str:
    style = STATE_STYLE.get(secret.state, "")
    state = f"[{style}]{STATE_LABEL.get(secret.state, secret.state)}[/]"
    extra = f" · deleted on {when(secret.scheduled_delete_time)}" if secret.scheduled_delete_time else ""
    return f"[b]{secret.name}[/]  {state}  [dim]shared secret · {secret.id}{extra}[/]"


class SecretDetailScreen(DewScreen):
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("x", "delete", "Delete", tooltip="schedule deletion or delete now"),
        Binding("u", "cancel_deletion", "Undelete", tooltip="cancel the scheduled deletion"),
        Binding("b", "backup", "Backup", tooltip="download a backup file"),
        Binding("ctrl+r", "reload", "Refresh", show=False),
    ]
    PALETTE = [(f"Show tab: {title}", f"show_tab('{tid}')", "secret detail tab") for tid, title, _p in TABS]

    def __init__(self, secret) -> None:
        super().__init__()
        self.secret = secret
        self.versions: list = []
        self.rotation = None
        self.aliases: dict[str, str] = {}

    def compose_body(self) -> ComposeResult:
        yield Static(secret_title(self.secret), id="secret-title")
        with TabbedContent(id="secret-tabs"):
            for tid, title, pane in TABS:
                with TabPane(title, id=f"stab-{tid}"):
                    yield pane(self.secret)

    def on_mount(self) -> None:
        self.reload_secret()
        engine = self.engine
        self.call_engine(lambda: key_choices(engine), label="list keys", quiet=True,
                         done=lambda choices: self.query_one(SecretDetailsPane).set_key_choices(choices))

    def reload_secret(self) -> None:
        engine, name, known = self.engine, self.secret.name, set(self.aliases)

        def load():
            secret = engine.csms.show_secret(name)
            versions = engine.csms.list_secret_versions(name)
            rotation = engine.csms.show_rotation_config(name)
            ids = {secret.kms_key_id} | {v.kms_key_id for v in versions}
            return secret, versions, rotation, key_aliases(engine, ids, known)

        self.call_engine(load, label="show secret", done=self._show, failed=self._gone,
                         group="secret-detail", exclusive=True)

    def _show(self, loaded) -> None:
        secret, versions, rotation, aliases = loaded
        self.secret, self.versions, self.rotation = secret, list(versions), rotation
        self.aliases.update(aliases)
        self.query_one("#secret-title", Static).update(secret_title(secret))
        for pane in self.query(SecretPane):
            pane.show_secret(secret)

    def _gone(self, err: DewError) -> None:
        if err.code == "CSMS.0106" and self.app.screen is self:
            self.app.pop_screen()  # deleted meanwhile (e.g. its deletion date passed)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_reload(self) -> None:
        self.reload_secret()

    def action_show_tab(self, tab_id: str) -> None:
        self.query_one(TabbedContent).active = f"stab-{tab_id}"

    def action_delete(self) -> None:
        if self.secret.state == "PENDING_DELETE":
            self.notify(f"{self.secret.name} is already pending deletion (u cancels it)", severity="warning")
            return

        def after(deleted_now: bool) -> None:
            if deleted_now:
                self.app.pop_screen()
            else:
                self.reload_secret()

        ask_delete(self, self.secret, after)

    def action_cancel_deletion(self) -> None:
        if self.secret.state != "PENDING_DELETE":
            self.notify(f"{self.secret.name} is not pending deletion", severity="warning")
            return
        ask_cancel_deletion(self, self.secret, lambda _s: self.reload_secret())

    def action_backup(self) -> None:
        ask_download(self, self.secret)
