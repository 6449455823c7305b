"""One notification: its attributes and its content JSON, as the cloud would deliver it.

The content (`eventName`, `eventType`, `eventTime`, `data`) never holds a secret value (the
engine builds it from metadata only), so it is shown as is; `c` copies it.
"""
from __future__ import annotations

import json

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from dewtui.events.format import level_markup, type_label
from dewtui.shell.fmt import json_renderable, seconds


def pretty(content: str) -> str:
    """The content JSON indented (the raw text when it is not JSON)."""
    try:
        return json.dumps(json.loads(content), indent=2, sort_keys=True)
    except ValueError:
        return content


def record_summary(r) -> str:
    rows = [("Time", seconds(r.create_time)), ("Event", r.event_name),
            ("Type", f"{type_label(r.trigger_event_type)}  [dim]{r.trigger_event_type}[/]"),
            ("Level", level_markup(r.level)), ("Secret", f"{r.secret_name}  [dim]{r.secret_type}[/]"),
            ("Version", r.version_id or "—"), ("Topic", r.notification_target_name),
            ("Delivery", r.notification_status), ("Record", r.record_id)]
    return "\n".join(f"[dim]{name:<10}[/] {value}" for name, value in rows)


class NotificationDialog(ModalScreen[None]):
    BINDINGS = [Binding("escape", "close", "Close"), Binding("c", "copy", "Copy JSON")]

    def __init__(self, record) -> None:
        super().__init__()
        self.record = record

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="notification-dialog"):
            yield Label("Notification", classes="dialog-title")
            yield Static(record_summary(self.record), id="notification-summary")
            with VerticalScroll(id="notification-json"):
                yield Static(json_renderable(self.record.notification_content), id="notification-content")
            with Horizontal(classes="buttons"):
                yield Button("Close", variant="primary", id="close")
                yield Button("Copy JSON", id="copy")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "copy":
            self.action_copy()
        else:
            self.dismiss(None)

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(pretty(self.record.notification_content))
        self.app.notify("Notification JSON copied", timeout=3)

    def action_close(self) -> None:
        self.dismiss(None)
