"""`eng.iam`: users, policies, attachments, groups (engine.iam.groups) and the decision
simulator.

IAM never acts across accounts: a principal reads and manages only the users and policies
of its own account (plus the read-only system policies). Naming an object of another
account is refused like naming an unknown one, and the refusal is traced in both accounts.
Creating a user in a *new* account (`domain=` a name not yet taken) makes that account;
`admin=True` makes the user its administrator. Reads need `iam:users:list|get` and
`iam:policies:list|get` like every other read.

Deleting a user (`iam:users:delete`) removes its policy attachments and group memberships;
it is refused for the user acting, for the local account's `admin` (the user the engine
opens as: it would be made again at the next open), for an account's last administrator,
for a user that still owns access keys, and, for anyone but an administrator, for an
administrator. Access keys: engine.iam.access_keys.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, col, or_, select

from engine.errors import DewError
from engine.iam.access_keys import IamAccessKeys, keys_of_user
from engine.iam.bootstrap import ADMIN_USER, ensure_account
from engine.iam.decision import decide
from engine.iam.groups import IamGroups, remove_memberships_of_user
from engine.iam.lookups import FORBIDDEN, INVALID, NAME_RE, NOT_FOUND, TAKEN, check_user_name
from engine.iam.principal import Principal
from engine.iam.resources import account_resource, key_resource, secret_resource
from engine.models.core import Account, Policy, PolicyAttachment, User
from engine.models.iam_groups import GroupMembership, UserGroup

__all__ = ["NAME_RE", "NOT_FOUND", "INVALID", "TAKEN", "FORBIDDEN", "check_user_name",
           "IamService", "UserInfo", "PolicyInfo", "SimulationResult", "user_info"]
POLICY_NAME_RE = re.compile(r"[^\x00-\x1f\x7f]{1,128}")


@dataclass(frozen=True)
class UserInfo:
    user_id: str
    name: str
    domain_id: str
    domain_name: str
    is_admin: bool
    created: datetime
    policies: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class PolicyInfo:
    policy_id: str
    name: str
    document: dict
    system: bool


@dataclass(frozen=True)
class SimulationResult:
    allowed: bool
    # what decided: "administrator", "policy <name> statement <i>", "group <g> policy <name>
    # statement <i>", "grant <id>", "denied by <policy …> statement <i>", "no permission",
    # "another account"
    reason: str


def check_policy_document(document: object) -> dict:
    """The parsed document, or IAM.0001 naming what is wrong."""
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError:
            raise DewError(INVALID, "policy document is not valid JSON", 400) from None
    if not isinstance(document, dict) or not isinstance(document.get("Statement"), list) \
            or not document["Statement"]:
        raise DewError(INVALID, "policy document needs a non-empty Statement list", 400)
    if len(document["Statement"]) > 100:
        raise DewError(INVALID, "a policy holds at most 100 statements", 400)
    for i, st in enumerate(document["Statement"]):
        if not isinstance(st, dict) or st.get("Effect") not in ("Allow", "Deny"):
            raise DewError(INVALID, f"statement {i}: Effect must be Allow or Deny", 400)
        actions = st.get("Action")
        if not actions or not isinstance(actions, list) or not all(isinstance(a, str) for a in actions):
            raise DewError(INVALID, f"statement {i}: Action must be a list of strings", 400)
        if "Resource" in st and (not isinstance(st["Resource"], list)
                                 or not all(isinstance(r, str) for r in st["Resource"])):
            raise DewError(INVALID, f"statement {i}: Resource must be a list of strings", 400)
    return document


def to_principal(u: User) -> Principal:
    return Principal(u.user_id, u.name, u.domain_id, u.is_admin)


def user_info(s: Session, u: User) -> UserInfo:
    acc = s.get(Account, u.domain_id)
    rows = s.exec(select(Policy, PolicyAttachment)
                  .join(PolicyAttachment, col(PolicyAttachment.policy_id) == col(Policy.policy_id))
                  .where(PolicyAttachment.user_id == u.user_id).order_by(Policy.name)).all()
    groups = s.exec(select(UserGroup, GroupMembership)
                    .join(GroupMembership, col(GroupMembership.group_id) == col(UserGroup.group_id))
                    .where(GroupMembership.user_id == u.user_id).order_by(UserGroup.name)).all()
    return UserInfo(u.user_id, u.name, u.domain_id, acc.name if acc else "", u.is_admin,
                    u.created, tuple(pol.name for pol, _attachment in rows),
                    tuple(g.name for g, _member in groups))


class IamService(IamGroups, IamAccessKeys):
    # --- users ------------------------------------------------------------------------------
    def create_user(self, name: str, domain: str | None = None, admin: bool = False) -> UserInfo:
        with self._call("createUser", "iam", request={"name": name, "domain": domain,
                                                      "admin": admin}) as call:
            call.resource("", name if isinstance(name, str) else "")
            check_user_name(name)
            if domain is not None:
                check_user_name(domain, "account")
            if not isinstance(admin, bool):
                raise DewError(INVALID, "admin must be true or false", 400)
            own = call.s.get(Account, call.principal.domain_id)
            target = own if domain is None or (own and domain == own.name) else \
                call.s.exec(select(Account).where(Account.name == domain)).first()
            if target is None:  # a new account, with this user as its first member
                call.authorize("iam:accounts:create", self._iam(call, "account", str(domain)))
                target = ensure_account(call.s, self.ctx.rng, str(domain), call.now)
            elif target.domain_id != call.principal.domain_id:
                call.other_accounts.add(target.domain_id)
                raise DewError(FORBIDDEN, f"{call.principal.name} cannot create users in account "
                                          f"{domain!r}: IAM acts only inside one's own account", 403)
            else:
                call.authorize("iam:users:create", self._iam(call, "user", name))
                if admin and not call.principal.is_admin:
                    raise DewError(FORBIDDEN, "only an administrator can create an administrator", 403)
            if call.s.exec(select(User).where(User.name == name)).first() is not None:
                raise DewError(TAKEN, f"user {name!r} already exists", 400)
            u = User(user_id=self.ctx.rng.hex_id(16), name=name, domain_id=target.domain_id,
                     is_admin=admin, created=call.now)
            call.s.add(u)
            call.s.flush()
            call.resource(u.user_id, name)
            return user_info(call.s, u)

    def list_users(self) -> list[UserInfo]:
        """The users of the caller's account."""
        with self._reading("listUsers", "iam") as call:
            call.authorize("iam:users:list", self._iam(call))
            rows = call.s.exec(select(User).where(User.domain_id == call.principal.domain_id)
                               .order_by(User.name)).all()
            return [user_info(call.s, u) for u in rows]

    def show_user(self, name: str) -> UserInfo:
        with self._reading("showUser", "iam", request={"name": name}) as call:
            call.resource("", name if isinstance(name, str) else "")
            check_user_name(name)
            call.authorize("iam:users:get", self._iam(call, "user", name))
            return user_info(call.s, self._user(call, name))

    def delete_user(self, name: str) -> None:
        """Delete a user of the caller's account with its policy attachments and group
        memberships. Grants naming it stay on their keys (a user id is never reused). A user
        that still owns access keys is refused: its keys are deleted first."""
        with self._call("deleteUser", "iam", request={"name": name}) as call:
            call.resource("", name if isinstance(name, str) else "")
            check_user_name(name)
            call.authorize("iam:users:delete", self._iam(call, "user", name))
            u = self._user(call, name)
            call.resource(u.user_id, u.name)
            if u.user_id == call.principal.user_id:
                raise DewError(FORBIDDEN, f"{name} is the user acting: it cannot delete itself", 403)
            if u.name == ADMIN_USER:
                raise DewError(FORBIDDEN, f"{name} is the administrator the engine opens as: "
                                          "it cannot be deleted", 403)
            if u.is_admin:
                admins = call.s.exec(select(User).where(User.domain_id == u.domain_id,
                                                        col(User.is_admin) == True)).all()  # noqa: E712
                if len(admins) <= 1:
                    raise DewError(FORBIDDEN, f"{name} is the account's last administrator", 403)
                if not call.principal.is_admin:
                    raise DewError(FORBIDDEN, "only an administrator can delete an administrator", 403)
            held = keys_of_user(call.s, u.user_id)
            if held:
                raise DewError(FORBIDDEN, f"{name} still owns {held} access key(s): delete them "
                                          "first", 403)
            call.s.execute(delete(PolicyAttachment).where(col(PolicyAttachment.user_id) == u.user_id))
            remove_memberships_of_user(call.s, u.user_id)
            call.s.delete(u)

    # --- policies ---------------------------------------------------------------------------
    def create_policy(self, name: str, document: object) -> PolicyInfo:
        with self._call("createPolicy", "iam", request={"name": name}) as call:
            call.resource("", name if isinstance(name, str) else "")
            if not isinstance(name, str) or not POLICY_NAME_RE.fullmatch(name) or name != name.strip():
                raise DewError(INVALID, "policy name must be 1-128 characters, no control "
                                        "characters, no leading or trailing space", 400)
            call.authorize("iam:policies:create", self._iam(call, "policy", name))
            doc = check_policy_document(document)
            if call.s.exec(select(Policy).where(Policy.name == name)).first() is not None:
                raise DewError(TAKEN, f"policy {name!r} already exists", 400)
            p = Policy(policy_id=self.ctx.rng.hex_id(16), name=name, document=json.dumps(doc),
                       system=False, domain_id=call.principal.domain_id, created=call.now)
            call.s.add(p)
            call.resource(p.policy_id, name)
            return PolicyInfo(p.policy_id, name, doc, False)

    def list_policies(self) -> list[PolicyInfo]:
        """The system policies and the caller's account's own."""
        with self._reading("listPolicies", "iam") as call:
            call.authorize("iam:policies:list", self._iam(call))
            rows = call.s.exec(select(Policy).where(or_(col(Policy.system) == True,  # noqa: E712
                                                        Policy.domain_id == call.principal.domain_id))
                               .order_by(Policy.name)).all()
            return [PolicyInfo(p.policy_id, p.name, json.loads(p.document), p.system) for p in rows]

    def _attachment(self, trace: str, user: object, policy: object, attach: bool) -> None:
        with self._call(trace, "iam", request={"user": user, "policy": policy}) as call:
            call.resource("", user if isinstance(user, str) else "")
            check_user_name(user)
            call.authorize("iam:policies:attach", self._iam(call, "user", str(user)))
            u, p = self._user(call, user), self._policy(call, policy)
            call.resource(u.user_id, u.name)
            row = call.s.exec(select(PolicyAttachment).where(
                PolicyAttachment.user_id == u.user_id, PolicyAttachment.policy_id == p.policy_id)).first()
            if attach and row is None:
                call.s.add(PolicyAttachment(user_id=u.user_id, policy_id=p.policy_id))
            elif not attach:
                if row is None:
                    raise DewError(NOT_FOUND, f"policy {policy!r} is not attached to {user!r}", 404)
                call.s.delete(row)

    def attach_policy(self, user: str, policy: str) -> None:
        self._attachment("attachPolicy", user, policy, True)

    def detach_policy(self, user: str, policy: str) -> None:
        self._attachment("detachPolicy", user, policy, False)

    # --- the simulator ----------------------------------------------------------------------
    def simulate(self, user: str, action: str, resource: str | None = None) -> SimulationResult:
        """What the decision would be for `user` (of the caller's account) doing `action` on
        `resource`: a key id, `secret:<name>`, or nothing (the account as a whole)."""
        with self._reading("simulatePolicy", "iam", request={"user": user, "action": action,
                                                              "resource": resource}) as call:
            check_user_name(user)
            call.authorize("iam:policies:get", self._iam(call, "user", user))
            if not isinstance(action, str) or not re.fullmatch(r"[a-zA-Z*]+:[a-zA-Z*]+:[a-zA-Z*]+", action):
                raise DewError(INVALID, f"invalid action {action!r}: service:type:verb", 400)
            u = self._user(call, user)
            p = to_principal(u)
            grant_op = None
            if resource is None or resource == "":
                target = account_resource(action.split(":")[0].upper(), p.domain_id)
            elif not isinstance(resource, str) or len(resource) > 255:
                raise DewError(INVALID, "resource must be a key id or secret:<name>", 400)
            elif resource.startswith("secret:"):
                target = secret_resource(p.domain_id, resource[len("secret:"):])
            else:
                from engine.models.kms import Cmk
                key = call.s.get(Cmk, resource)
                target = key_resource(key.domain_id if key else p.domain_id, resource)
                grant_op = _GRANT_OP_FOR_ACTION.get(action)
            d = decide(call.s, p, action, target, grant_op)
            return SimulationResult(d.allowed, d.reason)


# IAM action → grant operation, where a grant can cover the action
_GRANT_OP_FOR_ACTION = {"kms:cmk:get": "describe-key", "kms:cmk:crypto": "encrypt-data",
                        "kms:dek:crypto": "create-datakey", "kms:grant:create": "create-grant"}
