"""The permission decision: the one place that says whether a principal may act.

Allowed when the principal is its account's administrator, or when a policy attached to it
allows the action on the resource and none denies it (Deny wins), or when a grant on the key
covers the operation (grants to the user, or to the user's account). Everything else is
refused with the family's 403 code. Callers audit the refusal as a warning.
"""
from __future__ import annotations

import fnmatch
import json
from dataclasses import dataclass

from sqlmodel import Session, select

from engine.errors import DewError
from engine.iam.principal import Principal
from engine.models.core import Policy, PolicyAttachment
from engine.models.grants import Grant

FORBIDDEN = {"KMS": "KMS.0306", "CSMS": "CSMS.0302", "IAM": "IAM.0403"}


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str  # "administrator", "policy <name>", "grant <id>", "denied by policy <name>", "no permission"


def key_resource(key_id: str | None) -> str:
    return f"KMS:*:*:KeyId:{key_id}" if key_id else "*"


def _matches(patterns: list[str] | str, value: str) -> bool:
    if isinstance(patterns, str):
        patterns = [patterns]
    return any(fnmatch.fnmatchcase(value.lower(), str(p).lower()) for p in patterns)


def _policy_decision(s: Session, p: Principal, action: str, resource: str) -> Decision | None:
    rows = s.exec(select(Policy).join(PolicyAttachment, PolicyAttachment.policy_id == Policy.policy_id)
                  .where(PolicyAttachment.user_id == p.user_id)).all()
    allow: Decision | None = None
    for pol in rows:
        try:
            statements = json.loads(pol.document).get("Statement", [])
        except ValueError:
            continue
        for st in statements:
            if not _matches(st.get("Action", []), action):
                continue
            if not _matches(st.get("Resource", ["*"]) or ["*"], resource):
                continue
            if st.get("Effect") == "Deny":
                return Decision(False, f"denied by policy {pol.name}")
            if st.get("Effect") == "Allow" and allow is None:
                allow = Decision(True, f"policy {pol.name}")
    return allow


def grant_covering(s: Session, p: Principal, key_id: str, grant_op: str) -> Grant | None:
    grants = s.exec(select(Grant).where(Grant.key_id == key_id)).all()
    for g in grants:
        holder = (g.grantee_principal_type == "user" and g.grantee_principal == p.user_id) or \
                 (g.grantee_principal_type == "domain" and g.grantee_principal == p.domain_id)
        if holder and grant_op in g.operations.split(","):
            return g
    return None


def decide(s: Session, p: Principal, action: str, *, key_id: str | None = None,
           key_domain: str | None = None, grant_op: str | None = None) -> Decision:
    if p.is_admin and (key_domain is None or key_domain == p.domain_id):
        return Decision(True, "administrator")
    resource = key_resource(key_id)
    by_policy = _policy_decision(s, p, action, resource) if (key_domain in (None, p.domain_id)) else None
    if by_policy is not None and not by_policy.allowed:
        return by_policy
    if by_policy is not None:
        return by_policy
    if key_id and grant_op:
        g = grant_covering(s, p, key_id, grant_op)
        if g is not None:
            return Decision(True, f"grant {g.grant_id}")
    return Decision(False, "no permission")


def authorize(s: Session, p: Principal, action: str, *, family: str = "KMS",
              key_id: str | None = None, key_domain: str | None = None,
              grant_op: str | None = None) -> Decision:
    d = decide(s, p, action, key_id=key_id, key_domain=key_domain, grant_op=grant_op)
    if not d.allowed:
        what = f"{action} on key {key_id}" if key_id else action
        raise DewError(FORBIDDEN.get(family, "KMS.0306"),
                       f"{p.name} has no permission for {what}", 403)
    return d
