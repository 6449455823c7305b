"""The common start of the KMS cryptographic operations, and their output encoding.

Every crypto call starts the same way (find the key, name it in the audit trace, decide the
permission, refuse unless Enabled); keeping that here keeps the operations short and the
refusal codes consistent. The pure argument checks (byte strings with size limits,
encryption context, bit lengths, base64/hex text) are in `rules.py`.
"""
from __future__ import annotations

import base64

from engine.kms.keyrows import load_key
from engine.kms.states import require_usable
from engine.models.kms import Cmk


def usable_key(call, key_id: object, action: str, grant_op: str | None) -> Cmk:
    """load → name the resource → authorize → Enabled only (KMS.0209 / KMS.0210)."""
    call.resource(key_id if isinstance(key_id, str) else "")
    key = load_key(call.s, key_id)
    call.resource(key.key_id, key.key_alias)
    call.authorize(action, key=key, grant_op=grant_op)
    require_usable(key.key_state, key.key_id)
    return key


def authorized_key(call, key: Cmk, action: str, grant_op: str | None) -> Cmk:
    """The same sequence for a key found another way (the key id inside a ciphertext)."""
    call.resource(key.key_id, key.key_alias)
    call.authorize(action, key=key, grant_op=grant_op)
    require_usable(key.key_state, key.key_id)
    return key


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
