"""What every service shares: database, HSM, clock, randomness, settings, and who is calling."""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from engine.clock import Clock
from engine.config import Settings
from engine.db import Database
from engine.errors import SealedError
from engine.hsm.seal import Hsm
from engine.iam.principal import Principal
from engine.rand import SystemRng


@dataclass(frozen=True)
class Context:
    db: Database
    clock: Clock
    rng: SystemRng
    settings: Settings
    principal: Principal
    source: str  # "tui", "api" or "cli"
    vault: Any  # engine.facade._Vault: holds the Hsm once unsealed
    home: Path | None = None  # the data directory (`$DEW_HOME`): topic files live under it
    client_ip: str = ""  # the caller's network address when the call came over HTTP

    @property
    def hsm(self) -> Hsm:
        h = self.vault.hsm
        if h is None:
            raise SealedError()
        return h

    def with_principal(self, principal: Principal) -> "Context":
        return replace(self, principal=principal)
