"""Tag rules shared by keys and secrets (SPEC §2 "Tags"): one validator for both.

The alphabets are the guide's tables: a key's tags (table 2-11) take English letters,
digits, space and `_ - @`; a secret's (table 2-17) also Chinese, so any script's letters
and digits. Both: key 1-128 characters without leading or trailing space, value 0-255.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from engine.errors import DewError

KMS_TAG_CHARS = re.compile(r"[A-Za-z0-9 _@-]*")   # English letters, digits, space, _ - @
CSMS_TAG_CHARS = re.compile(r"[\w \-@]*")        # letters and digits of any script (CJK), ...
_ALPHABETS = {"KMS": (KMS_TAG_CHARS, "English letters, digits, spaces, _ - @"),
              "CSMS": (CSMS_TAG_CHARS, "letters (Chinese too), digits, spaces, _ - @")}


@dataclass(frozen=True)
class Tag:
    """One tag of a key or a secret."""
    key: str
    value: str = ""


def _bad(code: str, msg: str) -> DewError:
    return DewError(code, msg, 400)


def validate_tag(key: str, value: str, family: str = "KMS") -> tuple[str, str]:
    """(key, value) when valid for `family` ("KMS" keys, "CSMS" secrets), else refuse."""
    kcode, vcode = ("KMS.0406", "KMS.0405") if family == "KMS" else ("CSMS.0002", "CSMS.0002")
    chars, allowed = _ALPHABETS["KMS" if family == "KMS" else "CSMS"]
    if not isinstance(key, str) or not 1 <= len(key) <= 128:
        raise _bad(kcode, f"tag key must be 1-128 characters, got {len(key) if isinstance(key, str) else key!r}")
    if key != key.strip():
        raise _bad(kcode, f"tag key {key!r} must not start or end with a space")
    if not chars.fullmatch(key):
        raise _bad(kcode, f"tag key {key!r} may contain only {allowed}")
    if value is None:
        value = ""
    if not isinstance(value, str) or len(value) > 255:
        raise _bad(vcode, f"tag value for {key!r} must be at most 255 characters")
    if not chars.fullmatch(value) or (value and value != value.strip()):
        raise _bad(vcode, f"tag value for {key!r} may contain only {allowed}, "
                          "and no leading or trailing space")
    return key, value


def normalize_tags(tags: Mapping[str, str] | Iterable | None, family: str = "KMS") -> list[tuple[str, str]]:
    """Accept {"k": "v"}, [("k","v")], [{"key": k, "value": v}] or Tag objects; validate each."""
    invalid = "KMS.0414" if family == "KMS" else "CSMS.0002"
    if not tags:
        return []
    if isinstance(tags, Mapping):
        items = list(tags.items())
    elif isinstance(tags, (list, tuple, set, frozenset)):
        items = []
        entries: Iterable[Any] = tags  # dicts, Tag objects or (key, value) pairs, mixed
        for t in entries:
            if isinstance(t, Mapping):
                items.append((t.get("key"), t.get("value", "")))
            elif isinstance(t, Tag):
                items.append((t.key, t.value))
            elif isinstance(t, (list, tuple)) and len(t) == 2:
                items.append((t[0], t[1]))
            else:
                raise _bad(invalid, "each tag is a {key, value} object or a (key, value) pair")
    else:
        raise _bad(invalid, "tags must be a mapping or a list of tags")
    seen: set[str] = set()
    out = []
    for k, v in items:
        k, v = validate_tag(k, v, family)
        if k in seen:
            raise _bad("KMS.0412" if family == "KMS" else "CSMS.0002", f"tag key {k!r} given twice")
        seen.add(k)
        out.append((k, v))
    return out
