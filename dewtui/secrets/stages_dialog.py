"""Manage the stages of one version, as the guide's "Manage Status" dialog: add a new stage to
it, move an existing stage onto it, or delete one of its custom stages.

A stage names exactly one version, so "move" takes it off the version that had it.
SYSCURRENT and SYSPREVIOUS can be moved but never deleted: they are not offered for
deletion (the engine refuses with CSMS.0105 anyway). Returns a `StageRequest`, or None.
"""
from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static

from dewtui.secrets.requests import StageRequest
from dewtui.widgets.form import FormDialog
from engine.catalog import BUILTIN_STAGES, STAGE_RE


def stage_map(versions) -> dict[str, str]:
    """stage → version id, over every version of the secret."""
    return {st: v.id for v in versions for st in v.version_stages}


def overview(versions) -> str:
    rows = [f"  [b]{st:<20}[/] {vid}" for st, vid in sorted(stage_map(versions).items())]
    return "[dim]Stages of this secret[/]\n" + ("\n".join(rows) if rows else "  (none)")


class StagesDialog(FormDialog[StageRequest]):
    """Add a new stage to the version (enter or Add), move a stage here, or delete one."""

    def __init__(self, secret_name: str, version, versions, max_stages: int = 12) -> None:
        super().__init__()
        self.secret_name, self.version, self.versions = secret_name, version, list(versions)
        self.max_stages = max_stages

    def compose(self) -> ComposeResult:
        vid = self.version.id
        staged = stage_map(self.versions)
        elsewhere = sorted(st for st, v in staged.items() if v != vid)
        deletable = sorted(st for st in self.version.version_stages if st not in BUILTIN_STAGES)
        with Vertical(classes="dialog", id="stages-dialog"):
            yield Label(f"Manage stages of {self.secret_name} {vid}", classes="dialog-title")
            yield Label(f"This version: {', '.join(self.version.version_stages) or 'no stage'}.  "
                        f"{len(staged)} of {self.max_stages} stages used.", classes="explain")
            yield Static(overview(self.versions), id="stage-overview")
            with Horizontal(classes="field"):
                yield Label("Add stage", classes="field-label")
                yield Input(placeholder="new stage name: letters, digits, _ -", id="stage-new")
                yield Button("Add", variant="primary", id="stage-add")
            with Horizontal(classes="field"):
                yield Label("Move here", classes="field-label")
                yield Select([(f"{st}  (on {staged[st]})", st) for st in elsewhere],
                             prompt="a stage on another version", id="stage-move-pick",
                             disabled=not elsewhere)
                yield Button("Move", id="stage-move", disabled=not elsewhere)
            with Horizontal(classes="field"):
                yield Label("Delete stage", classes="field-label")
                yield Select([(st, st) for st in deletable], prompt="a custom stage of this version",
                             id="stage-delete-pick", disabled=not deletable)
                yield Button("Delete", variant="error", id="stage-delete", disabled=not deletable)
            yield Label("SYSCURRENT and SYSPREVIOUS can be moved but never deleted.", classes="note")
            yield Label("", id="stage-error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Close", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#stage-new", Input).focus()

    def _error(self, text: str) -> None:
        self.query_one("#stage-error", Label).update(f"• {text}" if text else "")

    def request(self) -> StageRequest | None:
        """The new stage typed, put on this version."""
        name = self.query_one("#stage-new", Input).value.strip()
        if not STAGE_RE.match(name):
            self._error("a stage name is 1-64 of letters, digits, _ -")
        elif name in stage_map(self.versions):
            self._error(f"{name} exists: use Move here to put it on {self.version.id}")
        else:
            return StageRequest("set", name, self.version.id)
        return None

    def _picked(self, select_id: str) -> str | None:
        value = self.query_one(select_id, Select).value
        return value if isinstance(value, str) else None

    def on_other_button(self, bid: str | None) -> None:
        if bid == "stage-add":
            self.action_submit()
        elif bid == "stage-move":
            stage = self._picked("#stage-move-pick")
            if stage:
                self.dismiss(StageRequest("set", stage, self.version.id))
            else:
                self._error("choose the stage to move")
        elif bid == "stage-delete":
            stage = self._picked("#stage-delete-pick")
            if stage:
                self.dismiss(StageRequest("delete", stage, self.version.id))
            else:
                self._error("choose the stage to delete")
        else:
            self.action_cancel()
