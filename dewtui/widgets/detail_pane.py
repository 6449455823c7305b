"""Base class of the key detail tabs: each tab is a `KeyPane` showing one key.

A pane gets the key at construction and again through `show_key()` whenever the screen
reloads it (after an edit anywhere); a pane that changed the key calls `key_changed()`.
"""
from __future__ import annotations

from typing import Any, Callable

from textual.containers import Vertical


class KeyPane(Vertical):
    def __init__(self, key, **kw: Any) -> None:
        super().__init__(**kw)
        self.key = key

    def show_key(self, key) -> None:
        """Called with the fresh KeyDetails; override to update what is shown."""
        self.key = key

    @property
    def engine(self):
        return self.app.engine  # type: ignore[attr-defined]

    def call_engine(self, fn: Callable[[], Any], **kw: Any):
        kw.setdefault("owner", self)
        return self.app.call_engine(fn, **kw)  # type: ignore[attr-defined]

    def key_changed(self) -> None:
        """Ask the detail screen to reload the key and refresh every pane."""
        reload = getattr(self.screen, "reload_key", None)
        if reload is not None:
            reload()
