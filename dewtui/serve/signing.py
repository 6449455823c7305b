"""The HTTP half of SDK-HMAC-SHA256: read the `Authorization` header and rebuild, from the
request exactly as received, the string the official SDK signed.

The engine holds the secret keys and checks the signature (`Engine.authenticate`); this
module never sees a secret. It follows the SDK's signer byte for byte (huaweicloudsdkcore
`signer.Signer`): canonical URI = each unquoted path segment re-quoted (safe "~") and a
trailing "/"; canonical query = (key, value) pairs sorted, quoted; canonical headers = the
signed headers, lower-cased, `name:value.strip()`; payload hash = SHA-256 of the body bytes.

The body is always hashed: a client's `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD` is not
honoured, so no request body goes unsigned. `host` and `x-sdk-date` must be signed.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Iterable
from urllib.parse import quote, unquote

ALGORITHM = "SDK-HMAC-SHA256"
REQUIRED_SIGNED = ("host", "x-sdk-date")
MAX_AUTHORIZATION = 2048
_FIELD_RE = re.compile(r"\s*([A-Za-z]+)=([^,\s]*)\s*")


class SigningError(ValueError):
    """The request's Authorization cannot be read (the server answers APIGW.0301)."""


@dataclass(frozen=True)
class Authorization:
    access: str
    signed_headers: tuple[str, ...]
    signature: str


def parse_authorization(value: str | None) -> Authorization:
    """`SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex` → its parts."""
    if not value or len(value) > MAX_AUTHORIZATION:
        raise SigningError("no Authorization header")
    algorithm, _, rest = value.strip().partition(" ")
    if algorithm != ALGORITHM:
        raise SigningError(f"the signing algorithm must be {ALGORITHM}")
    parts: dict[str, str] = {}
    for item in rest.split(","):
        m = _FIELD_RE.fullmatch(item)
        if m is None or m.group(1) in parts:
            raise SigningError("malformed Authorization header")
        parts[m.group(1)] = m.group(2)
    if set(parts) != {"Access", "SignedHeaders", "Signature"} or not all(parts.values()):
        raise SigningError("malformed Authorization header")
    signed = tuple(parts["SignedHeaders"].split(";"))
    if any(not h or h != h.lower() for h in signed) or list(signed) != sorted(set(signed)):
        raise SigningError("malformed SignedHeaders")
    if not all(h in signed for h in REQUIRED_SIGNED):
        raise SigningError("host and x-sdk-date must be signed")
    return Authorization(parts["Access"], signed, parts["Signature"])


def canonical_uri(raw_path: str) -> str:
    uri = "/".join(quote(segment, safe="~") for segment in unquote(raw_path).split("/"))
    return uri if uri.endswith("/") else uri + "/"


def canonical_query(raw_query: str) -> str:
    pairs = []
    for item in raw_query.split("&") if raw_query else ():
        key, _, value = item.partition("=")
        pairs.append((unquote(key.replace("+", " ")), unquote(value.replace("+", " "))))
    pairs.sort()
    return "&".join(f"{quote(k, safe='~')}={quote(v, safe='~')}" for k, v in pairs)


def string_to_sign(method: str, raw_path: str, raw_query: str,
                   headers: Iterable[tuple[str, str]], auth: Authorization, body: bytes) -> str:
    """The SDK's string to sign for this request as received; SigningError when a signed
    header is missing or given twice."""
    received: dict[str, str] = {}
    for name, value in headers:
        key = name.lower()
        if key in auth.signed_headers:
            if key in received:
                raise SigningError(f"signed header {key} given twice")
            received[key] = value.strip()
    missing = [h for h in auth.signed_headers if h not in received]
    if missing:
        raise SigningError(f"signed header {missing[0]} is missing")
    canonical_headers = "".join(f"{h}:{received[h]}\n" for h in auth.signed_headers)
    payload = hashlib.sha256(body).hexdigest()
    canonical = "\n".join((method.upper(), canonical_uri(raw_path), canonical_query(raw_query),
                           canonical_headers, ";".join(auth.signed_headers), payload))
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return f"{ALGORITHM}\n{received['x-sdk-date']}\n{digest}"
