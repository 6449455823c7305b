"""What a webhook subscription may point at, and how its endpoint is shown in a trace.

An endpoint is an explicit `http://` or `https://` URL (the subscription's protocol) with
a host, no credentials (`user:password@`), only printable ASCII, at most 2048 characters.
A refusal names the rule, never the endpoint (it may carry what it should not). The audit
request shows an endpoint with anything before an `@` masked.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from engine.errors import DewError

PROTOCOLS = ("https", "http")
MAX_ENDPOINT = 2048


def _bad(rule: str) -> DewError:
    return DewError("CSMS.0002", f"invalid endpoint: {rule}", 400)


def check_protocol(protocol: object) -> str:
    if not isinstance(protocol, str) or protocol not in PROTOCOLS:
        raise DewError("CSMS.0002", "invalid protocol: one of https, http", 400)
    return protocol


def check_endpoint(endpoint: object, protocol: str) -> str:
    """`endpoint` when it is an acceptable URL for `protocol`, else CSMS.0002 naming the rule."""
    if not isinstance(endpoint, str) or not endpoint:
        raise _bad("an http:// or https:// URL is required")
    if len(endpoint) > MAX_ENDPOINT:
        raise _bad(f"at most {MAX_ENDPOINT} characters")
    if not endpoint.isascii() or any(c.isspace() or not c.isprintable() for c in endpoint):
        raise _bad("printable ASCII only, no spaces (percent-encode or punycode the rest)")
    try:
        parts = urlsplit(endpoint)
        has_credentials = parts.username is not None or parts.password is not None
        host = parts.hostname
        parts.port  # a port that is no number raises here
    except ValueError:
        raise _bad("not a valid URL") from None
    if parts.scheme.lower() not in PROTOCOLS:
        raise _bad("the URL must start with http:// or https://")
    if has_credentials or "@" in parts.netloc:
        raise _bad("no credentials (user:password@) in the URL; verify deliveries by their signature")
    if not host:
        raise _bad("the URL must name its host explicitly")
    if parts.scheme.lower() != protocol:
        raise _bad(f"the URL's scheme must match the protocol {protocol!r}")
    return endpoint


def shown_endpoint(endpoint: object) -> str:
    """The endpoint as an audit request may hold it: anything before an `@` masked."""
    if not isinstance(endpoint, str):
        return f"<{type(endpoint).__name__}>"
    if "@" in endpoint:
        return "***" + endpoint[endpoint.rindex("@"):]
    return endpoint
