"""Base class of the secret detail tabs: each tab is a `SecretPane` showing one secret.

A pane gets the secret at construction and again through `show_secret()` whenever the screen
reloads it; a pane that changed the secret calls `secret_changed()` (all panes refresh).
"""
from __future__ import annotations

from typing import Any, Callable

from textual.containers import Vertical


class SecretPane(Vertical):
    def __init__(self, secret, **kw: Any) -> None:
        super().__init__(**kw)
        self.secret = secret

    def show_secret(self, secret) -> None:
        """Called with the fresh Secret; override to update what is shown."""
        self.secret = secret

    @property
    def engine(self):
        return self.app.engine  # type: ignore[attr-defined]

    @property
    def pending(self) -> bool:
        return self.secret.state == "PENDING_DELETE"

    def call_engine(self, fn: Callable[[], Any], **kw: Any):
        kw.setdefault("owner", self)
        return self.app.call_engine(fn, **kw)  # type: ignore[attr-defined]

    def secret_changed(self) -> None:
        reload = getattr(self.screen, "reload_secret", None)
        if reload is not None:
            reload()

    def key_alias(self, key_id: str) -> str:
        return getattr(self.screen, "aliases", {}).get(key_id, key_id[:8])
