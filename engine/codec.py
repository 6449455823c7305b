"""Canonical, length-prefixed encoding of tuples of fields.

Used wherever several values become one byte string that is authenticated (AES-GCM
associated data, audit chain, import tokens): plain concatenation lets `("ab", "c")` and
`("a", "bc")` collide; a 4-byte length before each part cannot.
"""
from __future__ import annotations

import struct
from typing import Iterable


def canonical(*parts: str | bytes | int | None) -> bytes:
    out = bytearray()
    for part in parts:
        if part is None:
            data, tag = b"", b"n"
        elif isinstance(part, bytes):
            data, tag = part, b"b"
        elif isinstance(part, int):
            data, tag = str(part).encode(), b"i"
        else:
            data, tag = str(part).encode("utf-8"), b"s"
        out += tag + struct.pack(">I", len(data)) + data
    return bytes(out)


def canonical_seq(parts: Iterable[str | bytes | int | None]) -> bytes:
    return canonical(*parts)
