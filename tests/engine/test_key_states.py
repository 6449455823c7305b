"""Every (state, action) pair of the key state table, against the SPEC §2 table written out
here independently, and through the real service methods wherever a key can be put in
that state with the real API."""
from __future__ import annotations

import base64
import itertools
import os

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from sqlmodel import select

from engine import DewError
from engine.kms.states import ACTIONS, TRANSITIONS, KeyState, next_state
from engine.models.core import AuditTrace

E, D, PD, PI = KeyState.ENABLED, KeyState.DISABLED, KeyState.PENDING_DELETION, KeyState.PENDING_IMPORT

# SPEC §2 "States": a KeyState is the new state, a str the refusal code
EXPECTED: dict[tuple[KeyState, str], KeyState | str] = {
    (E, "enable"): "KMS.1201", (D, "enable"): E, (PI, "enable"): "KMS.1201", (PD, "enable"): "KMS.0210",
    (E, "disable"): D, (D, "disable"): "KMS.1301", (PI, "disable"): "KMS.1301", (PD, "disable"): "KMS.0210",
    (E, "schedule_deletion"): PD, (D, "schedule_deletion"): PD, (PI, "schedule_deletion"): PD,
    (PD, "schedule_deletion"): "KMS.1402",
    (E, "cancel_deletion"): "KMS.1501", (D, "cancel_deletion"): "KMS.1501",
    (PI, "cancel_deletion"): "KMS.1501", (PD, "cancel_deletion"): D,
    (E, "cancel_deletion_without_material"): "KMS.1501", (D, "cancel_deletion_without_material"): "KMS.1501",
    (PI, "cancel_deletion_without_material"): "KMS.1501", (PD, "cancel_deletion_without_material"): PI,
    (E, "import_material"): "KMS.0310", (D, "import_material"): "KMS.0310", (PI, "import_material"): E,
    (PD, "import_material"): "KMS.0210",
    (E, "delete_material"): PI, (D, "delete_material"): PI, (PI, "delete_material"): "KMS.2701",
    (PD, "delete_material"): "KMS.0210",
}

PAIRS = list(itertools.product(list(KeyState), ACTIONS))


def test_expected_covers_every_pair_and_nothing_else():
    assert set(EXPECTED) == set(PAIRS)
    assert {k for k, v in EXPECTED.items() if isinstance(v, KeyState)} == set(TRANSITIONS)


@pytest.mark.parametrize("state,action", PAIRS, ids=[f"{s.label}-{a}" for s, a in PAIRS])
def test_table(state, action):
    want = EXPECTED[(state, action)]
    if isinstance(want, KeyState):
        assert next_state(state, action, "k") is want
    else:
        with pytest.raises(DewError) as ei:
            next_state(state, action, "k")
        assert ei.value.code == want
        assert ei.value.http_status == 400


# --- through the service ------------------------------------------------------------------
def import_material(eng, key_id: str) -> None:
    """Wrap fresh AES material exactly as the guide's openssl steps do, and import it."""
    params = eng.kms.get_parameters_for_import(key_id)
    public = serialization.load_der_public_key(base64.b64decode(params.public_key))
    wrapped = public.encrypt(os.urandom(32), padding.OAEP(mgf=padding.MGF1(hashes.SHA256()),
                                                          algorithm=hashes.SHA256(), label=None))
    eng.kms.import_key_material(key_id, params.import_token, base64.b64encode(wrapped).decode())


def make_key(eng, state: KeyState, kind: str = "kms", alias: str = "k") -> str:
    """A key in `state` reached with the real API. kind: "kms" (generated material),
    "empty" (external, no material) or "imported" (external with imported material)."""
    k = eng.kms.create_key(alias, origin="kms" if kind == "kms" else "external").key_id
    if kind == "imported" and state is not PI:
        import_material(eng, k)
    if state is D:
        eng.kms.disable_key(k)
    if state is PD:
        eng.kms.schedule_key_deletion(k, 7)
    assert eng.kms.describe_key(k).key_state is state
    return k


def call_action(eng, action: str, key_id: str):
    kms = eng.kms
    return {"enable": kms.enable_key, "disable": kms.disable_key,
            "schedule_deletion": lambda k: kms.schedule_key_deletion(k, 7),
            "cancel_deletion": kms.cancel_key_deletion,
            "cancel_deletion_without_material": kms.cancel_key_deletion,
            "import_material": lambda k: import_material(eng, k),
            "delete_material": kms.delete_imported_key_material}[action](key_id)


TRACE = {"enable": "enableKey", "disable": "disableKey", "schedule_deletion": "scheduleKeyDeletion",
         "cancel_deletion": "cancelKeyDeletion", "cancel_deletion_without_material": "cancelKeyDeletion",
         "import_material": "importKeyMaterial", "delete_material": "deleteImportedKeyMaterial"}


def kind_for(state: KeyState, action: str) -> str | None:
    """Which key reaches (state, action) through the API; None: no key can."""
    if action in ("import_material", "delete_material"):
        return "imported"
    if action == "cancel_deletion_without_material":
        return "empty" if state in (PI, PD) else None  # keys without material are never E or D
    if state is PI:  # a Pending import key has no material: cancel is the pair above
        return None if action == "cancel_deletion" else "empty"
    return "kms"


SERVICE_PAIRS = [(s, a) for s, a in PAIRS if kind_for(s, a)]


def test_service_pairs_cover_every_reachable_pair():
    assert len(SERVICE_PAIRS) == len(PAIRS) - 3


@pytest.mark.parametrize("state,action", SERVICE_PAIRS, ids=[f"{s.label}-{a}" for s, a in SERVICE_PAIRS])
def test_service_walk(eng, state, action):
    key_id = make_key(eng, state, kind_for(state, action))
    want = EXPECTED[(state, action)]
    trace = TRACE[action]
    if isinstance(want, KeyState):
        call_action(eng, action, key_id)
        assert eng.kms.describe_key(key_id).key_state is want
        code = "200"
    else:
        with pytest.raises(DewError) as ei:
            call_action(eng, action, key_id)
        assert ei.value.code == want
        assert eng.kms.describe_key(key_id).key_state is state  # nothing changed
        code = want
        if action == "import_material":
            trace = "getParametersForImport"  # refused before a token is issued
    with eng.context.db.session(write=False) as s:
        last = s.exec(select(AuditTrace).where(AuditTrace.trace_name == trace)
                      .order_by(AuditTrace.seq.desc())).first()
    assert (last.resource_id, last.code) == (key_id, code)
    assert last.trace_rating == ("normal" if code == "200" else "warning")
