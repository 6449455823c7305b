"""View a version's value: masked until the user reveals it; copy to the clipboard.

The screen read the value (an audited `showSecretVersion`) because the user asked to view
it; this dialog only decides whether it is painted. Key/value values are shown as a table
of pairs when revealed; binary values as base64.
"""
from __future__ import annotations

import base64
import json

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from dewtui.shell.fmt import when

MASK = "•" * 16


def value_text(value) -> str:
    """The value as text (binary as base64)."""
    if value.secret_binary is not None:
        return base64.b64encode(value.secret_binary).decode("ascii")
    return value.secret_string or ""


def pairs_of(text: str) -> dict | None:
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) and data else None


def shape(value) -> str:
    if value.secret_binary is not None:
        return f"binary, {len(value.secret_binary)} bytes (shown as base64)"
    pairs = pairs_of(value.secret_string or "")
    if pairs is not None:
        return f"key/value pairs: {', '.join(map(str, pairs))}"
    return f"text, {len((value.secret_string or '').encode('utf-8'))} bytes"


class SecretValueDialog(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("r", "reveal", "Reveal / hide"),
        Binding("c", "copy", "Copy"),
    ]

    def __init__(self, value) -> None:
        super().__init__()
        self.value = value
        self.revealed = False

    def compose(self) -> ComposeResult:
        meta = self.value.version_metadata
        stages = ", ".join(meta.version_stages) or "no stage"
        with Vertical(classes="dialog", id="secret-value"):
            yield Label(f"{meta.secret_name} · {meta.id}", classes="dialog-title")
            yield Label(f"{stages} · created {when(meta.create_time)} · expires {when(meta.expire_time)}\n"
                        f"{shape(self.value)}", classes="explain")
            with VerticalScroll(id="value-box"):
                yield Static(MASK, id="value-shown")
            with Horizontal(classes="buttons"):
                yield Button("Reveal", variant="warning", id="reveal")
                yield Button("Copy", id="copy")
                yield Button("Close", variant="primary", id="close")

    def _paint(self) -> None:
        shown = self.query_one("#value-shown", Static)
        if not self.revealed:
            shown.update(MASK)
        else:
            text = value_text(self.value)
            pairs = pairs_of(text) if self.value.secret_binary is None else None
            if pairs is None:
                shown.update(text)
            else:
                table = Table(show_header=True, box=None, padding=(0, 2))
                table.add_column("key", style="bold")
                table.add_column("value")
                for k, v in pairs.items():
                    table.add_row(str(k), v if isinstance(v, str) else json.dumps(v))
                shown.update(table)
        self.query_one("#reveal", Button).label = "Hide" if self.revealed else "Reveal"

    def action_reveal(self) -> None:
        self.revealed = not self.revealed
        self._paint()

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(value_text(self.value))
        self.notify("Value copied to the clipboard", timeout=3)

    def action_close(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        {"reveal": self.action_reveal, "copy": self.action_copy, "close": self.action_close}[event.button.id]()
