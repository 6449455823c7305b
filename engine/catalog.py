"""The engine's public constants and pure validators, in one place for the UI to reuse.

A dialog checks what a person types with the engine's own rules (so the two never disagree)
and offers the engine's own choices (key specs, grant operations, event types...). Those
rules live in the engine's rooms (`engine.kms.specs`, `engine.csms.rules`, ...); this module
only re-exports them under names that say which room they belong to, so the UI imports
`engine` and `engine.catalog` and nothing deeper. Everything here is pure: no database, no
clock, no randomness. The engine re-checks every request whatever the UI did.
"""
from __future__ import annotations

from engine.csms.rotation import DEFAULT_ALPHABET, DEFAULT_GENERATOR, check_generator
from engine.csms.rules import BUILTIN_STAGES, MAX_WINDOW_DAYS, MIN_WINDOW_DAYS, STAGE_RE, encode_value, parse_period
from engine.csms.rules import NAME_RE as SECRET_NAME_RE
from engine.csms.rules import check_description as check_secret_description
from engine.csms.rules import check_name as check_secret_name
from engine.events.catalog import BY_NAME as EVENT_TYPES_BY_NAME
from engine.events.catalog import DISABLED, ENABLED, EVENT_TYPES, EventType
from engine.events.catalog import NAME_RE as EVENT_NAME_RE
from engine.iam.service import NAME_RE as IAM_NAME_RE
from engine.kms.imports import WRAPPING_ALGORITHMS as _WRAPPING_HASHES
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

# KMS ------------------------------------------------------------------------------------
WRAPPING_ALGORITHMS: tuple[str, ...] = tuple(_WRAPPING_HASHES)  # how imported material may be wrapped
IMPORT_SPECS: tuple[str, ...] = tuple(spec for spec, info in SPECS.items() if info.importable)

# Topics are named by the same rule as events.
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
