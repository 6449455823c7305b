"""Details tab of a secret: its attributes; description and KMS key editable (as the guide's
Edit). A new KMS key seals only versions added from now on; old versions stay readable with
the key that sealed them. Nothing changes while the secret is pending deletion.
"""
from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input, Label, Select, Static

from dewtui.secrets.actions import DEFAULT_KEY
from dewtui.secrets.table import STATE_LABEL, TYPE_LABEL
from dewtui.secrets.table import key_alias, pending
from dewtui.shell.fmt import when
from dewtui.widgets.detail import DetailPane


def attributes(secret, alias: str) -> str:
    rows = [
        ("Secret ID", secret.id),
        ("State", STATE_LABEL.get(secret.state, secret.state)),
        ("Type", f"{TYPE_LABEL.get(secret.secret_type, secret.secret_type)} secret"),
        ("KMS key", f"{alias}  [dim]{secret.kms_key_id}[/]"),
        ("Enterprise project", secret.enterprise_project_id),
        ("Created", when(secret.create_time)),
        ("Updated", when(secret.update_time)),
        ("Scheduled deletion", when(secret.scheduled_delete_time)),
        ("Versions", str(secret.version_count)),
        ("Automatic rotation", f"every {secret.rotation_period}" if secret.auto_rotation else "off"),
        ("Event", ", ".join(secret.event_subscriptions) or "—"),
        ("Tags", str(len(secret.tags))),
    ]
    return "\n".join(f"[dim]{name:<20}[/] {value}" for name, value in rows)


class SecretDetailsPane(DetailPane):
    def compose(self) -> ComposeResult:
        with Horizontal(classes="field"):
            yield Label("Description", classes="field-label")
            yield Input(self.item.description, id="secret-description-input", placeholder="(none)")
            yield Button("Save", id="save-description")
        with Horizontal(classes="field"):
            yield Label("KMS key", classes="field-label")
            yield Select([], prompt="loading keys…", id="secret-key-select")
            yield Button("Save", id="save-key")
        with Horizontal(classes="field"):
            yield Label("Event", classes="field-label")
            yield Select([], prompt="No event", id="secret-event-select")
            yield Button("Save", id="save-event")
        yield Label("", id="secret-edit-note", classes="note")
        yield Static(attributes(self.item, key_alias(self, self.item.kms_key_id)), id="secret-attributes")

    def on_mount(self) -> None:
        self._lock()
        events = self.engine.events
        self.call_engine(lambda: [e.name for e in events.list_secret_events()], quiet=True,
                         done=self._set_events, label="list events")

    def _set_events(self, names: list[str]) -> None:
        """The events a secret may subscribe to (at most one, as the cloud)."""
        self._event_names = list(names)
        select = self.query_one("#secret-event-select", Select)
        select.set_options([(n, n) for n in names])
        current = next(iter(self.item.event_subscriptions), None)
        if current in names:
            select.value = current

    def set_key_choices(self, choices: list[tuple[str, str]] | None = None) -> None:
        """csms/default and the Enabled AES keys; the secret's own key is always offered.
        Re-applied on every reload (the key's alias may arrive after the choices)."""
        if choices is not None:
            self._raw_choices = list(choices)
        choices = list(getattr(self, "_raw_choices", None) or [])
        if not choices:
            return
        kid = self.item.kms_key_id
        values = {v for _l, v in choices}
        alias = key_alias(self, kid)
        current = DEFAULT_KEY if alias == DEFAULT_KEY else kid
        if current not in values:
            choices.append((f"{alias} (not usable)", kid))
        self._choices = {v: lbl for lbl, v in choices}
        select = self.query_one("#secret-key-select", Select)
        select.set_options(choices)
        select.value = current

    def _lock(self) -> None:
        frozen = pending(self.item)
        for wid in ("#secret-description-input", "#save-description", "#secret-key-select", "#save-key",
                    "#secret-event-select", "#save-event"):
            self.query_one(wid).disabled = frozen
        self.query_one("#secret-edit-note", Label).update(
            "Pending deletion: description and key cannot change." if frozen else
            "A new KMS key seals only new versions; older versions keep the key that sealed them.")

    def show_item(self, secret) -> None:
        super().show_item(secret)
        self.query_one("#secret-description-input", Input).value = secret.description
        self.query_one("#secret-attributes", Static).update(attributes(secret, key_alias(self, secret.kms_key_id)))
        self.set_key_choices()
        if getattr(self, "_event_names", None) is not None:
            self._set_events(self._event_names)
        self._lock()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._save("description")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self._save({"save-description": "description", "save-event": "event"}.get(event.button.id or "", "key"))

    def _save(self, what: str) -> None:
        csms, name = self.engine.csms, self.item.name
        if what == "event":
            chosen = self.query_one("#secret-event-select", Select).value
            events = [] if chosen is Select.NULL else [str(chosen)]
            if events != list(self.item.event_subscriptions):
                self.call_engine(lambda: csms.update_secret(name, event_subscriptions=events),
                                 label="update secret", done=lambda _s: self.item_changed(),
                                 success=f"Subscribed to {escape(events[0])}" if events else "No event subscription")
            return
        if what == "description":
            text = self.query_one("#secret-description-input", Input).value
            if text != self.item.description:
                self.call_engine(lambda: csms.update_secret(name, description=text), label="update secret",
                                 success="Description saved", done=lambda _s: self.item_changed())
            return
        value = self.query_one("#secret-key-select", Select).value
        if not isinstance(value, str):
            return
        key_id = None if value == DEFAULT_KEY else value
        if key_id == self.item.kms_key_id:
            return
        label = escape(getattr(self, "_choices", {}).get(value, value))
        self.call_engine(lambda: csms.update_secret(name, kms_key_id=key_id), label="update secret",
                         success=f"New versions will be sealed with {label}",
                         done=lambda _s: self.item_changed())
