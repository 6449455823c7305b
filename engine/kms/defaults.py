"""Default (service) keys: `<service>/default`, created the first time a service asks.

Used inside another service's transaction (CSMS sealing with `csms/default`), so this never
opens or commits a transaction of its own. Creating the key writes its one `createKey` trace
through the caller's unit of work (`call.trace`): key and trace commit or roll back together.
Finding the key writes nothing.
"""
from __future__ import annotations

from typing import Any

from sqlmodel import Session

from engine.hsm.keygen import generate_material
from engine.kms.keyrows import add_version, find_by_alias
from engine.kms.rules import default_alias
from engine.kms.states import initial_state
from engine.models.kms import Cmk

SPEC, USAGE = "AES_256", "ENCRYPT_DECRYPT"


def find_default_key(s: Session, domain_id: str, service: str) -> Cmk | None:
    """`<service>/default` of the account, if it exists (KMS.1101 for an invalid service)."""
    return find_by_alias(s, domain_id, default_alias(service))


def ensure_default_key(call: Any, service: str) -> Cmk:
    """`<service>/default` of the caller's account, created (and traced) when missing.

    `call` is the caller's unit of work: its session, clock time, principal and `trace`."""
    domain_id = call.principal.domain_id
    row = find_default_key(call.s, domain_id, service)
    if row is not None:
        return row
    alias = default_alias(service)
    ctx = call.ctx
    row = Cmk(key_id=ctx.rng.uuid(), domain_id=domain_id, key_alias=alias,
              key_description=f"Default key of {service}", key_spec=SPEC, key_usage=USAGE,
              key_state=initial_state("kms").value, origin="kms", default_key=True,
              creation_date=call.now)
    call.s.add(row)
    call.s.flush()
    add_version(call.s, ctx.hsm, row, generate_material(SPEC, ctx.rng), call.now)
    call.s.flush()
    call.trace("createKey", "cmk", row.key_id, alias,
               request={"key_alias": alias, "key_spec": SPEC, "key_usage": USAGE, "origin": "kms"},
               response={"key_id": row.key_id, "key_state": row.key_state})
    return row
