"""What every IAM call shares: its codes, name rules, and finding a user, policy or group
*inside the caller's account*.

IAM never acts across accounts: another account's user, custom policy or group is refused
like an unknown one (IAM.0404), and the account that holds it is added to the call's
`other_accounts`, so the refusal is traced in its trail too. System policies are everyone's.
"""
from __future__ import annotations

import re

from sqlmodel import select

from engine.errors import DewError
from engine.iam.resources import Resource
from engine.models.core import Policy, User
from engine.models.iam_groups import UserGroup
from engine.service import Call, Service

NAME_RE = re.compile(r"[a-zA-Z0-9_-]{1,64}")
NOT_FOUND, INVALID, TAKEN, FORBIDDEN = "IAM.0404", "IAM.0001", "IAM.0409", "IAM.0403"


def check_user_name(name: object, what: str = "user") -> str:
    """`name` when it is 1-64 letters, digits, `_` or `-` (users, accounts, groups); else IAM.0001."""
    if not isinstance(name, str) or not NAME_RE.fullmatch(name):
        raise DewError(INVALID, f"invalid {what} name {name!r}: 1-64 of letters, digits, _ -", 400)
    return name


class IamLookups(Service):
    family = "IAM"
    default_resource_type = "iam"

    def _user(self, call: Call, name: object) -> User:
        """A user of the caller's account (another account's user: refused, traced there too)."""
        check_user_name(name)
        u = call.s.exec(select(User).where(User.name == name)).first()
        if u is not None and u.domain_id != call.principal.domain_id:
            call.other_accounts.add(u.domain_id)
            u = None
        if u is None:
            raise DewError(NOT_FOUND, f"no user named {name!r} in this account", 404)
        return u

    def _policy(self, call: Call, name: object) -> Policy:
        p = call.s.exec(select(Policy).where(Policy.name == name)).first() if isinstance(name, str) else None
        if p is not None and not p.system and p.domain_id != call.principal.domain_id:
            call.other_accounts.add(p.domain_id)
            p = None
        if p is None:
            raise DewError(NOT_FOUND, f"no policy named {name!r} in this account", 404)
        return p

    def _group(self, call: Call, name: object) -> UserGroup:
        """A group of the caller's account (another account's group: refused, traced there too)."""
        check_user_name(name, "group")
        g = call.s.exec(select(UserGroup).where(UserGroup.name == name)).first()
        if g is not None and g.domain_id != call.principal.domain_id:
            call.other_accounts.add(g.domain_id)
            g = None
        if g is None:
            raise DewError(NOT_FOUND, f"no group named {name!r} in this account", 404)
        return g

    def _iam(self, call: Call, kind: str = "*", name: str = "*") -> Resource:
        """`IAM:<region>:<caller's account>:<kind>:<name>`: what an IAM call acts on."""
        return Resource("IAM", call.principal.domain_id, kind, name)
