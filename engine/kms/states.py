"""Key states and the transition table: every state change reads `TRANSITIONS`.

`TRANSITIONS[(state, action)] -> new state`; a missing pair is refused with the code in
`REFUSAL` (or KMS.0210 when the key is pending deletion). `ALLOWED_OPS[state]` says what a
key in that state may be used for (only Enabled keys do cryptography). A new key starts in
`initial_state(origin)`; every later write of `Cmk.key_state` is a `next_state` result.
"""
from __future__ import annotations

from enum import Enum

from engine.errors import DewError
from engine.kms.rules import (ALREADY_PENDING_DELETION, KEY_DISABLED, KEY_PENDING_DELETION, MATERIAL_STATE,
                              NOT_DISABLED, NOT_ENABLED, NOT_PENDING_DELETION, NOT_PENDING_IMPORT)


class KeyState(str, Enum):
    ENABLED = "2"
    DISABLED = "3"
    PENDING_DELETION = "4"
    PENDING_IMPORT = "5"

    @property
    def label(self) -> str:
        return _LABELS[self]

    def __str__(self) -> str:
        return self.value


_LABELS = {KeyState.ENABLED: "Enabled", KeyState.DISABLED: "Disabled",
           KeyState.PENDING_DELETION: "Pending deletion", KeyState.PENDING_IMPORT: "Pending import"}

E, D, PD, PI = KeyState.ENABLED, KeyState.DISABLED, KeyState.PENDING_DELETION, KeyState.PENDING_IMPORT

ACTIONS = ("enable", "disable", "schedule_deletion", "cancel_deletion",
           "cancel_deletion_without_material", "import_material", "delete_material")

TRANSITIONS: dict[tuple[KeyState, str], KeyState] = {
    (D, "enable"): E,
    (E, "disable"): D,
    (E, "schedule_deletion"): PD,
    (D, "schedule_deletion"): PD,
    (PI, "schedule_deletion"): PD,
    (PD, "cancel_deletion"): D,
    (PD, "cancel_deletion_without_material"): PI,
    (PI, "import_material"): E,
    (E, "delete_material"): PI,
    (D, "delete_material"): PI,
}

REFUSAL: dict[str, tuple[str, str]] = {
    "enable": (NOT_DISABLED, "the key is not disabled"),
    "disable": (NOT_ENABLED, "the key is not enabled"),
    "schedule_deletion": (ALREADY_PENDING_DELETION, "the key is already pending deletion"),
    "cancel_deletion": (NOT_PENDING_DELETION, "the key is not pending deletion"),
    "cancel_deletion_without_material": (NOT_PENDING_DELETION, "the key is not pending deletion"),
    "import_material": (NOT_PENDING_IMPORT, "the key is not pending import"),
    "delete_material": (MATERIAL_STATE, "key material can only be deleted from an enabled or disabled key"),
}

# the state a new key starts in, by origin: generated material is usable at once, a key
# for imported material waits for it (creation is not a transition: there is no prior state)
INITIAL_STATE: dict[str, KeyState] = {"kms": E, "external": PI}

# what a key in each state may be used for
ALLOWED_OPS: dict[KeyState, frozenset[str]] = {
    E: frozenset({"crypto", "describe", "manage", "grant", "rotate"}),
    D: frozenset({"describe", "manage"}),
    PD: frozenset({"describe"}),
    PI: frozenset({"describe", "manage", "import"}),
}


def next_state(state: KeyState | str, action: str, key_id: str = "") -> KeyState:
    state = KeyState(state)
    new = TRANSITIONS.get((state, action))
    if new is not None:
        return new
    if state is PD and not action.startswith("cancel_deletion") and action != "schedule_deletion":
        raise DewError(KEY_PENDING_DELETION, f"key {key_id} is pending deletion and cannot be changed", 400)
    code, msg = REFUSAL[action]
    raise DewError(code, f"{msg} (key {key_id} is {state.label})", 400)


def initial_state(origin: str) -> KeyState:
    return INITIAL_STATE[origin]


def require_usable(state: KeyState | str, key_id: str) -> None:
    """Only Enabled keys do cryptography: Disabled → KMS.0209, Pending deletion → KMS.0210."""
    state = KeyState(state)
    if state is E:
        return
    if state is D:
        raise DewError(KEY_DISABLED, f"key {key_id} is disabled", 400)
    if state is PD:
        raise DewError(KEY_PENDING_DELETION, f"key {key_id} is pending deletion and cannot be used", 400)
    raise DewError(NOT_PENDING_IMPORT, f"key {key_id} is pending import: it has no key material", 400)
