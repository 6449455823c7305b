"""Choose a file: where to save a secret's backup, or which backup to restore.

The download dialog only picks a path (the screen's worker writes it, mode 0600). The
restore dialog lists one directory at a time; choosing a file fills the path. Both return
a `FileRequest`, or None.
"""
from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label

from dewtui.secrets.file_list import FileList, shown
from dewtui.secrets.requests import FileRequest
from dewtui.widgets.form import FormDialog

SUFFIX = ".dewbackup"


def default_backup_path(name: str) -> str:
    return f"~/{name}{SUFFIX}"


class DownloadBackupDialog(FormDialog[FileRequest]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, name: str, path: str) -> None:
        super().__init__()
        self.secret_name, self.path = name, path

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="download-backup"):
            yield Label(f"Download backup of {self.secret_name}", classes="dialog-title")
            yield Label("The backup holds the secret's metadata, every version (sealed, never in "
                        "clear), its stages and tags. Only this installation can restore it. "
                        "The file is written readable by you only (mode 0600).", classes="explain")
            with Horizontal(classes="field"):
                yield Label("Save to", classes="field-label")
                yield Input(self.path, id="backup-path")
            yield Label("", id="backup-note", classes="note")
            with Horizontal(classes="buttons"):
                yield Button("Save backup", variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#backup-path", Input).focus()
        self._note()

    def _note(self) -> None:
        text = self.query_one("#backup-path", Input).value.strip()
        target = Path(text).expanduser() if text else None
        note = ""
        if target is not None and target.is_dir():
            note = "[red]that is a directory: add a file name[/]"
        elif target is not None and target.exists():
            note = "[yellow]the file exists and will be replaced[/]"
        self.query_one("#backup-note", Label).update(note)

    def on_input_changed(self, event: Input.Changed) -> None:
        self._note()

    def request(self) -> FileRequest | None:
        text = self.query_one("#backup-path", Input).value.strip()
        return FileRequest(text) if text and not Path(text).expanduser().is_dir() else None


class RestoreBackupDialog(FormDialog[FileRequest]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, start: str | None = None) -> None:
        super().__init__()
        self.start = Path(start).expanduser() if start else Path.home()

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="restore-backup"):
            yield Label("Restore a secret from a backup", classes="dialog-title")
            yield Label("Choose a backup file downloaded from this installation. A secret with "
                        "the same name must not exist (delete it first).", classes="explain")
            yield FileList(self.start, SUFFIX, id="backup-files")
            with Horizontal(classes="field"):
                yield Label("Backup file", classes="field-label")
                yield Input(placeholder=f"a {SUFFIX} file", id="restore-path")
            with Horizontal(classes="buttons"):
                yield Button("Restore", variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one(FileList).focus()

    def on_file_list_chosen(self, event: FileList.Chosen) -> None:
        event.stop()
        field = self.query_one("#restore-path", Input)
        field.value = shown(Path(event.path))
        field.focus()

    def request(self) -> FileRequest | None:
        text = self.query_one("#restore-path", Input).value.strip()
        return FileRequest(text) if text else None
