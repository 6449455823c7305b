"""Export the audit query's result as CSV: choose the file.

The dialog shows how many traces the current filters match and the 5000-row limit; an
export of more matching traces holds the newest 5000 (the engine's rule), which the dialog
announces and the result toast repeats. Returns an `ExportRequest`, or None.
"""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from dewtui.audit.requests import ExportRequest
from dewtui.widgets.form import FormDialog

MAX_EXPORT = 5000  # the engine enforces it (engine.audit.export.MAX_ROWS); shown for comfort


def export_message(result, path: str) -> str:
    """The toast after an export (`ExportResult`: rows written, matched, truncated)."""
    if result.truncated:
        return (f"Exported the newest {result.rows:,} of {result.matched:,} matching traces to {path} "
                f"(an export holds at most {MAX_EXPORT:,})")
    return f"Exported {result.rows:,} traces to {path}"


def export_note(matching: int | None) -> str:
    if matching is None:
        return f"An export holds at most {MAX_EXPORT:,} traces."
    if matching > MAX_EXPORT:
        return (f"[yellow]The filters match {matching:,} traces: the export holds the newest "
                f"{MAX_EXPORT:,}. Narrow the filters or the time range for the others.[/]")
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
