"""The permission decision: the one place that says whether a principal may act.

`decide(s, principal, action, resource, grant_op)` where `resource` is a typed `Resource`
naming the owning account. The account boundary is checked here, once:
- inside its own account a principal is allowed when it is the account's administrator, or
  when a policy of its account (or a system policy) attached to it allows the action on the
  resource and none denies it (Deny wins, over grants too), or when a grant covers it;
- across accounts only a KMS grant can open a key (grants to a user or to a whole account);
  policies and administrator rights never reach another account.
Everything else is refused with the family's 403 code; a refused look at another account's
key answers like an unknown key, so the refusal is no existence oracle. Callers audit refusals.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from sqlmodel import Session, col, or_, select

from engine.errors import DewError
from engine.iam.principal import Principal
from engine.iam.resources import Resource, action_matches, pattern_matches
from engine.models.core import Policy, PolicyAttachment
from engine.models.grants import Grant

FORBIDDEN = {"KMS": "KMS.0306", "CSMS": "CSMS.0302", "IAM": "IAM.0403", "CTS": "CTS.0302"}


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str  # "administrator", "policy <name> statement <i>", "grant <id>", "denied by …", "no permission"


def _statements(document: str) -> list[dict]:
    try:
        doc = json.loads(document)
    except ValueError:
        return []
    st = doc.get("Statement") if isinstance(doc, dict) else None
    return [x for x in st if isinstance(x, dict)] if isinstance(st, list) else []


def _as_list(value: object) -> list:
    if isinstance(value, list):
        return value
    return [value] if isinstance(value, str) else []


def _policy_decision(s: Session, p: Principal, action: str, resource: Resource) -> Decision | None:
    # both rows are loaded whole, so their MACs are checked (an attachment inserted into the
    # database without the root key is refused, never honoured)
    rows = s.exec(select(Policy, PolicyAttachment)
                  .join(PolicyAttachment, col(PolicyAttachment.policy_id) == col(Policy.policy_id))
                  .where(PolicyAttachment.user_id == p.user_id,
                         or_(col(Policy.system) == True, col(Policy.domain_id) == p.domain_id))  # noqa: E712
                  .order_by(Policy.name)).all()
    allow: Decision | None = None
    for pol, _attachment in rows:
        for i, st in enumerate(_statements(pol.document)):
            if not any(action_matches(a, action) for a in _as_list(st.get("Action"))):
                continue
            patterns = _as_list(st.get("Resource", ["*"])) or ["*"]
            if not any(pattern_matches(r, resource) for r in patterns):
                continue
            if st.get("Effect") == "Deny":
                return Decision(False, f"denied by policy {pol.name} statement {i}")
            if st.get("Effect") == "Allow" and allow is None:
                allow = Decision(True, f"policy {pol.name} statement {i}")
    return allow


def grant_covering(s: Session, p: Principal, key_id: str, grant_op: str) -> Grant | None:
    grants = s.exec(select(Grant).where(Grant.key_id == key_id).order_by(Grant.grant_id)).all()
    for g in grants:
        holder = (g.grantee_principal_type == "user" and g.grantee_principal == p.user_id) or \
                 (g.grantee_principal_type == "domain" and g.grantee_principal == p.domain_id)
        if holder and grant_op in g.operations.split(","):
            return g
    return None


def decide(s: Session, p: Principal, action: str, resource: Resource,
           grant_op: str | None = None) -> Decision:
    same_account = resource.domain_id == p.domain_id
    if same_account:
        if p.is_admin:
            return Decision(True, "administrator")
        by_policy = _policy_decision(s, p, action, resource)
        if by_policy is not None:
            return by_policy
    if grant_op and resource.service == "KMS" and resource.kind == "KeyId":
        g = grant_covering(s, p, resource.name, grant_op)
        if g is not None:
            return Decision(True, f"grant {g.grant_id}")
    return Decision(False, "no permission" if same_account else "another account")


def refusal(p: Principal, action: str, resource: Resource, family: str) -> DewError:
    """The error a refused decision raises (another account's key: as if unknown)."""
    if resource.domain_id != p.domain_id and resource.service == "KMS" and resource.kind == "KeyId":
        return DewError("KMS.0207", f"key {resource.name} does not exist", 404)
    what = f"{action} on {resource}" if resource.scoped else f"{action} in account {resource.domain_id}"
    return DewError(FORBIDDEN.get(family, "KMS.0306"), f"{p.name} has no permission for {what}", 403)


def authorize(s: Session, p: Principal, action: str, resource: Resource, *, family: str = "KMS",
              grant_op: str | None = None) -> Decision:
    d = decide(s, p, action, resource, grant_op)
    if not d.allowed:
        raise refusal(p, action, resource, family)
    return d
