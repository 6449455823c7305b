"""One table of the cloud's operations: the HTTP API, the CLI and the palette are made from it.

Each `Operation` names a cloud operation (`create-key`), its service (kms|csms), HTTP method
and path(s) as the official SDK sends them, the engine method it calls, its request fields
with their wire types, an encoder giving exactly the cloud's response body, the permission
action the engine checks ("" when the engine decides by principal, as for retire-grant) and
the trace name the audit trail records. `invoke(eng, name, fields)` decodes wire fields,
calls the engine and encodes the response; every refusal is the engine's `DewError`.

This package never imports an HTTP or CLI library: the server and the CLI read it.
"""
from __future__ import annotations

from typing import Any, Mapping

from engine.operations.csms_table import OPERATIONS as _CSMS
from engine.operations.kms_table import OPERATIONS as _KMS
from engine.operations.model import (BASE64, BODY, BOOL, EPOCH, INT, LIST, OBJECT, OBJECTS, PATH, QUERY, STR,
                                     TEXT, WIRE_TYPES, Field, Operation, decode_field)

OPERATIONS: tuple[Operation, ...] = _KMS + _CSMS
_BY_NAME: dict[tuple[str, str], Operation] = {(o.service, o.name): o for o in OPERATIONS}


def by_name(name: str, service: str | None = None) -> Operation:
    """The operation called `name` ("create-key", or "kms:create-key"); KeyError if none."""
    if service is None and ":" in name:
        service, name = name.split(":", 1)
    if service is not None:
        return _BY_NAME[(service, name)]
    found = [o for o in OPERATIONS if o.name == name]
    if len(found) != 1:
        raise KeyError(name)
    return found[0]


def decode(op: Operation, fields: Mapping[str, Any]) -> dict[str, Any]:
    """The request's fields as the engine takes them (wire types converted; a missing field
    is None, so the engine's own rules refuse a missing required one with their code)."""
    return {f.name: decode_field(op, f, fields.get(f.name)) for f in op.fields}


def call(eng: Any, op: Operation, args: Mapping[str, Any]) -> Any:
    """Call the engine for decoded `args`: the entry's own call, or the method by keywords
    (fields whose value is None are left to the engine's defaults)."""
    if op.call is not None:
        return op.call(eng, args)
    service, method = op.engine.split(".", 1)
    kwargs = {f.kwarg: args[f.name] for f in op.fields if f.kwarg and args.get(f.name) is not None}
    for f in op.fields:  # required fields always reach the engine, as None when missing
        if f.required and f.kwarg and f.kwarg not in kwargs:
            kwargs[f.kwarg] = None
    return getattr(getattr(eng, service), method)(**{**op.extra, **kwargs})


def invoke(eng: Any, name: str, fields: Mapping[str, Any], service: str | None = None) -> dict[str, Any]:
    """Run operation `name` with wire `fields` on `eng`; → the cloud's response body ({} when
    the cloud answers with no body). Refusals raise the engine's DewError."""
    op = by_name(name, service)
    args = decode(op, fields)
    result = call(eng, op, args)
    return op.encode(result, args) or {}


__all__ = ["OPERATIONS", "Operation", "Field", "by_name", "decode", "call", "invoke", "decode_field",
           "STR", "INT", "BOOL", "LIST", "OBJECT", "OBJECTS", "TEXT", "BASE64", "EPOCH", "WIRE_TYPES",
           "BODY", "PATH", "QUERY"]
