"""The permission decision: the one place that says whether a principal may act.

`decide(s, principal, action, resource, grant_op)` where `resource` is a typed `Resource`
naming the owning account. The account boundary is checked here, once:
- inside its own account a principal is allowed when it is the account's administrator, or
  when a policy of its account (or a system policy) attached to it or to one of its groups
  allows the action on the resource and none denies it (Deny wins, over grants too), or when
  a grant covers it;
- across accounts only a KMS grant can open a key (grants to a user or to a whole account);
  policies and administrator rights never reach another account.
Everything else is refused with the family's 403 code; a refused look at another account's
key answers like an unknown key, so the refusal is no existence oracle. Callers audit refusals.

The policies that apply to a user (parsed statements, from MAC-checked rows) are kept in
memory per Database, tagged with the IAM generation: a meta row that every write to a user,
policy, attachment, group or membership moves in the same transaction (ORM flushes and bulk
statements alike, `_bump_on_flush` / `_bump_on_bulk`). A decision reads that one value in its
own transaction and uses the kept policies only when it has not moved — so a change made by
another process is seen by the next call, and one rolled back changes nothing.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, event
from sqlalchemy import select as select_entities
from sqlalchemy.orm import Session as SASession
from sqlmodel import Session, col, or_, select

from engine.db import DATABASE_INFO, IAM_GENERATION, run
from engine.errors import DewError
from engine.iam.principal import Principal
from engine.iam.resources import Resource, action_matches, pattern_matches
from engine.models.core import Policy, PolicyAttachment, User
from engine.models.grants import Grant
from engine.models.iam_groups import GroupMembership, GroupPolicyAttachment, UserGroup

FORBIDDEN = {"KMS": "KMS.0306", "CSMS": "CSMS.0302", "IAM": "IAM.0403", "CTS": "CTS.0302"}


@dataclass(frozen=True)
class Decision:
    allowed: bool
    # "administrator", "policy <name> statement <i>", "group <g> policy <name> statement <i>",
    # "grant <id>", "denied by <policy or group policy> statement <i>", "no permission",
    # "another account"
    reason: str


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


def applying_policies(s: Session, p: Principal) -> list[tuple[str, Policy]]:
    """The policies that apply to `p`, each with where it comes from: `policy <name>` when
    attached to the user, `group <g> policy <name>` when attached to one of its groups.
    Its own first (by name), then its groups' (by group, then policy name).

    One statement. Every row that links the user to a policy (attachment, membership, group
    attachment, the group) is loaded whole, so its MAC is checked: a link inserted into the
    database without the root key is refused (DEW.0010), never honoured."""
    own = select(PolicyAttachment.policy_id).where(PolicyAttachment.user_id == p.user_id)
    my_groups = select(GroupMembership.group_id).where(GroupMembership.user_id == p.user_id)
    via_groups = select(GroupPolicyAttachment.policy_id).where(
        col(GroupPolicyAttachment.group_id).in_(my_groups))
    stmt = (select_entities(Policy, PolicyAttachment, GroupPolicyAttachment, GroupMembership, UserGroup)
            .outerjoin(PolicyAttachment, and_(col(PolicyAttachment.policy_id) == col(Policy.policy_id),
                                              col(PolicyAttachment.user_id) == p.user_id))
            .outerjoin(GroupPolicyAttachment, and_(
                col(GroupPolicyAttachment.policy_id) == col(Policy.policy_id),
                col(GroupPolicyAttachment.group_id).in_(my_groups)))
            .outerjoin(GroupMembership, and_(
                col(GroupMembership.group_id) == col(GroupPolicyAttachment.group_id),
                col(GroupMembership.user_id) == p.user_id))
            .outerjoin(UserGroup, col(UserGroup.group_id) == col(GroupMembership.group_id))
            .where(col(Policy.policy_id).in_(own.union(via_groups)),
                   or_(col(Policy.system) == True, col(Policy.domain_id) == p.domain_id)))  # noqa: E712
    own_policies: dict[str, Policy] = {}
    group_policies: dict[tuple[str, str], Policy] = {}
    for pol, attachment, group_attachment, member, group in s.execute(stmt).all():
        if attachment is not None and attachment.user_id == p.user_id:
            own_policies[pol.name] = pol
        if group_attachment is not None and member is not None and group is not None \
                and member.user_id == p.user_id and group.domain_id == p.domain_id \
                and member.group_id == group_attachment.group_id == group.group_id:
            group_policies[(group.name, pol.name)] = pol
    return [(f"policy {name}", own_policies[name]) for name in sorted(own_policies)] + \
           [(f"group {g} policy {name}", group_policies[(g, name)]) for g, name in sorted(group_policies)]


_WATCHED = (Policy, PolicyAttachment, GroupMembership, GroupPolicyAttachment, UserGroup, User)
_WATCHED_TABLES = frozenset(str(m.__tablename__) for m in _WATCHED)
_BUMP = (f"UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS VARCHAR(32)) "
         f"WHERE name = '{IAM_GENERATION}'")
_READ = f"SELECT value FROM meta WHERE name = '{IAM_GENERATION}'"
_CACHE = "applying_policies"  # Database.caches entry: (user, account) -> (generation, policies)
_GENERATION_INFO = "dew_iam_generation"  # Session.info: (transaction, generation read in it)
CACHE_MAX = 1024  # users whose policies one Database keeps


def _bump_on_flush(session: Any, _flush_context: Any) -> None:
    if any(isinstance(o, _WATCHED) for group in (session.new, session.dirty, session.deleted)
           for o in group):
        run(session, _BUMP)


def _bump_on_bulk(orm_state: Any) -> None:
    if orm_state.is_insert or orm_state.is_update or orm_state.is_delete:
        table = getattr(orm_state.statement, "table", None)
        if getattr(table, "name", None) in _WATCHED_TABLES:
            run(orm_state.session, _BUMP)


event.listen(SASession, "after_flush", _bump_on_flush)
event.listen(SASession, "do_orm_execute", _bump_on_bulk)

Statements = list[tuple[str, list[dict]]]


def _generation(s: Session) -> str | None:
    """The IAM generation as this transaction sees it (read once per transaction)."""
    trans = s.get_transaction()
    held = s.info.get(_GENERATION_INFO)
    if held is not None and trans is not None and held[0] is trans:
        return held[1]  # type: ignore[no-any-return]
    row = run(s, _READ).fetchone()
    value = None if row is None else str(row[0])
    s.info[_GENERATION_INFO] = (s.get_transaction(), value)
    return value


def policy_statements(s: Session, p: Principal) -> Statements:
    """The statements of every policy that applies to `p`, each list with its source
    (`applying_policies`), from memory when no IAM change happened since they were read."""
    db = s.info.get(DATABASE_INFO)
    generation = _generation(s) if db is not None else None  # first: then the policies
    cache = db.caches.setdefault(_CACHE, {}) if db is not None else {}
    ident = (p.user_id, p.domain_id)
    held = cache.get(ident)
    if generation is not None and held is not None and held[0] == generation:
        return held[1]  # type: ignore[no-any-return]
    found = [(source, _statements(pol.document)) for source, pol in applying_policies(s, p)]
    if generation is not None:
        if len(cache) >= CACHE_MAX:
            cache.clear()
        cache[ident] = (generation, found)
    return found


def _policy_decision(s: Session, p: Principal, action: str, resource: Resource) -> Decision | None:
    allow: Decision | None = None
    for source, statements in policy_statements(s, p):
        for i, st in enumerate(statements):
            if not any(action_matches(a, action) for a in _as_list(st.get("Action"))):
                continue
            patterns = _as_list(st.get("Resource", ["*"])) or ["*"]
            if not any(pattern_matches(r, resource) for r in patterns):
                continue
            if st.get("Effect") == "Deny":
                return Decision(False, f"denied by {source} statement {i}")
            if st.get("Effect") == "Allow" and allow is None:
                allow = Decision(True, f"{source} statement {i}")
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
    kind = {"KeyId": "key"}.get(resource.kind, resource.kind)
    what = f"{action} on {kind} {resource.name}" if resource.scoped else action
    err = DewError(FORBIDDEN.get(family, "KMS.0306"), f"{p.name} has no permission for {what}", 403)
    # what was asked, for a "why was that refused?" that re-asks the simulator (read them with
    # getattr: no other DewError carries them); the other-account case above carries nothing
    vars(err).update(principal=p.name, action=action, resource=str(resource))
    return err


def authorize(s: Session, p: Principal, action: str, resource: Resource, *, family: str = "KMS",
              grant_op: str | None = None) -> Decision:
    d = decide(s, p, action, resource, grant_op)
    if not d.allowed:
        raise refusal(p, action, resource, family)
    return d
