"""Every place the database holds something sealed under, or keyed by, the root key.

Root key rotation must re-seal all of it in one transaction, and a column added later must
not be forgotten: a test walks every model column that can hold sealed bytes and checks it
is named here, in exactly one of

- `SEALED`: AES-GCM blobs under the root key, opened and sealed again under the new one
  (same associated data);
- `DROPPED`: rows that only serve something rotation ends anyway (deleted by it);
- `NOT_UNDER_ROOT`: sealed by something else (a KMS key's data key), with why rotation
  leaves them as they are.

`DERIVED` names each HKDF purpose (`Hsm.derive`) and what rotation does with it; `CARRIED`
lists those whose previous sub-key is kept (sealed under the new root) instead of changing.
A table that does not exist in this build is skipped.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from engine.events.webhooks import secret_aad
from engine.iam.access_keys import SEAL_LABEL as ACCESS_KEY_AAD

# the associated data the csms rotation code seals a secret's password generator with
GENERATOR_AAD = "csms rotation generator"


@dataclass(frozen=True)
class SealedColumn:
    table: str
    column: str
    aad: Callable[[Any, dict[str, str]], tuple]  # (row, key specs by key id) -> AAD parts
    hex_text: bool = False  # a text column holding the blob as hex ("" when nothing sealed)


SEALED: tuple[SealedColumn, ...] = (
    SealedColumn("key_version", "sealed_material",
                 lambda r, specs: ("material", r.key_id, r.version, specs[r.key_id])),
    SealedColumn("topic_subscription", "sealed_secret",
                 lambda r, _specs: secret_aad(r.subscription_id, r.topic_id, r.endpoint)),
    SealedColumn("csms_secret", "rotation_generator",
                 lambda r, _specs: (GENERATOR_AAD, r.secret_id), hex_text=True),
    SealedColumn("access_keys", "secret_sealed",
                 lambda r, _specs: (ACCESS_KEY_AAD, r.access)),
)

DROPPED: dict[tuple[str, str], str] = {
    ("kms_import_params", "sealed_private_key"):
        "an import token is signed with a sub-key of the old root (import-token), so tokens "
        "issued before rotation are refused after it; their wrapping keys are deleted with them",
}

NOT_UNDER_ROOT: dict[tuple[str, str], str] = {
    ("csms_version", "sealed_value"):
        "sealed by the version's data key, which only its KMS key opens: the KMS key's "
        "material is re-sealed (key_version), its bytes do not change, so values still open",
    ("csms_version", "wrapped_dek"):
        "a KMS ciphertext under the secret's KMS key material (unchanged by rotation)",
}

DERIVED: dict[str, str] = {
    "row-integrity": "every protected row's MAC is computed again under the new row key",
    "audit-chain": "the trail is verified under the old key, then re-chained under the new one "
                   "(and the pruning anchor's MAC with it): a head saved before rotation no "
                   "longer matches; save the new one",
    "import-token": "tokens issued before rotation are refused (their rows are dropped)",
    "secret-backup": "backup blobs downloaded before rotation are refused: download them again",
    "import-material": "carried: keyed digests of imported material stay comparable",
}
CARRIED: tuple[str, ...] = ("import-material",)
