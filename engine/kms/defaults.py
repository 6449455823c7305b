"""Default (service) keys: `<service>/default`, created the first time a service asks.

Used inside another service's transaction (CSMS sealing with `csms/default`), so this never
opens or commits a transaction of its own.
"""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from engine.hsm.keygen import generate_material
from engine.hsm.seal import Hsm
from engine.kms.keyrows import add_version, find_by_alias
from engine.kms.rules import default_alias
from engine.kms.states import initial_state
from engine.models.kms import Cmk
from engine.rand import SystemRng


def ensure_default_key(s: Session, hsm: Hsm, rng: SystemRng, domain_id: str, service: str,
                       now: datetime) -> tuple[Cmk, bool]:
    """(key row, created?) for `<service>/default` in the account."""
    alias = default_alias(service)
    row = find_by_alias(s, domain_id, alias)
    if row is not None:
        return row, False
    row = Cmk(key_id=rng.uuid(), domain_id=domain_id, key_alias=alias,
              key_description=f"Default key of {service}", key_spec="AES_256",
              key_usage="ENCRYPT_DECRYPT", key_state=initial_state("kms").value, origin="kms",
              default_key=True, creation_date=now)
    s.add(row)
    s.flush()
    add_version(s, hsm, row, generate_material("AES_256", rng), now)
    s.flush()
    return row, True
