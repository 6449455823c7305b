"""Due work of BYOK: expired imported material and expired import parameters.

- Material whose `expiration_time` has passed is deleted (the key goes to Pending import,
  an audit trace `deleteImportedKeyMaterial` by the scheduler records it, and a warning
  lands in the account's notification inbox through `engine.events.kms_port`); the same
  material can be imported again later.
- Wrapping keys whose token expired unused are destroyed (used ones are destroyed at use).
Each job claims its rows in one write transaction (see `engine.kms.imports`).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any


def expire_imported_material(engine: Any, now: datetime) -> int:
    return engine.kms._expire_material_due(now)


def cleanup_import_parameters(engine: Any, now: datetime) -> int:
    return engine.kms._cleanup_import_params_due(now)
