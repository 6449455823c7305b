"""Who a call runs as: a user in an account (domain)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Principal:
    user_id: str
    name: str
    domain_id: str
    is_admin: bool = False

    @property
    def label(self) -> str:
        return self.name
