"""Schedule deletion of one or more keys: pending days, the risk, and a required checkbox.

For a single key the screen passes its `DeletionRisk` (grants, secrets sealed with it,
recent uses from the audit trail) so the user sees what would break before confirming.
"""
from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Label, Static

from dewtui.keys.requests import KeyRef, ScheduleDeletionRequest
from dewtui.keys.state_dialog import key_list
from dewtui.shell.fmt import when
from dewtui.widgets.form import FormDialog
from dewtui.widgets.whole_number import WholeNumberInput

MIN_DAYS, MAX_DAYS, DEFAULT_DAYS = 7, 1096, 7
TICK_FIRST = "tick “I understand the impact of deleting keys” first"


def risk_text(risk) -> str:
    if risk is None:
        return ""
    lines = ["[b]Deletion risk[/]"]
    grants = risk.grants
    lines.append(f"  Grants: {len(grants)}" + ("" if not grants else "  (" + ", ".join(
        g.grantee_principal for g in grants[:4]) + (" …" if len(grants) > 4 else "") + ")"))
    lines.append(f"  Secrets sealed with it: {len(risk.secrets)}" + (
        "" if not risk.secrets else "  (" + ", ".join(risk.secrets[:4]) + (" …" if len(risk.secrets) > 4 else "") + ")"))
    lines.append(f"  Recent uses: {len(risk.recent_uses)}")
    for t, trace, user in risk.recent_uses[:4]:
        lines.append(f"    {when(t)}  {trace}  by {user}")
    if not (grants or risk.secrets or risk.recent_uses):
        lines.append("  [green]No grants, secrets or recent uses found.[/]")
    return "\n".join(lines)


class DeleteKeysDialog(FormDialog[ScheduleDeletionRequest]):
    """The pending days, once "I understand…" is ticked. Enter in the days field submits like
    every form; before the box is ticked it says so and moves to the box (nothing closes).
    Escape after changing the days asks first."""

    def __init__(self, keys: tuple[KeyRef, ...], risk=None) -> None:
        super().__init__()
        self.keys = keys
        self.risk = risk

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="delete-keys"):
            yield Label(f"Schedule deletion of {len(self.keys)} key" + ("s" if len(self.keys) != 1 else ""),
                        classes="dialog-title")
            yield Label("The keys are deleted for good when the period ends: data they encrypted "
                        "can never be decrypted again. You can cancel until then.", classes="explain")
            yield Static(key_list(self.keys), classes="key-list")
            if self.risk is not None:
                yield Static(risk_text(self.risk), id="risk")
            with Horizontal(classes="field"):
                yield Label("Pending days (7–1096)", classes="field-label")
                yield WholeNumberInput(DEFAULT_DAYS, MIN_DAYS, MAX_DAYS, "days", id="days")
            yield Label("", id="days-error", classes="error")
            yield Checkbox("I understand the impact of deleting keys", id="understand")
            with Horizontal(classes="buttons"):
                yield Button("Schedule deletion", variant="error", id="ok", disabled=True)
                yield Button("Cancel", id="cancel")

    def _days(self) -> int | None:
        return self.query_one("#days", WholeNumberInput).number()

    def _refresh(self) -> None:
        days = self._days()
        self.query_one("#days-error", Label).update(self.query_one("#days", WholeNumberInput).problem())
        ok = days is not None and self.query_one("#understand", Checkbox).value
        self.query_one("#ok", Button).disabled = not ok

    def on_input_changed(self, event: Input.Changed) -> None:
        self._refresh()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        self._refresh()

    def request(self) -> ScheduleDeletionRequest | None:
        days = self._days()
        if days is None:
            return None
        if not self.query_one("#understand", Checkbox).value:
            self.notify(TICK_FIRST, severity="warning", timeout=4)
            self.query_one("#understand", Checkbox).focus()
            return None
        return ScheduleDeletionRequest(self.keys, days)
