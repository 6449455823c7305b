"""Validation of secret-manager inputs, one function per rule, and the codes they refuse with.

Every public call validates here at its entry (the UI's validators are for comfort only).
Messages name what is wrong but never echo a secret value.
"""
from __future__ import annotations

import base64
import binascii
import json
import re
from datetime import datetime, timedelta
from typing import Any, Mapping

from engine.errors import DewError

# codes (cloud-api-notes §3); CSMS.0002 is the cloud's generic "invalid parameter"
INVALID = "CSMS.0002"
BAD_BODY = "CSMS.0004"            # a backup blob that is malformed, altered or foreign
NOT_FOUND = "CSMS.0005"           # a version, stage, tag or event that does not exist
PENDING = "CSMS.0103"             # the secret is pending deletion: values and metadata frozen
BUILTIN_STAGE = "CSMS.0105"
NO_SECRET = "CSMS.0106"           # the cloud answers 400, not 404
ALREADY_PENDING = "CSMS.0107"
NOT_PENDING = "CSMS.0108"
SECRET_QUOTA = "CSMS.0202"
STAGE_QUOTA = "CSMS.0203"         # adding a stage would exceed the per-secret limit
STAGE_LIST_TOO_LONG = "CSMS.0204"  # more stages named in one request than the limit
KEY_UNUSABLE = "CSMS.0401"        # the KMS key is missing, disabled or pending deletion
NAME_TAKEN = INVALID
VERSION_QUOTA = INVALID           # every version carries a stage: none can be dropped

SYSCURRENT, SYSPREVIOUS = "SYSCURRENT", "SYSPREVIOUS"
LATEST = "latest"  # the version id that names the SYSCURRENT version
BUILTIN_STAGES = (SYSCURRENT, SYSPREVIOUS)
ENABLED, PENDING_DELETE = "ENABLED", "PENDING_DELETE"
SECRET_TYPES = ("COMMON",)

NAME_RE = re.compile(r"^[a-zA-Z0-9_-]{1,64}\Z")
STAGE_RE = NAME_RE
VERSION_RE = re.compile(r"^v[1-9][0-9]{0,8}\Z")
MAX_VALUE_BYTES = 32 * 1024
MAX_DESCRIPTION_BYTES = 2048
MIN_WINDOW_DAYS, MAX_WINDOW_DAYS = 7, 30
MIN_PERIOD, MAX_PERIOD = timedelta(hours=6), timedelta(days=365)
_PERIOD_RE = re.compile(r"^([1-9][0-9]{0,7})([dhms])\Z")
_UNITS = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}


def bad(message: str, code: str = INVALID) -> DewError:
    return DewError(code, message, 400)


def no_version(secret_name: str, version_id: str) -> DewError:
    """CSMS.0005 for a version the secret lacks (`latest`: it has no SYSCURRENT version)."""
    if version_id == LATEST:
        return bad(f"secret {secret_name} has no SYSCURRENT version", NOT_FOUND)
    return bad(f"secret {secret_name} has no version {version_id}", NOT_FOUND)


def check_name(name: object) -> str:
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise bad(f"invalid secret name {name!r}: 1-64 of letters, digits, _ -")
    return name


def check_stage_name(stage: object) -> str:
    if not isinstance(stage, str) or not STAGE_RE.match(stage):
        raise bad(f"invalid stage name {stage!r}: 1-64 of letters, digits, _ -")
    return stage


def check_version_id(version_id: object) -> str:
    if not isinstance(version_id, str) or not VERSION_RE.match(version_id):
        raise bad(f"invalid version id {version_id!r}: v1, v2, ...")
    return version_id


def check_description(description: object) -> str:
    if description is None:
        return ""
    if not isinstance(description, str) or len(description.encode("utf-8")) > MAX_DESCRIPTION_BYTES:
        raise bad(f"description must be text of at most {MAX_DESCRIPTION_BYTES} bytes")
    return description


def check_secret_type(secret_type: object) -> str:
    if secret_type not in SECRET_TYPES:
        raise bad(f"invalid secret_type {secret_type!r}; one of {', '.join(SECRET_TYPES)}")
    return str(secret_type)


def encode_value(secret_string: object, secret_binary: object) -> tuple[bytes, str]:
    """(value bytes, kind) from exactly one of text, key/value pairs (a dict) or binary.

    Key/value pairs are stored as JSON text; binary may be given as bytes or base64 text.
    """
    if (secret_string is None) == (secret_binary is None):
        raise bad("give exactly one of secret_string and secret_binary")
    if secret_string is not None:
        if isinstance(secret_string, Mapping):
            if not all(isinstance(k, str) and k for k in secret_string):
                raise bad("key/value pairs need non-empty text keys")
            try:
                secret_string = json.dumps(dict(secret_string), ensure_ascii=False)
            except (TypeError, ValueError):
                raise bad("key/value pairs must be JSON-serialisable") from None
        if not isinstance(secret_string, str):
            raise bad("secret_string must be text or a dict of key/value pairs")
        data, kind = secret_string.encode("utf-8"), "string"
    else:
        if isinstance(secret_binary, str):
            try:
                secret_binary = base64.b64decode(secret_binary, validate=True)
            except (binascii.Error, ValueError):
                raise bad("secret_binary given as text must be base64") from None
        if not isinstance(secret_binary, (bytes, bytearray)):
            raise bad("secret_binary must be bytes")
        data, kind = bytes(secret_binary), "binary"
    if not 1 <= len(data) <= MAX_VALUE_BYTES:
        raise bad(f"the secret value must be 1-{MAX_VALUE_BYTES} bytes, got {len(data)}")
    return data, kind


def check_window(days: object) -> int:
    if isinstance(days, bool) or not isinstance(days, int) or not MIN_WINDOW_DAYS <= days <= MAX_WINDOW_DAYS:
        raise bad(f"recovery_window_in_days must be {MIN_WINDOW_DAYS}-{MAX_WINDOW_DAYS}, got {days!r}")
    return days


def check_expire_time(expire_time: object, now: datetime) -> datetime | None:
    if expire_time is None:
        return None
    if not isinstance(expire_time, datetime) or expire_time.tzinfo is None:
        raise bad("expire_time must be an aware datetime")
    if expire_time <= now:
        raise bad("expire_time must be in the future")
    return expire_time


def check_event_subscriptions(subs: object) -> str:
    """The one event name a secret subscribes to, or "" (the cloud allows at most one)."""
    if subs is None or subs == "":
        return ""
    if isinstance(subs, str):
        subs = [subs]
    if not isinstance(subs, (list, tuple)) or len(subs) > 1:
        raise bad("a secret subscribes to at most one event")
    if not subs:
        return ""
    if not isinstance(subs[0], str) or not NAME_RE.match(subs[0]):
        raise bad(f"invalid event name {subs[0]!r}")
    return subs[0]


def parse_period(period: object) -> tuple[str, timedelta]:
    """("30d", timedelta) for a rotation period of 6 hours to 365 days (units d, h, m, s)."""
    if not isinstance(period, str) or (m := _PERIOD_RE.match(period)) is None:
        raise bad(f"invalid rotation_period {period!r}: a number and a unit d, h, m or s (e.g. 30d)")
    delta = timedelta(**{_UNITS[m.group(2)]: int(m.group(1))})
    if not MIN_PERIOD <= delta <= MAX_PERIOD:
        raise bad(f"rotation_period {period!r} must be 6 hours to 365 days")
    return period, delta


def check_stage_list(stages: Any, limit: int) -> list[str]:
    """The stages a new version is given (default: SYSCURRENT), without duplicates."""
    if stages is None:
        return [SYSCURRENT]
    if isinstance(stages, str):
        stages = [stages]
    if not isinstance(stages, (list, tuple)) or not stages:
        raise bad("version_stages must be a list of 1 or more stage names")
    if len(stages) > limit:
        raise bad(f"at most {limit} stages may be named, got {len(stages)}", STAGE_LIST_TOO_LONG)
    out: list[str] = []
    for st in stages:
        st = check_stage_name(st)
        if st not in out:
            out.append(st)
    return out
