"""Typed requests of the IAM area: what the principal switcher returns through `dismiss()`."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PrincipalRequest:
    """Act as user `name`; `create` first creates it (in the local account)."""
    name: str
    create: bool = False
