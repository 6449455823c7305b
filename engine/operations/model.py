"""The shape of one cloud operation in the table: its name, HTTP route, fields and encoder.

`Operation` and `Field` are plain data; the HTTP server, the CLI and the palette read them and
never hold a second copy of a route, a field list, a help text or a choice list. `Field.wire`
says how the cloud puts a value on the wire (it sends many numbers and booleans as strings);
`decode_field` turns the wire value into what the engine method takes and leaves anything it
cannot convert as it is, so the engine's own rules refuse it with their code.
"""
from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Mapping

from engine.errors import DewError

# wire types: how a value travels in the cloud's JSON body, path or query string
STR, INT, BOOL, LIST, OBJECT, OBJECTS = "str", "int", "bool", "list", "object", "objects"
TEXT = "text"      # a string the engine takes as UTF-8 bytes (encrypt-data's plain_text)
BASE64 = "base64"  # a base64 string the engine takes as bytes (sign/verify/MAC messages)
EPOCH = "epoch"    # an integer of epoch seconds (milliseconds when > 10^11) the engine takes as a UTC datetime
WIRE_TYPES = (STR, INT, BOOL, LIST, OBJECT, OBJECTS, TEXT, BASE64, EPOCH)
MS_THRESHOLD = 10 ** 11  # later than year 5138 in seconds: the value is in milliseconds

BODY, PATH, QUERY = "body", "path", "query"

Encoder = Callable[[Any, Mapping[str, Any]], "dict[str, Any] | None"]
Caller = Callable[[Any, Mapping[str, Any]], Any]


@dataclass(frozen=True)
class Field:
    """One request field: its wire name, type and place, and what the engine calls it.

    `arg` is the engine keyword (default: the wire name; "" = accepted but not passed, for
    wire fields the engine has no use for such as `sequence`). `secret` marks values the CLI
    must not echo; `binary` marks values a CLI may read from a file."""

    name: str
    wire: str = STR
    where: str = BODY
    required: bool = False
    choices: tuple[str, ...] = ()
    help: str = ""
    arg: str | None = None
    secret: bool = False
    binary: bool = False

    @property
    def kwarg(self) -> str:
        return self.name if self.arg is None else self.arg


@dataclass(frozen=True)
class Operation:
    """One cloud operation. `engine` names the service method ("kms.create_key"); `call`
    replaces the plain keyword call where the wire and the engine differ; `encode` turns the
    engine's result (and the decoded request) into exactly the cloud's response body."""

    name: str
    service: str  # "kms" | "csms"
    method: str
    paths: tuple[str, ...]
    engine: str
    fields: tuple[Field, ...]
    encode: Encoder
    action: str
    trace: str
    sdk: str
    help: str = ""
    status: int = 200
    call: Caller | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)  # fixed engine keywords

    @property
    def family(self) -> str:
        return "KMS" if self.service == "kms" else "CSMS"

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


def bad_field(op: Operation, name: str, why: str) -> DewError:
    code = "KMS.0308" if op.service == "kms" else "CSMS.0002"
    return DewError(code, f"{name}: {why}", 400)


def decode_field(op: Operation, f: Field, value: Any) -> Any:
    """The engine's value for a wire value; unconvertible values pass unchanged (the engine
    refuses them with its code), except base64 that is not base64 (refused here: the engine
    never sees the text)."""
    if value is None:
        return None
    if f.wire == INT and isinstance(value, str):
        text = value.strip()
        if text.lstrip("-").isdigit() and len(text) <= 20:
            return int(text)
        return value
    if f.wire == EPOCH:
        number = value
        if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 20:
            number = int(value.strip())
        if isinstance(number, int) and not isinstance(number, bool) and 0 <= number < 2 ** 48:
            return datetime.fromtimestamp(number / 1000 if number > MS_THRESHOLD else number, timezone.utc)
        return value
    if f.wire == BOOL and isinstance(value, str):
        return {"true": True, "false": False}.get(value.strip().lower(), value)
    if f.wire == TEXT and isinstance(value, str):
        return value.encode("utf-8")
    if f.wire == BASE64:
        if isinstance(value, (bytes, bytearray)):
            return bytes(value)
        if not isinstance(value, str):
            raise bad_field(op, f.name, "must be base64 text")
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise bad_field(op, f.name, "must be base64 text") from None
    if f.wire == LIST and isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return value
