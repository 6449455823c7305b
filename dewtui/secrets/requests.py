"""Typed requests the secrets dialogs return through `dismiss()`; screens make the engine calls.

Plain frozen dataclasses (no Textual). A value travels in a request only from the dialog
that collected it to the engine call that seals it; `repr=False` keeps it out of logs and
test failure output.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class SecretValue:
    """A secret value: text, or key/value pairs (stored as JSON text by the engine)."""
    kind: str = "text"                                       # "text" | "kv"
    text: str = field(default="", repr=False)
    pairs: tuple[tuple[str, str], ...] = field(default=(), repr=False)

    def secret_string(self) -> str | dict:
        return dict(self.pairs) if self.kind == "kv" else self.text

    def summary(self) -> str:
        """What may be shown of a value: its shape, never its content."""
        if self.kind == "kv":
            keys = ", ".join(k for k, _v in self.pairs)
            return f"{len(self.pairs)} key/value pair" + ("" if len(self.pairs) == 1 else "s") + f" ({keys})"
        return f"text, {len(self.text.encode('utf-8'))} bytes (hidden)"


@dataclass(frozen=True)
class SecretQuery:
    """What the secrets list shows: filters and the page window (done in the database)."""
    search: str = ""
    state: str | None = None
    enterprise_project_id: str | None = None
    tags: tuple[tuple[str, str], ...] = ()
    limit: int = 30
    offset: int = 0

    def kwargs(self) -> dict:
        kw: dict = {"limit": self.limit, "offset": self.offset}
        if self.search:
            kw["search"] = self.search
        if self.state:
            kw["state"] = self.state
        if self.enterprise_project_id:
            kw["enterprise_project_id"] = self.enterprise_project_id
        if self.tags:
            kw["tags"] = [{"key": k, "value": v} for k, v in self.tags]
        return kw

    @property
    def filtered(self) -> bool:
        return bool(self.search or self.state or self.enterprise_project_id or self.tags)


@dataclass(frozen=True)
class CreateSecretRequest:
    name: str
    value: SecretValue
    description: str = ""
    kms_key_id: str | None = None          # None: csms/default
    kms_key_label: str = "csms/default"
    enterprise_project_id: str = "default"
    tags: tuple[tuple[str, str], ...] = ()
    rotation: dict | None = None           # configure_rotation's arguments, or None (off)
    secret_type: str = "COMMON"

    def kwargs(self) -> dict:
        kw = {"secret_string": self.value.secret_string(), "kms_key_id": self.kms_key_id,
              "description": self.description, "enterprise_project_id": self.enterprise_project_id,
              "tags": [{"key": k, "value": v} for k, v in self.tags], "secret_type": self.secret_type}
        if self.rotation is not None:
            kw["rotation"] = self.rotation
        return kw


@dataclass(frozen=True)
class AddVersionRequest:
    value: SecretValue
    expire_time: datetime | None = None


@dataclass(frozen=True)
class StageRequest:
    """Set `stage` on `version_id` (creates or moves it), or delete it (`action="delete"`)."""
    action: str          # "set" | "delete"
    stage: str
    version_id: str = ""


@dataclass(frozen=True)
class ExpiryRequest:
    version_id: str
    expire_time: datetime | None   # None clears the expiry


@dataclass(frozen=True)
class DeleteSecretRequest:
    name: str
    now: bool = False        # True: delete now (irreversible); False: schedule
    days: int = 30


@dataclass(frozen=True)
class FileRequest:
    """A file chosen for a backup download (`write`) or a restore (`read`)."""
    path: str


@dataclass(frozen=True)
class RotationRequest:
    """configure_rotation's arguments; `enabled=False` turns automatic rotation off."""
    enabled: bool
    rotation_period: str | None = None
    generator: dict | None = None

    def kwargs(self) -> dict:
        kw: dict = {"enabled": self.enabled}
        if self.rotation_period:
            kw["rotation_period"] = self.rotation_period
        if self.generator is not None:
            kw["generator"] = self.generator
        return kw
