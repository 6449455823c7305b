"""The argument guard: every public service method checks its arguments before any work.

Bad input must be refused with a DewError naming the argument, never reach SQL, the
crypto stack or the audit trail as something they choke on (lone surrogates, NUL bytes,
huge integers, deep or huge containers, objects of arbitrary types). The guard checks:
- types that can be arguments at all: None, bool, int, float, str, bytes, datetime/date/
  timedelta, enums, paths, dataclass values, and lists/tuples/sets/dicts of those;
- sizes: strings and byte strings up to 256 KiB, containers up to 1,000 items and 6 levels,
  integers within a signed 64-bit range, finite floats;
- encodings: strings must be valid Unicode (no lone surrogates); NUL only in value fields;
- the declared kind: a parameter annotated `str` (or `str | None`) takes only a string.
Each domain still checks meaning (ranges, formats) with its own codes; this is the floor.
"""
from __future__ import annotations

import dataclasses
import enum
import inspect
import math
import os
import types
import typing
from datetime import date, datetime, timedelta
from typing import Any, Callable

from engine.errors import DewError

MAX_TEXT = 256 * 1024
MAX_ITEMS = 1000
MAX_DEPTH = 6
INT_LIMIT = 2 ** 63
# parameters that carry values (encrypted or hashed, never stored as text): NUL is data there
VALUE_PARAMS = frozenset({"plain_text", "message", "secret_string", "secret_binary", "value",
                          "document", "secret_blob", "cipher_text", "signature", "mac"})
INVALID = {"KMS": "KMS.0308", "CSMS": "CSMS.0002", "IAM": "IAM.0001", "CTS": "CTS.0002"}
PARAM_CODES = {("KMS", "key_id"): "KMS.0205"}


# methods whose trace name is not their camelCased name (the cloud's CTS names)
TRACE_NAMES = {("CTS", "export_csv"): "exportTraces", ("CTS", "verify"): "verifyTraces",
               ("CTS", "head"): "verifyTraces", ("CTS", "count_traces"): "listTraces",
               ("KMS", "verify"): "validateSignature", ("CSMS", "delete_secret"): "forceDeleteSecret"}


def trace_name_of(method: str, family: str = "") -> str:
    """`create_secret_version` → `createSecretVersion` (the cloud's trace naming)."""
    if (family, method) in TRACE_NAMES:
        return TRACE_NAMES[(family, method)]
    head, *rest = method.split("_")
    return head + "".join(w[:1].upper() + w[1:] for w in rest)


class _Refused(Exception):
    def __init__(self, what: str) -> None:
        self.what = what


def _check_value(v: Any, nul_ok: bool, depth: int = 0) -> None:
    if v is None or isinstance(v, (bool, enum.Enum, datetime, date, timedelta)):
        return
    if isinstance(v, int):
        if not -INT_LIMIT < v < INT_LIMIT:
            raise _Refused("is an integer out of range")
        return
    if isinstance(v, float):
        if not math.isfinite(v) or abs(v) >= INT_LIMIT:
            raise _Refused("is not a finite number in range")
        return
    if isinstance(v, str):
        if len(v) > MAX_TEXT:
            raise _Refused(f"is longer than {MAX_TEXT} characters")
        try:
            v.encode("utf-8")
        except UnicodeEncodeError:
            raise _Refused("is not valid Unicode text") from None
        if not nul_ok and "\x00" in v:
            raise _Refused("contains a NUL character")
        return
    if isinstance(v, (bytes, bytearray)):
        if len(v) > MAX_TEXT:
            raise _Refused(f"is longer than {MAX_TEXT} bytes")
        return
    if isinstance(v, os.PathLike):
        _check_value(os.fspath(v), False, depth)
        return
    if depth >= MAX_DEPTH:
        raise _Refused("is nested too deeply")
    if isinstance(v, dict):
        if len(v) > MAX_ITEMS:
            raise _Refused(f"has more than {MAX_ITEMS} items")
        for k, x in v.items():
            if not isinstance(k, (str, int)) or isinstance(k, bool):
                raise _Refused("has a key that is not text")
            _check_value(k, False, depth + 1)
            _check_value(x, nul_ok, depth + 1)
        return
    if isinstance(v, (list, tuple, set, frozenset)):
        if len(v) > MAX_ITEMS:
            raise _Refused(f"has more than {MAX_ITEMS} items")
        for x in v:
            _check_value(x, nul_ok, depth + 1)
        return
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        return
    raise _Refused(f"has an unsupported type {type(v).__name__}")


def _text_only(hint: Any) -> tuple[bool, bool] | None:
    """(text only, None allowed) when the annotation is `str` or `str | None`, else None."""
    if hint is str:
        return True, False
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = set(typing.get_args(hint))
        if args == {str, type(None)}:
            return True, True
    return None


class ArgumentGuard:
    """Checks one method's arguments (its signature read once)."""

    def __init__(self, fn: Callable[..., Any]) -> None:
        self.fn = fn
        self.sig = inspect.signature(fn)
        try:
            hints = typing.get_type_hints(fn)
        except Exception:  # names only imported for type checking: no kind checks then
            hints = {}
        self.text_params = {name: t for name, h in hints.items() if (t := _text_only(h))}
        params = list(self.sig.parameters.values())[1:]  # after self
        P = inspect.Parameter
        # positional arguments only, as most calls are, bind by zipping with these names when
        # every required parameter is among them (anything else: the signature's own bind)
        positional = [p for p in params if p.kind in (P.POSITIONAL_ONLY, P.POSITIONAL_OR_KEYWORD)]
        self._positional = [p.name for p in positional]
        self._required = sum(1 for p in positional if p.default is P.empty)
        self._zip_ok = not any(p.kind is P.KEYWORD_ONLY and p.default is P.empty for p in params)
        self._kinds = {p.name: p.kind for p in params}

    def bind(self, args: tuple, kwargs: dict) -> dict[str, Any]:
        if not kwargs and self._zip_ok and self._required <= len(args) <= len(self._positional):
            return dict(zip(self._positional, args))
        try:
            bound = self.sig.bind(None, *args, **kwargs)
        except TypeError as e:
            raise _Refused(str(e).replace("missing a required argument:", "needs the argument")) from None
        bound.arguments.pop(next(iter(self.sig.parameters)), None)  # self
        return dict(bound.arguments)

    def request(self, args: tuple, kwargs: dict) -> dict[str, Any]:
        """The arguments as a trace request (the audit writer bounds and redacts them)."""
        try:
            return self.bind(args, kwargs)
        except _Refused:
            return {"arguments": len(args) + len(kwargs)}

    def check(self, family: str, args: tuple, kwargs: dict) -> None:
        code = INVALID.get(family, "DEW.0003")
        try:
            arguments = self.bind(args, kwargs)
        except _Refused as r:
            raise DewError(code, f"{self.fn.__name__}: {r.what}", 400) from None
        for name, value in arguments.items():
            kind = self._kinds[name]
            values = value.values() if kind is inspect.Parameter.VAR_KEYWORD else \
                value if kind is inspect.Parameter.VAR_POSITIONAL else (value,)
            for v in values:
                try:
                    _check_value(v, nul_ok=name in VALUE_PARAMS)
                    # text parameters never take containers or byte strings; scalars of the
                    # wrong kind reach the domain's own check (and its more precise code)
                    if name in self.text_params and isinstance(v, (bytes, bytearray, dict, list,
                                                                   tuple, set, frozenset)):
                        raise _Refused(f"must be text, not {type(v).__name__}")
                except _Refused as r:
                    raise DewError(PARAM_CODES.get((family, name), code),
                                   f"argument {name!r} {r.what}", 400) from None


