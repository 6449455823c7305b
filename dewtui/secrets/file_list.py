"""A one-directory file chooser: `..`, the sub-directories, then the files, sorted by name.

Used to pick a backup file to restore. Textual's DirectoryTree keeps a loader worker alive
for as long as it is mounted (tests that wait for workers would wait forever) and shows a
whole tree; one listed directory at a time is all a restore needs. Listing a directory is
one `os.scandir`, done on selection; unreadable directories show a note instead.
"""
from __future__ import annotations

import os
from pathlib import Path

from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

MAX_ENTRIES = 500


def shown(path: Path) -> str:
    """`path` with the home directory written as ~ (shorter, and stable in snapshots)."""
    home = Path.home()
    if path == home:
        return "~"
    try:
        return "~/" + str(path.relative_to(home))
    except ValueError:
        return str(path)


class FileList(OptionList):
    class Chosen(Message):
        def __init__(self, path: Path) -> None:
            super().__init__()
            self.path = path

    def __init__(self, start: Path, suffix: str = "", **kw) -> None:
        super().__init__(**kw)
        self.directory = start
        self.suffix = suffix
        self._paths: list[Path] = []

    def on_mount(self) -> None:
        self.show(self.directory)

    def show(self, directory: Path) -> None:
        self.directory = directory
        self.border_title = shown(directory)
        try:
            with os.scandir(directory) as it:
                entries = sorted(((e.is_dir(), e.name) for e in it if not e.name.startswith(".")),
                                 key=lambda x: (not x[0], x[1].lower()))[:MAX_ENTRIES]
        except OSError as e:
            entries, note = [], f"cannot list: {e.strerror}"
        else:
            note = "" if entries else "(empty)"
        self._paths = [directory.parent] + [directory / name for _d, name in entries]
        options = [Option(Text("../", style="bold"))]
        for is_dir, name in entries:
            style = "bold" if is_dir else ("green" if self.suffix and name.endswith(self.suffix) else "")
            options.append(Option(Text(name + ("/" if is_dir else ""), style=style)))
        if note:
            options.append(Option(Text(note, style="dim"), disabled=True))
        self.clear_options()
        self.add_options(options)
        self.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_index >= len(self._paths):
            return
        path = self._paths[event.option_index]
        if path.is_dir():
            self.show(path)
        else:
            self.post_message(self.Chosen(path))
