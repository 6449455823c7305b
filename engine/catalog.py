"""The engine's public constants and pure validators, in one place for the UI to reuse.

A dialog checks what a person types with the engine's own rules (so the two never disagree)
and offers the engine's own choices (key specs, grant operations, event types...). Those
rules live in the engine's rooms (`engine.kms.specs`, `engine.csms.rules`, ...); this module
only re-exports them under names that say which room they belong to, so the UI imports
`engine` and `engine.catalog` and nothing deeper. Everything here is pure: no database, no
clock, no randomness. The engine re-checks every request whatever the UI did.

Each name is imported from its room when first used (`__getattr__`): the TUI's first screen
needs a few KMS names, not the secrets, events, IAM and scheduler modules behind the others.
"""
from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engine.csms.rotation import DEFAULT_ALPHABET, DEFAULT_GENERATOR, check_generator
    from engine.csms.rules import BUILTIN_STAGES, MAX_WINDOW_DAYS, MIN_WINDOW_DAYS, STAGE_RE, encode_value, parse_period
    from engine.csms.rules import NAME_RE as SECRET_NAME_RE
    from engine.csms.rules import check_description as check_secret_description
    from engine.csms.rules import check_name as check_secret_name
    from engine.events.catalog import BY_NAME as EVENT_TYPES_BY_NAME
    from engine.events.catalog import DISABLED, ENABLED, EVENT_TYPES, EventType
    from engine.events.catalog import NAME_RE as EVENT_NAME_RE
    from engine.iam.service import NAME_RE as IAM_NAME_RE
    from engine.kms.imports import WRAPPING_KEY_SPECS
    from engine.kms.rules import GRANT_NAME_RE, GRANT_OPERATIONS, PRINCIPAL_TYPES
    from engine.kms.rules import MAX_INTERVAL as ROTATION_MAX_DAYS
    from engine.kms.rules import MIN_INTERVAL as ROTATION_MIN_DAYS
    from engine.kms.rules import check_alias as check_key_alias
    from engine.kms.rules import check_description as check_key_description
    from engine.kms.specs import (ALL_USAGES, EC_SIGNING, ENCRYPT_DECRYPT, GENERATE_VERIFY_MAC, RSA_SIGNING, SIGN_VERIFY,
                                  SPECS, SpecInfo, is_rsa)
    from engine.kms.states import KeyState
    from engine.scheduler.jobs import DueReport
    from engine.scheduler.runner import SchedulerRunner
    from engine.tags import normalize_tags, validate_tag

# name -> (module, name there); a name is imported from its room on first use
_ROOMS: dict[str, tuple[str, str]] = {
    "DEFAULT_ALPHABET": ("engine.csms.rotation", "DEFAULT_ALPHABET"),
    "DEFAULT_GENERATOR": ("engine.csms.rotation", "DEFAULT_GENERATOR"),
    "check_generator": ("engine.csms.rotation", "check_generator"),
    "BUILTIN_STAGES": ("engine.csms.rules", "BUILTIN_STAGES"),
    "MAX_WINDOW_DAYS": ("engine.csms.rules", "MAX_WINDOW_DAYS"),
    "MIN_WINDOW_DAYS": ("engine.csms.rules", "MIN_WINDOW_DAYS"),
    "STAGE_RE": ("engine.csms.rules", "STAGE_RE"),
    "encode_value": ("engine.csms.rules", "encode_value"),
    "parse_period": ("engine.csms.rules", "parse_period"),
    "SECRET_NAME_RE": ("engine.csms.rules", "NAME_RE"),
    "check_secret_description": ("engine.csms.rules", "check_description"),
    "check_secret_name": ("engine.csms.rules", "check_name"),
    "EVENT_TYPES_BY_NAME": ("engine.events.catalog", "BY_NAME"),
    "DISABLED": ("engine.events.catalog", "DISABLED"),
    "ENABLED": ("engine.events.catalog", "ENABLED"),
    "EVENT_TYPES": ("engine.events.catalog", "EVENT_TYPES"),
    "EventType": ("engine.events.catalog", "EventType"),
    "EVENT_NAME_RE": ("engine.events.catalog", "NAME_RE"),
    "TOPIC_NAME_RE": ("engine.events.catalog", "NAME_RE"),  # topics are named by the same rule as events
    "IAM_NAME_RE": ("engine.iam.service", "NAME_RE"),
    "WRAPPING_KEY_SPECS": ("engine.kms.imports", "WRAPPING_KEY_SPECS"),
    "GRANT_NAME_RE": ("engine.kms.rules", "GRANT_NAME_RE"),
    "GRANT_OPERATIONS": ("engine.kms.rules", "GRANT_OPERATIONS"),
    "PRINCIPAL_TYPES": ("engine.kms.rules", "PRINCIPAL_TYPES"),
    "ROTATION_MAX_DAYS": ("engine.kms.rules", "MAX_INTERVAL"),
    "ROTATION_MIN_DAYS": ("engine.kms.rules", "MIN_INTERVAL"),
    "check_key_alias": ("engine.kms.rules", "check_alias"),
    "check_key_description": ("engine.kms.rules", "check_description"),
    "ALL_USAGES": ("engine.kms.specs", "ALL_USAGES"),
    "EC_SIGNING": ("engine.kms.specs", "EC_SIGNING"),
    "ENCRYPT_DECRYPT": ("engine.kms.specs", "ENCRYPT_DECRYPT"),
    "GENERATE_VERIFY_MAC": ("engine.kms.specs", "GENERATE_VERIFY_MAC"),
    "RSA_SIGNING": ("engine.kms.specs", "RSA_SIGNING"),
    "SIGN_VERIFY": ("engine.kms.specs", "SIGN_VERIFY"),
    "SPECS": ("engine.kms.specs", "SPECS"),
    "SpecInfo": ("engine.kms.specs", "SpecInfo"),
    "is_rsa": ("engine.kms.specs", "is_rsa"),
    "KeyState": ("engine.kms.states", "KeyState"),
    "DueReport": ("engine.scheduler.jobs", "DueReport"),
    "SchedulerRunner": ("engine.scheduler.runner", "SchedulerRunner"),
    "normalize_tags": ("engine.tags", "normalize_tags"),
    "validate_tag": ("engine.tags", "validate_tag"),
}


def _derived(name: str) -> Any:
    if name == "WRAPPING_ALGORITHMS":  # how imported material may be wrapped
        return tuple(import_module("engine.kms.imports").WRAPPING_ALGORITHMS)
    if name == "IMPORT_SPECS":
        return tuple(spec for spec, info in import_module("engine.kms.specs").SPECS.items() if info.importable)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __getattr__(name: str) -> Any:
    room = _ROOMS.get(name)
    value = getattr(import_module(room[0]), room[1]) if room else _derived(name)
    globals()[name] = value  # found once
    return value


if TYPE_CHECKING:
    WRAPPING_ALGORITHMS: tuple[str, ...]
    IMPORT_SPECS: tuple[str, ...]
    TOPIC_NAME_RE = EVENT_NAME_RE

__all__ = [
    # KMS: keys
    "SPECS", "SpecInfo", "ALL_USAGES", "ENCRYPT_DECRYPT", "SIGN_VERIFY", "GENERATE_VERIFY_MAC",
    "RSA_SIGNING", "EC_SIGNING", "is_rsa", "KeyState", "check_key_alias", "check_key_description",
    # KMS: import, rotation, grants
    "IMPORT_SPECS", "WRAPPING_ALGORITHMS", "WRAPPING_KEY_SPECS", "ROTATION_MIN_DAYS", "ROTATION_MAX_DAYS",
    "GRANT_OPERATIONS", "GRANT_NAME_RE", "PRINCIPAL_TYPES",
    # secrets
    "SECRET_NAME_RE", "STAGE_RE", "BUILTIN_STAGES", "MIN_WINDOW_DAYS", "MAX_WINDOW_DAYS",
    "check_secret_name", "check_secret_description", "parse_period", "encode_value",
    "DEFAULT_ALPHABET", "DEFAULT_GENERATOR", "check_generator",
    # tags (keys and secrets share the rules)
    "validate_tag", "normalize_tags",
    # events
    "EVENT_TYPES", "EVENT_TYPES_BY_NAME", "EventType", "EVENT_NAME_RE", "TOPIC_NAME_RE", "ENABLED", "DISABLED",
    # IAM
    "IAM_NAME_RE",
    # due work
    "DueReport", "SchedulerRunner",
]
