"""Typed requests of the IAM area: what its dialogs return through `dismiss()`."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PrincipalRequest:
    """Act as user `name`; `create` first creates it (in the local account)."""
    name: str
    create: bool = False


@dataclass(frozen=True)
class NameRequest:
    """Create a user or a group called `name` (`admin`: make the user an administrator)."""
    name: str
    admin: bool = False


@dataclass(frozen=True)
class PolicyRequest:
    """Create a custom policy `name` from the JSON `text` (the engine parses and checks it)."""
    name: str
    text: str


@dataclass(frozen=True)
class AccessKeyRequest:
    """Create an access key for the user shown, described by `description`."""
    description: str


@dataclass(frozen=True)
class SimulationRequest:
    """May `user` do `action` on `resource` (a key id, `secret:<name>`, or "" for the account)?"""
    user: str
    action: str
    resource: str = ""
