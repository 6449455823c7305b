"""Frozen results of secret-manager calls (never ORM rows). Field names follow the cloud API.

Values (`secret_string`, `secret_binary`) are excluded from `repr`, so a result printed in a
log line, a traceback or a failing test never shows the secret.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from engine.tags import Tag

__all__ = ["Tag", "Secret", "SecretList", "VersionMetadata", "SecretVersionValue", "Stage",
           "RotationResult", "RotationConfig"]


@dataclass(frozen=True)
class Secret:
    id: str
    name: str
    state: str  # ENABLED | PENDING_DELETE
    kms_key_id: str
    description: str
    create_time: datetime
    update_time: datetime
    scheduled_delete_time: datetime | None
    secret_type: str
    auto_rotation: bool
    rotation_period: str
    rotation_time: datetime | None
    next_rotation_time: datetime | None
    event_subscriptions: tuple[str, ...]
    enterprise_project_id: str
    tags: tuple[Tag, ...] = ()
    rotation_error: str = ""  # why the last due rotation failed ("" when it did not)
    version_count: int = 0


@dataclass(frozen=True)
class SecretList:
    secrets: tuple[Secret, ...]
    total: int
    limit: int
    offset: int

    @property
    def current_count(self) -> int:
        return len(self.secrets)


@dataclass(frozen=True)
class VersionMetadata:
    id: str
    create_time: datetime
    expire_time: datetime | None
    kms_key_id: str
    secret_name: str
    version_stages: tuple[str, ...]


@dataclass(frozen=True)
class SecretVersionValue:
    version_metadata: VersionMetadata
    secret_string: str | None = field(default=None, repr=False)
    secret_binary: bytes | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Stage:
    name: str
    version_id: str
    update_time: datetime
    secret_name: str


@dataclass(frozen=True)
class RotationResult:
    version_id: str
    secret_name: str


@dataclass(frozen=True)
class RotationConfig:
    """A secret's rotation settings; `generator` describes how values are made (no value)."""
    auto_rotation: bool
    rotation_period: str
    generator: dict
    rotation_time: datetime | None
    next_rotation_time: datetime | None
    rotation_error: str = ""
