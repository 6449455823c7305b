"""Makes what goes into a trace safe to store: no secrets, bounded size, storable text.

Services pass only safe fields, and this is the second line:
- any field whose name says it carries a secret is replaced by a marker, at any depth;
- a refused call's request is whatever the caller sent, so it is bounded: strings keep
  `MAX_TEXT` characters then `…[+N chars]`, lists and dicts keep `MAX_ITEMS` entries,
  nesting stops at `MAX_DEPTH`, and one request keeps at most `MAX_NODES` values and
  `MAX_CHARS` characters of text (the stored JSON never exceeds `MAX_JSON`);
- values of unexpected types are never stored verbatim, only described (`<bytes 1048576>`,
  `<int 4300 digits>`, `<object Foo>`);
- NUL and other control characters become visible escapes (`\\x00`) and lone surrogates
  U+FFFD, so the text is valid UTF-8 that SQLite, PostgreSQL and JSON readers all accept.

`bounded_text` does the same for a trace's single-line columns (resource id and name,
user, ...) with a hard limit: the result always fits the column.
"""
from __future__ import annotations

import itertools
import json
import math
import re
from datetime import date, datetime
from enum import Enum
from typing import Any

SENSITIVE_FIELDS = frozenset({
    "plain_text", "plaintext", "plain_text_base64", "data_key", "datakey", "secret_string",
    "secret_binary", "secret_blob", "encrypted_key_material", "encrypted_privatekey",
    "import_token", "material", "key_material", "private_key", "message", "password",
    "passphrase", "value_plain", "random_data", "mac", "signature", "cipher_text",
})
REDACTED = "***"

MAX_TEXT = 256      # characters kept of one string value
MAX_KEY = 64        # characters kept of one dict key
MAX_ITEMS = 32      # entries kept of one list or dict
MAX_DEPTH = 4       # nesting levels kept; a deeper container is only described
MAX_NODES = 256     # values kept in one request or response
MAX_CHARS = 4096    # characters of text kept in one request or response
MAX_JSON = 32768    # the stored JSON text at most (beyond: kept again with tight limits)
MAX_SAFE_INT = 10 ** 18

# in values, tab and line breaks are kept (JSON escapes them); in columns nothing is
_UNSAFE_VALUE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_UNSAFE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def _escape_char(c: str) -> str:
    o = ord(c)
    if 0xD800 <= o <= 0xDFFF:
        return "\ufffd"
    return f"\\x{o:02x}" if o < 0x100 else f"\\u{o:04x}"


def _escape(text: str, unsafe: re.Pattern[str]) -> str:
    return unsafe.sub(lambda m: _escape_char(m.group()), text)


def _plain(text: str) -> str:
    """An exact `str` (a subclass's own __str__ is never called)."""
    return text if type(text) is str else str.__str__(text)


def _int_digits(v: int) -> str:
    bits = abs(v).bit_length()
    digits = int((bits - 1) * 0.30102999566398120) + 1
    if bits > 200_000:
        return f"~{digits}"
    return str(digits + 1 if abs(v) >= 10 ** digits else digits)


def describe(value: Any) -> str:
    """A short marker for a value that is not stored itself."""
    if isinstance(value, (bytes, bytearray)):
        return f"<bytes {len(value)}>"
    if isinstance(value, memoryview):
        return f"<bytes {value.nbytes}>"
    if isinstance(value, bool):
        return f"<bool {value}>"
    if isinstance(value, int):
        return f"<int {_int_digits(value)} digits>"
    if isinstance(value, float):
        return f"<float {value}>"
    if isinstance(value, str):
        return f"<str {len(value)} chars>"
    if isinstance(value, dict):
        return f"<dict {len(value)} keys>"
    if isinstance(value, (list, tuple)):
        return f"<list {len(value)} items>"
    name = _escape(type(value).__name__[:MAX_KEY], _UNSAFE_LINE)
    return f"<object {name}>"


def clip(text: str, keep: int = MAX_TEXT) -> str:
    """`text` with its first `keep` characters, control characters escaped, then `…[+N chars]`."""
    text = _plain(text)
    if len(text) <= keep:
        return _escape(text, _UNSAFE_VALUE) if _UNSAFE_VALUE.search(text) else text
    head = text[:keep]
    return _escape(head, _UNSAFE_VALUE) + f"…[+{len(text) - keep} chars]"


def bounded_text(value: Any, limit: int) -> str:
    """`value` as one line of at most `limit` characters (a column's size), always storable."""
    if value is None:
        return ""
    if not isinstance(value, str):
        value = describe(value)
    text = _plain(value)
    if len(text) <= limit and not _UNSAFE_LINE.search(text):
        return text
    if len(text) <= limit:
        escaped = _escape(text, _UNSAFE_LINE)
        if len(escaped) <= limit:
            return escaped
    budget = max(0, limit - len(f"…[+{len(text)} chars]"))
    pieces, used = [], 0
    for c in text[:budget]:
        piece = _escape_char(c) if _UNSAFE_LINE.match(c) else c
        if used + len(piece) > budget:
            break
        pieces.append(piece)
        used += len(piece)
    marker = f"…[+{len(text) - len(pieces)} chars]"
    return ("".join(pieces) + marker)[:limit]


class _Budget:
    """What one request or response may still keep."""

    __slots__ = ("nodes", "chars", "text", "items", "depth")

    def __init__(self, text: int = MAX_TEXT, items: int = MAX_ITEMS, depth: int = MAX_DEPTH,
                 nodes: int = MAX_NODES, chars: int = MAX_CHARS) -> None:
        self.text, self.items, self.depth, self.nodes, self.chars = text, items, depth, nodes, chars


def _key(k: Any) -> str:
    if isinstance(k, str):
        return bounded_text(k, MAX_KEY)
    if isinstance(k, int) and not isinstance(k, bool) and -MAX_SAFE_INT < k < MAX_SAFE_INT:
        return str(int(k))
    return describe(k)


def _is_sensitive(k: Any) -> bool:
    return isinstance(k, str) and len(k) <= 32 and k.lower().replace("-", "_") in SENSITIVE_FIELDS


def _walk(value: Any, b: _Budget, depth: int) -> Any:
    b.nodes -= 1
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        if b.chars <= 0:
            return describe(value)
        kept = clip(value, min(b.text, b.chars))
        b.chars -= len(kept)
        return kept
    if isinstance(value, int):
        return int(value) if -MAX_SAFE_INT < value < MAX_SAFE_INT else describe(value)
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else describe(value)
    if isinstance(value, dict):
        if depth >= b.depth:
            return describe(value)
        out: dict[str, Any] = {}
        total = dict.__len__(value)
        for k, v in itertools.islice(dict.items(value), b.items):
            if b.nodes <= 0:
                break
            key = _key(k)
            if key in out:
                continue
            out[key] = REDACTED if _is_sensitive(k) else _walk(v, b, depth + 1)
        if len(out) < total:
            out["…"] = f"[+{total - len(out)} keys]"
        return out
    if isinstance(value, (list, tuple)):
        if depth >= b.depth:
            return describe(value)
        items: list[Any] = []
        total = len(value)
        for v in itertools.islice(value, b.items):
            if b.nodes <= 0:
                break
            items.append(_walk(v, b, depth + 1))
        if len(items) < total:
            items.append(f"…[+{total - len(items)} items]")
        return items
    if isinstance(value, datetime | date):
        return clip(value.isoformat())
    if isinstance(value, Enum):
        return _walk(value.value, b, depth)
    return describe(value)


def sanitize(value: Any, budget: _Budget | None = None) -> Any:
    """`value` with secrets redacted, bounded in size, as plain JSON types."""
    return _walk(value, budget or _Budget(), 0)


def to_json(value: Any) -> str:
    """The sanitized `value` as JSON text (ASCII, sorted keys), at most `MAX_JSON` characters."""
    text = json.dumps(sanitize(value if value is not None else {}), sort_keys=True,
                      allow_nan=False)
    if len(text) > MAX_JSON:  # a pathological mix of escapes: keep it again, tightly
        text = json.dumps(sanitize(value, _Budget(text=32, items=8, depth=2, nodes=64, chars=512)),
                          sort_keys=True, allow_nan=False)
    return text
