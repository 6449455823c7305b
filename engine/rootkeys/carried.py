"""Sub-keys a root key rotation carries over, kept sealed under the current root in `meta`.

The meta row `carried_subkeys` holds `{purpose: hex(seal(sub-key, "carried-subkey", purpose))}`;
at open the Hsm is told to use them (`Hsm.carry`) instead of deriving those purposes from
the new root. Which purposes are carried is `registry.CARRIED`.
"""
from __future__ import annotations

import json

from sqlalchemy import inspect
from sqlmodel import Session

from engine.hsm.seal import Hsm
from engine.models.core import Meta

CARRIED_META = "carried_subkeys"
_AAD = "carried-subkey"


def load_carried(db, hsm: Hsm) -> None:
    """Give `hsm` the sub-keys carried in the database (none in a new one)."""
    if not inspect(db.engine).has_table("meta"):
        return
    with db.session(write=False) as s:
        row = s.get(Meta, CARRIED_META)
        if row is None or not row.value:
            return
        sealed = json.loads(row.value)
    hsm.carry({p: hsm.open(bytes.fromhex(v), _AAD, p) for p, v in sealed.items()})


def store_carried(s: Session, new: Hsm, subkeys: dict[str, bytes]) -> None:
    """Seal `subkeys` under the new root into the meta row (in the rotation's transaction)."""
    value = json.dumps({p: new.seal(k, _AAD, p).hex() for p, k in sorted(subkeys.items())})
    row = s.get(Meta, CARRIED_META) or Meta(name=CARRIED_META)
    row.value = value
    s.add(row)
