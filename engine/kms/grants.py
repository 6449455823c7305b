"""KMS grants: a principal (a user, or every user of an account) allowed a set of
operations on one key.

Enforcement lives in `engine.iam.decision.grant_covering`: every KMS operation asks it.
Rules (the argument checks live in `rules.py`): a grant is made only on an Enabled custom key; its operations are among
`GRANT_OPERATIONS`, not empty and not create-grant alone; at most `grants_per_key` per
key; a grantee holding create-grant may hand on only operations it holds itself (the
union of its grants), so a grant can never widen access; revoking a grant leaves the
grants its grantee made for others alone. Principals are stored by id, resolved from a
user or account name or id.
"""
from __future__ import annotations

from sqlalchemy import ColumnElement, func, or_
from sqlmodel import Session, col, select

from engine.errors import DewError
from engine.iam.principal import Principal
from engine.kms.keyrows import load_key
from engine.kms.results import GrantInfo
from engine.kms.rules import (DEFAULT_KEY, GRANT_OTHER_KEY, GRANT_PRINCIPAL, GRANT_QUOTA, NO_GRANT, NO_PERMISSION,
                              check_grant_name, check_operations, check_principal_type)
from engine.kms.states import require_usable
from engine.models.core import Account, User
from engine.models.grants import Grant
from engine.service import Service

def grant_info(g: Grant) -> GrantInfo:
    return GrantInfo(key_id=g.key_id, grant_id=g.grant_id, grantee_principal=g.grantee_principal,
                     grantee_principal_type=g.grantee_principal_type,
                     operations=tuple(g.operations.split(",")), issuing_principal=g.issuing_principal,
                     creation_date=g.creation_date, name=g.name, retiring_principal=g.retiring_principal)


def resolve_principal(s: Session, principal: object, principal_type: str, field: str) -> str:
    """The stored id of a user (name or id) or, for type domain, an account (name or id)."""
    bad = DewError(GRANT_PRINCIPAL, f"invalid {field}: no {principal_type} {principal!r}", 400)
    if not isinstance(principal, str) or not 1 <= len(principal) <= 64:
        raise bad
    if principal_type == "user":
        row = s.exec(select(User).where(or_(col(User.name) == principal, col(User.user_id) == principal))).first()
        if row is None:
            raise bad
        return row.user_id
    acc = s.exec(select(Account).where(or_(col(Account.name) == principal, col(Account.domain_id) == principal))).first()
    if acc is None:
        raise bad
    return acc.domain_id


def _held_by(p: Principal) -> ColumnElement[bool]:
    """SQL condition: the grant's grantee is principal `p` or p's account."""
    return or_((col(Grant.grantee_principal_type) == "user") & (col(Grant.grantee_principal) == p.user_id),
               (col(Grant.grantee_principal_type) == "domain") & (col(Grant.grantee_principal) == p.domain_id))


def held_operations(s: Session, p: Principal, key_id: str) -> set[str]:
    ops: set[str] = set()
    for g in s.exec(select(Grant).where(Grant.key_id == key_id, _held_by(p))).all():
        ops.update(g.operations.split(","))
    return ops


def may_retire(p: Principal, g: Grant) -> bool:
    if p.user_id and p.user_id in (g.retiring_principal, g.issuing_principal):
        return True
    grantee = (g.grantee_principal_type == "user" and g.grantee_principal == p.user_id) or \
              (g.grantee_principal_type == "domain" and g.grantee_principal == p.domain_id)
    return grantee and "retire-grant" in g.operations.split(",")


def _find_grant(s: Session, key_id: str, grant_id: object) -> Grant:
    g = s.get(Grant, grant_id) if isinstance(grant_id, str) else None
    if g is None:
        raise DewError(NO_GRANT, f"grant {grant_id} does not exist", 400)
    if g.key_id != key_id:
        raise DewError(GRANT_OTHER_KEY, f"grant {grant_id} is not a grant on key {key_id}", 400)
    return g


class KeyGrants(Service):
    def create_grant(self, key_id: str, grantee_principal: str, operations,
                     grantee_principal_type: str = "user", name: str | None = None,
                     retiring_principal: str | None = None) -> str:
        request = {"key_id": key_id, "grantee_principal": grantee_principal,
                   "operations": list(operations) if isinstance(operations, (list, tuple)) else operations,
                   "grantee_principal_type": grantee_principal_type, "name": name,
                   "retiring_principal": retiring_principal}
        with self._call("createGrant", "cmk", request=request) as call:
            call.resource(key_id if isinstance(key_id, str) else "")
            row = load_key(call.s, key_id, self.ctx.db)
            call.resource(row.key_id, row.key_alias)
            decision = call.authorize("kms:grant:create", key=row, grant_op="create-grant")
            if row.default_key:
                raise DewError(DEFAULT_KEY, f"default key {row.key_alias} cannot be granted", 400)
            require_usable(row.key_state, row.key_id)
            ops = check_operations(operations)
            principal_type = check_principal_type(grantee_principal_type)
            grant_name = check_grant_name(name)
            grantee = resolve_principal(call.s, grantee_principal, principal_type,
                                        "grantee_principal")
            retiring = "" if retiring_principal in (None, "") else \
                resolve_principal(call.s, retiring_principal, "user", "retiring_principal")
            if decision.reason.startswith("grant "):  # acting through a grant: hand on only what it holds
                missing = [op for op in ops if op not in held_operations(call.s, call.principal, row.key_id)]
                if missing:
                    raise DewError(NO_PERMISSION, f"{call.principal.name} may hand on only operations it holds "
                                                  f"on key {row.key_id}; not {', '.join(missing)}", 403)
            used = call.s.exec(select(func.count()).select_from(Grant).where(Grant.key_id == row.key_id)).one()
            if used >= self.ctx.settings.grants_per_key:
                raise DewError(GRANT_QUOTA, f"grant quota reached: {used} of "
                                            f"{self.ctx.settings.grants_per_key} grants on key {row.key_id}", 400)
            grant_id = self.ctx.rng.hex_id(32)
            call.s.add(Grant(grant_id=grant_id, key_id=row.key_id, name=grant_name,
                             grantee_principal=grantee, grantee_principal_type=principal_type,
                             operations=",".join(ops), issuing_principal=call.principal.user_id,
                             retiring_principal=retiring, creation_date=call.now))
            call.response = {"grant_id": grant_id}
            return grant_id

    def list_grants(self, key_id: str) -> list[GrantInfo]:
        with self._call("listGrants", "cmk", request={"key_id": key_id}) as call:
            call.resource(key_id if isinstance(key_id, str) else "")
            row = load_key(call.s, key_id)
            call.resource(row.key_id, row.key_alias)
            call.authorize("kms:grant:list", key=row)
            rows = call.s.exec(select(Grant).where(Grant.key_id == row.key_id)
                               .order_by(col(Grant.creation_date), col(Grant.grant_id))).all()
            call.response = {"total": len(rows)}
            return [grant_info(g) for g in rows]

    def list_retirable_grants(self) -> list[GrantInfo]:
        """The grants the caller may retire: as retiring principal, issuer, or grantee
        holding retire-grant."""
        with self._call("listRetirableGrants", "cmk") as call:
            p = call.principal
            rows = call.s.exec(select(Grant).where(or_(
                col(Grant.retiring_principal) == p.user_id, col(Grant.issuing_principal) == p.user_id,
                _held_by(p))).order_by(col(Grant.creation_date), col(Grant.grant_id))).all()
            result = [grant_info(g) for g in rows if may_retire(p, g)]
            call.response = {"total": len(result)}
            return result

    def revoke_grant(self, key_id: str, grant_id: str) -> None:
        """The key owner takes a grant away; grants its grantee made for others remain."""
        with self._call("revokeGrant", "cmk", request={"key_id": key_id, "grant_id": grant_id}) as call:
            call.resource(key_id if isinstance(key_id, str) else "")
            row = load_key(call.s, key_id, self.ctx.db)
            call.resource(row.key_id, row.key_alias)
            call.authorize("kms:grant:revoke", key=row)
            call.s.delete(_find_grant(call.s, row.key_id, grant_id))

    def retire_grant(self, key_id: str, grant_id: str) -> None:
        """The retiring principal, the issuer, or a grantee holding retire-grant ends a grant."""
        with self._call("retireGrant", "cmk", request={"key_id": key_id, "grant_id": grant_id}) as call:
            call.resource(key_id if isinstance(key_id, str) else "")
            row = load_key(call.s, key_id, self.ctx.db)
            call.resource(row.key_id, row.key_alias)
            g = _find_grant(call.s, row.key_id, grant_id)
            if not may_retire(call.principal, g):
                raise DewError(NO_PERMISSION, f"{call.principal.name} may not retire grant {g.grant_id}: "
                                              "only its retiring principal, its issuer or a grantee "
                                              "holding retire-grant may", 403)
            call.s.delete(g)

