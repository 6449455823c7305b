"""Details tab: every attribute of the key; alias and description editable in place.

Editing is offered only where the engine allows it (not on default keys, not while pending
deletion, as the guide says); the engine refuses anyway, this only avoids a dead end.
"""
from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input, Label, Static

from dewtui.shell.fmt import when
from dewtui.widgets.detail import DetailPane
from engine import KeyState


def attributes(key) -> str:
    rows = [
        ("Key ID", key.key_id),
        ("State", key.state_label),
        ("Key algorithm", key.key_spec),
        ("Usage", key.key_usage),
        ("Origin", "External (imported)" if key.origin == "external" else "Key Management Service"),
        ("Default key", "yes" if key.default_key_flag else "no"),
        ("Enterprise project", key.enterprise_project_id),
        ("Created", when(key.creation_date)),
        ("Scheduled deletion", when(key.scheduled_deletion_date)),
        ("Material expires", when(key.expiration_time) if key.origin == "external" else "—"),
        ("Material version", str(key.key_version) if key.key_version else "— (no material)"),
        ("Rotation", (f"every {key.rotation_interval} days" if key.key_rotation_enabled else "off")
         + (f" · {key.number_of_rotations} rotations, last {when(key.last_rotation_time)}"
            if key.number_of_rotations else "")),
        ("Tags", str(len(key.tags))),
        ("Account", key.domain_id),
    ]
    return "\n".join(f"[dim]{name:<20}[/] {value}" for name, value in rows)


def edit_refusal(key) -> str:
    if key.default_key_flag:
        return "Default keys cannot be renamed or described."
    if key.key_state is KeyState.PENDING_DELETION:
        return "Alias and description cannot change while the key is pending deletion."
    return ""


class DetailsPane(DetailPane):
    def compose(self) -> ComposeResult:
        with Horizontal(classes="field"):
            yield Label("Alias", classes="field-label")
            yield Input(self.item.key_alias, id="alias-input")
            yield Button("Save", id="save-alias")
        with Horizontal(classes="field"):
            yield Label("Description", classes="field-label")
            yield Input(self.item.key_description, id="description-input", placeholder="(none)")
            yield Button("Save", id="save-description")
        yield Label("", id="edit-note", classes="note")
        yield Static(attributes(self.item), id="attributes")

    def on_mount(self) -> None:
        self._lock()

    def _lock(self) -> None:
        reason = edit_refusal(self.item)
        for wid in ("#alias-input", "#description-input", "#save-alias", "#save-description"):
            self.query_one(wid).disabled = bool(reason)
        self.query_one("#edit-note", Label).update(reason)

    def show_item(self, key) -> None:
        super().show_item(key)
        self.query_one("#alias-input", Input).value = key.key_alias
        self.query_one("#description-input", Input).value = key.key_description
        self.query_one("#attributes", Static).update(attributes(key))
        self._lock()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._save("alias" if event.input.id == "alias-input" else "description")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self._save("alias" if event.button.id == "save-alias" else "description")

    def _save(self, what: str) -> None:
        kms, key_id = self.engine.kms, self.item.key_id
        if what == "alias":
            alias = self.query_one("#alias-input", Input).value
            if alias == self.item.key_alias:
                return
            self.call_engine(lambda: kms.update_key_alias(key_id, alias), label="rename key",
                             success=f"Alias changed to {alias}", done=lambda _k: self.item_changed())
        else:
            text = self.query_one("#description-input", Input).value
            if text == self.item.key_description:
                return
            self.call_engine(lambda: kms.update_key_description(key_id, text), label="describe key",
                             success="Description saved", done=lambda _k: self.item_changed())
