"""Encrypt a file with a key, or decrypt one (the guide's envelope scenario for large data).

The dialog asks for the source and destination paths (typing a path suggests the files and
folders there: Textual has no stock file dialog) and runs `engine.envelope.encrypt_file` or
`decrypt_file` in a worker when submitted, its `progress` callback moving the progress bar
from the worker thread. The file is streamed (flat memory) and written beside the destination
first, renamed only when complete. A refusal (no such file, key disabled, a tampered file)
stays in the dialog beside the path it concerns. Returns the destination path.
"""
from __future__ import annotations

import asyncio
import os
from pathlib import Path

from rich.markup import escape
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.suggester import Suggester
from textual.widgets import Button, Input, Label, ProgressBar, Static

from dewtui.keys.checked_form import CheckedForm
from dewtui.keys.key_form import field_row
from engine import DewError

ENCRYPTED_SUFFIX = ".dew"
MAX_LISTED = 500  # entries of one folder looked at for a suggestion


def _entries(folder: Path) -> list[str]:
    try:
        with os.scandir(folder) as it:
            return sorted((e.name + ("/" if e.is_dir() else "")) for _, e in zip(range(MAX_LISTED), it))
    except OSError:
        return []


def complete_path(typed: str) -> str | None:
    """The typed path completed with the first entry of its folder that starts with what
    follows the last `/` (folders end in `/`, `~` is the home folder); None when nothing fits."""
    if not typed:
        return None
    head, sep, prefix = typed.rpartition("/")
    folder = Path(os.path.expanduser(head + sep)) if sep else Path(".")
    for name in _entries(folder):
        if name.startswith(prefix) and name != prefix:
            return head + sep + name
    return None


class PathSuggester(Suggester):
    """Completes a typed path from the file system (read off the event loop)."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        return await asyncio.to_thread(complete_path, value)


def default_destination(src: str, encrypting: bool) -> str:
    if encrypting:
        return src + ENCRYPTED_SUFFIX if src else ""
    return src.removesuffix(ENCRYPTED_SUFFIX) if src.endswith(ENCRYPTED_SUFFIX) else (src + ".out" if src else "")


class FileCryptDialog(CheckedForm[str]):
    """`key` given: encrypt a file with it; None: decrypt a file (it names its key)."""

    def __init__(self, key=None) -> None:
        super().__init__()
        self.key = key
        self.CALL_LABEL = "encrypt file" if key is not None else "decrypt file"
        self._dst_edited = False
        self._replace_ok = ""  # a destination that exists and the user confirmed replacing

    @property
    def encrypting(self) -> bool:
        return self.key is not None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="file-crypt"):
            if self.encrypting:
                yield Label("Encrypt a file", classes="dialog-title")
                yield Static(f"Key [b]{self.key.key_alias}[/]  [dim]{self.key.key_id}[/]", classes="key-list")
                yield Label("A fresh data key from this key encrypts the file in 1 MiB AES-256-GCM chunks; "
                            "decrypting needs only the file and the key Enabled.", classes="explain")
            else:
                yield Label("Decrypt a file", classes="dialog-title")
                yield Label("The file names the key that encrypted it: that key must be Enabled and yours "
                            "to use.", classes="explain")
            yield field_row("File", Input(placeholder="path of the file (→ takes a suggestion)",
                                          suggester=PathSuggester(), id="file-src"))
            yield field_row("Write to", Input(placeholder="path of the file to write",
                                              suggester=PathSuggester(), id="file-dst"))
            with Horizontal(id="file-progress-row"):
                yield ProgressBar(total=100, show_eta=False, id="file-progress")
                yield Label("", id="file-progress-what")
            yield Static("", id="errors", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Encrypt" if self.encrypting else "Decrypt", variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#file-src", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "file-dst" and event.input.has_focus:
            self._dst_edited = True
        elif event.input.id == "file-src" and not self._dst_edited:
            self.query_one("#file-dst", Input).value = default_destination(event.value.strip(), self.encrypting)

    def request(self) -> tuple[str, str] | None:
        src = os.path.expanduser(self.query_one("#file-src", Input).value.strip())
        dst = os.path.expanduser(self.query_one("#file-dst", Input).value.strip())
        missing = [name for name, value in (("the file", src), ("where to write", dst)) if not value]
        errors = self.query_one("#errors", Static)
        errors.update("\n".join(f"• enter {m}" for m in missing))
        if missing:
            return None
        if os.path.exists(dst) and self._replace_ok != dst:  # never replace a file unasked
            self._replace_ok = dst
            verb = "Encrypt" if self.encrypting else "Decrypt"
            errors.update(escape(f"• {dst} exists: press {verb} again to replace it, or change where to write"))
            self.query_one("#file-dst", Input).focus()
            return None
        return (src, dst)

    def engine_call(self, paths: tuple[str, str]):
        from engine import envelope
        src, dst = paths
        eng, app = self.app.engine, self.app  # type: ignore[attr-defined]
        self._progress(0, 0)

        def progress(done: int, total: int) -> None:  # in the worker thread
            app.call_from_thread(self._progress, done, total)

        if self.encrypting:
            key_id = self.key.key_id
            return lambda: (envelope.encrypt_file(eng, key_id, src, dst, progress=progress), dst)[1]
        return lambda: (envelope.decrypt_file(eng, src, dst, progress=progress), dst)[1]

    def _progress(self, done: int, total: int) -> None:
        bar = self.query_one("#file-progress", ProgressBar)
        bar.update(total=100, progress=100 if total == 0 and done else (100 * done // total if total else 0))
        verb = "encrypted" if self.encrypting else "decrypted"
        self.query_one("#file-progress-what", Label).update(f"{done:,} of {total:,} bytes {verb}" if total else "")

    def field_for(self, err: DewError) -> str | None:
        text = err.message
        if text.startswith("src") or "src " in text:
            return "file-src"
        if text.startswith("dst") or "dst " in text:
            return "file-dst"
        return None
