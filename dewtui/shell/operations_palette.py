"""Palette "Run operation: <name>" for every entry of the operation table (engine.operations):
the same operations, fields, help texts and choices as the HTTP API and the CLI.

Choosing one opens a small form built from the entry's fields (required ones marked,
choices as a select, secret fields masked); OK runs `engine.operations.invoke` on the app's
engine in a worker (the one road, `App.call_engine`: refusals become the usual toast) and
shows the cloud's response body as JSON, its secret values hidden until "Show secrets".
The table is imported only when the palette is used, not when the TUI starts.
"""
from __future__ import annotations

import json
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.command import Hit, Hits, Provider
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from dewtui.cli.masking import hide_secrets
from dewtui.widgets.form import FormDialog

TITLE = "Run operation: "
JSON_WIRES = {"object": dict, "objects": list}


def operations() -> tuple[Any, ...]:
    from engine.operations import OPERATIONS
    return OPERATIONS


def title_of(op: Any) -> str:
    return TITLE + op.name


def field_id(field: Any) -> str:
    return "op-" + field.name.replace("_", "-")


class OperationForm(FormDialog[dict]):
    """The fields of one operation → its wire fields ({name: text or JSON value})."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "submit", "Run")]
    DEFAULT_CSS = """
    OperationForm #op-form { width: 90; max-height: 90%; }
    OperationForm #op-fields { height: auto; max-height: 24; }
    OperationForm .field-label { width: 28; }
    OperationForm Input, OperationForm Select { width: 1fr; }
    """

    def __init__(self, op: Any) -> None:
        super().__init__()
        self.op = op

    def compose(self) -> ComposeResult:
        op = self.op
        with Vertical(classes="dialog", id="op-form"):
            yield Label(f"{op.family} {op.name}", classes="dialog-title")
            yield Label(op.help or op.name, classes="explain")
            with VerticalScroll(id="op-fields"):
                for f in op.fields:
                    with Horizontal(classes="field"):
                        yield Label(f.name + (" *" if f.required else ""), classes="field-label")
                        if f.choices and f.wire != "list":
                            yield Select([(c, c) for c in f.choices], id=field_id(f), prompt=f.help or f.name,
                                         allow_blank=True)
                        else:
                            hint = f.help or f.name
                            if f.choices:
                                hint += ": " + ",".join(f.choices)
                            yield Input(placeholder=hint, id=field_id(f), password=f.secret)
            yield Static("", id="errors", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Run", variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        if self.op.fields:
            self.query_one("#" + field_id(self.op.fields[0])).focus()

    def _value(self, f: Any) -> Any:
        widget = self.query_one("#" + field_id(f))
        if isinstance(widget, Select):
            return None if widget.is_blank() else str(widget.value)
        text = widget.value if isinstance(widget, Input) else ""
        return text if text.strip() else None

    def request(self) -> dict | None:
        fields: dict[str, Any] = {}
        wrong: list[str] = []
        for f in self.op.fields:
            value = self._value(f)
            if value is None:
                if f.required:
                    wrong.append(f"• {f.name} is required")
                continue
            if f.wire in JSON_WIRES:
                try:
                    value = json.loads(value)
                except ValueError:
                    wrong.append(f"• {f.name}: not JSON")
                    continue
                if not isinstance(value, JSON_WIRES[f.wire]):
                    wrong.append(f"• {f.name}: a JSON {'object' if f.wire == 'object' else 'list'}")
                    continue
            fields[f.name] = value
        self.query_one("#errors", Static).update("\n".join(wrong))
        return None if wrong else fields


class OperationResult(ModalScreen[None]):
    """The response body of an operation, as JSON; secret values hidden until asked."""

    BINDINGS = [Binding("escape", "close", "Close")]
    DEFAULT_CSS = """
    OperationResult #op-result { width: 100; max-height: 90%; }
    OperationResult #op-body { height: auto; max-height: 30; }
    """

    def __init__(self, op: Any, body: Any) -> None:
        super().__init__()
        self.op, self.body = op, body
        self.shown, self.hidden = hide_secrets(body)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="op-result"):
            yield Label(f"{self.op.family} {self.op.name}: done", classes="dialog-title")
            yield TextArea(self._text(), read_only=True, id="op-body", soft_wrap=True)
            with Horizontal(classes="buttons"):
                if self.hidden:
                    yield Button("Show secrets", id="reveal")
                yield Button("Close", variant="primary", id="close")

    def _text(self) -> str:
        return json.dumps(self.shown, indent=2, ensure_ascii=False)

    def on_mount(self) -> None:
        self.query_one("#close", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "reveal":
            self.shown = self.body
            self.query_one("#op-body", TextArea).load_text(self._text())
            event.button.remove()
        else:
            self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)


def run_operation(app: Any, op: Any) -> None:
    """Ask for the fields of `op`, run it on the app's engine, show the response."""

    def submitted(fields: dict | None) -> None:
        if fields is None:
            return
        from engine.operations import invoke
        engine = app.engine
        app.call_engine(lambda: invoke(engine, op.name, fields, service=op.service),
                        label=f"operation {op.name}",
                        done=lambda body: app.push_screen(OperationResult(op, body)))

    app.push_screen(OperationForm(op), submitted)


class OperationsProvider(Provider):
    """"Run operation: <name>" for every operation of the table, found by searching (the
    palette's opening list stays the app's own actions)."""

    def _runner(self, op: Any):
        return lambda: run_operation(self.app, op)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for op in operations():
            title = title_of(op)
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), self._runner(op), text=title,
                          help=f"{op.family} · {op.help}")
