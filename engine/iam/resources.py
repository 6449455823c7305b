"""What a call acts on, as a typed value: the one shape every authorization receives.

A resource is `<SERVICE>:<region>:<account>:<kind>:<name>` — the guide's
`KMS:*:*:KeyId:<id>` form, `CSMS:<region>:<account>:secret:<name>` for secrets and
`IAM:<region>:<account>:user:<name>` for IAM objects. Calls that act on the account as a
whole (create, list) use kind and name `*`. Policy `Resource` patterns are matched segment
by segment (`*` and `?` wildcards inside a segment); the service, region, account and kind
segments ignore case, the name does not (secret `db` is not secret `DB`). A bare `*` pattern
matches everything.
"""
from __future__ import annotations

import fnmatch
from dataclasses import dataclass

REGION = "local"
SEGMENTS = 5


@dataclass(frozen=True)
class Resource:
    service: str      # "KMS", "CSMS", "IAM", "CTS"
    domain_id: str    # the account that owns it
    kind: str = "*"   # "KeyId", "secret", "event", "user", "policy", "group", "*"
    name: str = "*"   # key id, secret name, user name …, or "*" for the account as a whole

    def __str__(self) -> str:
        return f"{self.service}:{REGION}:{self.domain_id}:{self.kind}:{self.name}"

    @property
    def scoped(self) -> bool:
        """True when it names one object (not the account as a whole)."""
        return self.name != "*"


def key_resource(domain_id: str, key_id: str) -> Resource:
    return Resource("KMS", domain_id, "KeyId", key_id)


def secret_resource(domain_id: str, name: str) -> Resource:
    return Resource("CSMS", domain_id, "secret", name)


def account_resource(service: str, domain_id: str) -> Resource:
    return Resource(service, domain_id)


def _segment_matches(pattern: str, value: str, fold: bool) -> bool:
    if fold:
        pattern, value = pattern.lower(), value.lower()
    return fnmatch.fnmatchcase(value, pattern)


def pattern_matches(pattern: object, resource: Resource) -> bool:
    """Does one policy `Resource` entry cover `resource`?"""
    if not isinstance(pattern, str):
        return False
    if pattern == "*":
        return True
    parts = pattern.split(":")
    if len(parts) != SEGMENTS:
        return False
    values = (resource.service, REGION, resource.domain_id, resource.kind, resource.name)
    return all(_segment_matches(p, v, fold=i < SEGMENTS - 1)
               for i, (p, v) in enumerate(zip(parts, values)))


def action_matches(pattern: object, action: str) -> bool:
    """Does one policy `Action` entry cover `action`? (case-insensitive, `*` per segment)"""
    return isinstance(pattern, str) and fnmatch.fnmatchcase(action.lower(), pattern.lower())
