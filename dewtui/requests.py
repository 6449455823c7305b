"""Typed requests that dialogs return through `dismiss()`; screens turn them into engine calls.

Plain frozen dataclasses (no Textual): a dialog validates for comfort, the engine re-checks.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class KeyRef:
    key_id: str
    alias: str


@dataclass(frozen=True)
class CreateKeyRequest:
    key_alias: str
    key_spec: str
    key_usage: str
    key_description: str = ""
    origin: str = "kms"
    enterprise_project_id: str = "default"
    tags: tuple[tuple[str, str], ...] = ()

    def kwargs(self) -> dict:
        return {"key_alias": self.key_alias, "key_spec": self.key_spec, "key_usage": self.key_usage,
                "key_description": self.key_description, "origin": self.origin,
                "enterprise_project_id": self.enterprise_project_id,
                "tags": [{"key": k, "value": v} for k, v in self.tags]}


@dataclass(frozen=True)
class StateChangeRequest:
    """enable / disable / cancel_deletion over some keys (confirmed by the user)."""
    action: str
    keys: tuple[KeyRef, ...]


@dataclass(frozen=True)
class ScheduleDeletionRequest:
    keys: tuple[KeyRef, ...]
    pending_days: int = 7


@dataclass(frozen=True)
class TagRequest:
    key: str
    value: str = ""
    editing: bool = False


@dataclass(frozen=True)
class KeyQuery:
    """What the keys list shows: filters, sort and the page window (all done in the database)."""
    search: str = ""
    key_state: str | None = None
    key_usage: str | None = None
    origin: str | None = None
    enterprise_project_id: str | None = None
    sort: str = "key_alias"
    descending: bool = False
    limit: int = 40
    offset: int = 0
    extra: dict = field(default_factory=dict, compare=False)

    def kwargs(self) -> dict:
        kw: dict = {"sort": self.sort, "descending": self.descending,
                    "limit": self.limit, "offset": self.offset}
        if self.search:
            kw["search"] = self.search
        for name in ("key_state", "key_usage", "origin", "enterprise_project_id"):
            value = getattr(self, name)
            if value:
                kw[name] = value
        kw.update(self.extra)
        return kw
