"""Secret detail screen: Details, Versions, Tags and Rotation tabs over one secret.

One reload (a single worker) fetches the secret, its versions (metadata only), its rotation
settings and the aliases of the KMS keys involved, then hands the secret to every pane (the
versions, rotation and aliases stay on the screen for the panes that show them); any pane
that changes something asks for that reload. Delete, cancel deletion and backup work here
as in the list.
"""
from __future__ import annotations

from textual.binding import Binding

from dewtui.secrets.actions import ask_cancel_deletion, ask_delete, ask_download, key_aliases, key_choices
from dewtui.secrets.details_tab import SecretDetailsPane
from dewtui.secrets.rotation_tab import SecretRotationPane
from dewtui.secrets.table import STATE_LABEL, STATE_STYLE
from dewtui.secrets.tags_tab import SecretTagsPane
from dewtui.secrets.versions_tab import SecretVersionsPane
from dewtui.shell.fmt import when
from dewtui.widgets.detail import DetailScreen, DetailTab
from engine import DewError

SECRET_TABS: tuple[DetailTab, ...] = (
    DetailTab("details", "Details", SecretDetailsPane),
    DetailTab("versions", "Versions", SecretVersionsPane),
    DetailTab("tags", "Tags", SecretTagsPane),
    DetailTab("rotation", "Rotation", SecretRotationPane),
)


def secret_title(secret) -> str:
    style = STATE_STYLE.get(secret.state, "")
    state = f"[{style}]{STATE_LABEL.get(secret.state, secret.state)}[/]"
    extra = f" · deleted on {when(secret.scheduled_delete_time)}" if secret.scheduled_delete_time else ""
    return f"[b]{secret.name}[/]  {state}  [dim]shared secret · {secret.id}{extra}[/]"


class SecretDetailScreen(DetailScreen):
    TABS = SECRET_TABS
    NOUN = "secret"
    TITLE_ID = "secret-title"
    TABS_ID = "secret-tabs"
    TAB_PREFIX = "stab-"
    BINDINGS = [
        Binding("x", "delete", "Delete", tooltip="schedule deletion or delete now"),
        Binding("u", "cancel_deletion", "Undelete", tooltip="cancel the scheduled deletion"),
        Binding("b", "backup", "Backup", tooltip="download a backup file"),
    ]

    def __init__(self, secret) -> None:
        super().__init__(secret)
        self.versions: list = []
        self.rotation = None
        self.aliases: dict[str, str] = {}

    @property
    def secret(self):
        return self.item

    def title_markup(self, secret) -> str:
        return secret_title(secret)

    def on_mount(self) -> None:
        self.reload_item()
        engine = self.engine
        self.call_engine(lambda: key_choices(engine), label="list keys", quiet=True,
                         done=lambda choices: self.query_one(SecretDetailsPane).set_key_choices(choices))

    def reload_item(self) -> None:
        engine, name, known = self.engine, self.item.name, set(self.aliases)

        def load():
            secret = engine.csms.show_secret(name)
            versions = engine.csms.list_secret_versions(name)
            rotation = engine.csms.show_rotation_config(name)
            ids = {secret.kms_key_id} | {v.kms_key_id for v in versions}
            return secret, versions, rotation, key_aliases(engine, ids, known)

        self.call_engine(load, label="show secret", done=self._loaded, failed=self._gone,
                         group="secret-detail", exclusive=True)

    def _loaded(self, loaded) -> None:
        secret, versions, rotation, aliases = loaded
        self.versions, self.rotation = list(versions), rotation
        self.aliases.update(aliases)
        self.show_item(secret)

    def _gone(self, err: DewError) -> None:
        if err.code == "CSMS.0106" and self.app.screen is self:
            self.app.pop_screen()  # deleted meanwhile (e.g. its deletion date passed)
        else:
            self.item_refused(err)  # e.g. not readable by the user acting now

    def action_delete(self) -> None:
        if self.secret.state == "PENDING_DELETE":
            self.notify(f"{self.secret.name} is already pending deletion (u cancels it)", severity="warning")
            return

        def after(deleted_now: bool) -> None:
            if deleted_now:
                self.app.pop_screen()
            else:
                self.reload_item()

        ask_delete(self, self.secret, after)

    def action_cancel_deletion(self) -> None:
        if self.secret.state != "PENDING_DELETE":
            self.notify(f"{self.secret.name} is not pending deletion", severity="warning")
            return
        ask_cancel_deletion(self, self.secret, lambda _s: self.reload_item())

    def action_backup(self) -> None:
        ask_download(self, self.secret)
