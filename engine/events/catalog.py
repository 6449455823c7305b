"""The secret event types: their level and description, as the guide's event type table.

One place that says which types exist, how loud each is (`normal` / `warning`) and what
triggers it, shared by validation, firing and the TUI's type checkboxes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# `\Z`, not `$`: `$` also matches before a final newline ("ops\n" is no name)
NAME_RE = re.compile(r"^[a-zA-Z0-9_-]{1,64}\Z")
ENABLED = "ENABLED"
DISABLED = "DISABLED"
STATES = (ENABLED, DISABLED)
TARGET_TYPE = "LOCAL"  # the cloud says SMN; our topics deliver on this machine


@dataclass(frozen=True)
class EventType:
    name: str
    label: str
    level: str  # normal | warning
    obj: str
    description: str


EVENT_TYPES: tuple[EventType, ...] = (
    EventType("SECRET_VERSION_CREATED", "Version creation", "normal", "Secret",
              "Triggered when a version of a secret is created."),
    EventType("SECRET_VERSION_EXPIRED", "Version expiry", "warning", "Secret version",
              "Triggered when a secret version expires (only once for each expiry)."),
    EventType("SECRET_ROTATED", "Secret rotation", "normal", "Secret",
              "Triggered when a secret is rotated."),
    EventType("SECRET_ROTATED_FAILED", "Secret rotation failure", "warning", "Secret",
              "Triggered when a secret rotation fails."),
    EventType("SECRET_DELETED", "Secret deletion", "warning", "Secret",
              "Triggered when a secret is deleted."),
)
BY_NAME = {t.name: t for t in EVENT_TYPES}


def level_of(event_type: str) -> str:
    t = BY_NAME.get(event_type)
    return t.level if t else "normal"
