"""Export the audit query's result as CSV: choose the file.

The dialog shows how many traces the current filters match and the 5000-row limit; the
engine is the one that refuses a bigger export (CTS.0006), so the refusal reaches the user
as the usual error toast with its code. Returns an `ExportRequest`, or None.
"""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from dewtui.audit.requests import ExportRequest
from dewtui.widgets.form import FormDialog

MAX_EXPORT = 5000  # the engine enforces it (engine.audit.export.MAX_ROWS); shown for comfort


def export_note(matching: int | None) -> str:
    if matching is None:
        return f"An export holds at most {MAX_EXPORT:,} traces."
    if matching > MAX_EXPORT:
        return (f"[yellow]The filters match {matching:,} traces: more than the {MAX_EXPORT:,} an export "
                "holds. Narrow the filters or the time range.[/]")
    return f"The filters match {matching:,} traces (an export holds at most {MAX_EXPORT:,})."


class ExportDialog(FormDialog[ExportRequest]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, default_path: str, matching: int | None, filters_text: str) -> None:
        super().__init__()
        self.default_path = default_path
        self.matching = matching
        self.filters_text = filters_text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="export-dialog"):
            yield Label("Export traces as CSV", classes="dialog-title")
            yield Static(f"[dim]Filters:[/] {self.filters_text}", classes="explain")
            yield Static(export_note(self.matching), classes="explain", id="export-note")
            with Horizontal(classes="field"):
                yield Label("File", classes="field-label")
                yield Input(self.default_path, id="export-path")
            yield Static("The file is written readable by you only (0600).", classes="note")
            yield Static("", id="errors", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Export", variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#export-path", Input).focus()

    def request(self) -> ExportRequest | None:
        path = self.query_one("#export-path", Input).value.strip()
        if not path:
            self.query_one("#errors", Static).update("• choose a file")
            return None
        return ExportRequest(path)
