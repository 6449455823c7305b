"""The audit chain's status after `eng.audit.verify()`: intact, or the first bad trace.

Each trace carries a keyed hash chained to the one before, so verification finds the first
trace that was altered, removed or inserted. Removing the newest traces (and rewinding the
head the database keeps) is only detectable against a head saved elsewhere: the dialog shows
the current head to copy, and takes a saved one to check against. Returns a
`VerifyRequest` (check again against a saved head) or None.
"""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from dewtui.audit.requests import VerifyRequest
from dewtui.widgets.form import FormDialog

PROBLEMS = {
    "altered": "a trace was altered",
    "inserted": "a trace was inserted",
    "removed": "traces were removed",
    "anchor": "the pruning anchor was altered",
}


def chain_status(result) -> str:
    """One line for the audit screen's status bar."""
    if result.ok:
        return f"[green]chain intact[/] ({result.checked:,} traces)"
    where = f" at seq {result.seq}" if result.seq is not None else ""
    return f"[b red]chain broken: {result.problem}{where}[/]"


def verify_text(result, against: str = "") -> str:
    if result.ok:
        lines = ["[b green]✔ The audit chain is intact.[/]", "",
                 f"{result.checked:,} traces checked: none was altered, removed or inserted."]
        if against:
            lines.append(f"The saved head [dim]{against[:24]}…[/] is still part of the chain.")
    else:
        lines = [f"[b red]✘ The audit chain is broken: {PROBLEMS.get(result.problem, result.problem)}.[/]", "",
                 result.message or ""]
        if result.seq is not None:
            lines.append(f"First bad trace: seq {result.seq}" + (f"  [dim]{result.trace_id}[/]" if result.trace_id else ""))
        lines.append(f"{result.checked:,} traces checked.")
    return "\n".join(lines)


class VerifyDialog(FormDialog[VerifyRequest]):
    """Shows the verification; submitting (enter or "Verify against") asks to verify again
    against a saved chain head."""

    BINDINGS = [Binding("escape", "cancel", "Close"), Binding("c", "copy", "Copy head", show=False)]

    def __init__(self, result, against: str = "") -> None:
        super().__init__()
        self.result = result
        self.against = against

    def compose(self) -> ComposeResult:
        head = str(self.result.head) if self.result.head is not None else ""
        with Vertical(classes="dialog", id="verify-dialog"):
            yield Label("Verify the audit trail", classes="dialog-title")
            yield Static(verify_text(self.result, self.against), id="verify-status",
                         classes="ok" if self.result.ok else "broken")
            yield Label("Chain head now (save it to detect removal of the newest traces later):",
                        classes="area-label")
            yield Static(head or "—", id="verify-head")
            with Horizontal(classes="field"):
                yield Label("Saved head", classes="field-label")
                yield Input(placeholder="seq:chain saved earlier (optional)", id="saved-head")
            with Horizontal(classes="buttons"):
                yield Button("Close", variant="primary", id="close")
                yield Button("Copy head", id="copy", disabled=not head)
                yield Button("Check saved head", id="against")

    def on_mount(self) -> None:
        self.query_one("#close", Button).focus()

    def request(self) -> VerifyRequest | None:
        value = self.query_one("#saved-head", Input).value.strip()
        return VerifyRequest(value) if value else None

    def on_other_button(self, button_id: str | None) -> None:
        if button_id == "copy":
            self.action_copy()
        elif button_id == "against":
            self.action_submit()
        else:
            self.action_cancel()

    def action_copy(self) -> None:
        if self.result.head is not None:
            self.app.copy_to_clipboard(str(self.result.head))
            self.app.notify("Chain head copied: save it somewhere safe", timeout=4)

