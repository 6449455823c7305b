"""Canonical, length-prefixed encoding of tuples of fields.

Used wherever several values become one byte string that is authenticated (AES-GCM
associated data, audit chain, import tokens): plain concatenation lets `("ab", "c")` and
`("a", "bc")` collide; a 4-byte length before each part cannot.
"""
from __future__ import annotations

import struct
from typing import Iterable


_LEN = struct.Struct(">I").pack


def canonical(*parts: str | bytes | int | None) -> bytes:
    out: list[bytes] = []
    add = out.append
    for part in parts:
        t = type(part)
        if t is str:
            data = part.encode("utf-8")  # type: ignore[union-attr]
            add(b"s" + _LEN(len(data)) + data)
        elif t is bytes:
            add(b"b" + _LEN(len(part)) + part)  # type: ignore[arg-type, operator]
        elif part is None:
            add(b"n\0\0\0\0")
        elif isinstance(part, bytes):
            add(b"b" + _LEN(len(part)) + bytes(part))
        elif isinstance(part, int):
            data = str(part).encode()
            add(b"i" + _LEN(len(data)) + data)
        else:
            data = str(part).encode("utf-8")
            add(b"s" + _LEN(len(data)) + data)
    return b"".join(out)


def canonical_seq(parts: Iterable[str | bytes | int | None]) -> bytes:
    return canonical(*parts)
