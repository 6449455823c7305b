"""`eng.iam`: users, policies, attachments and the decision simulator."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import select

from engine.errors import DewError
from engine.iam.bootstrap import ensure_account
from engine.iam.decision import decide
from engine.iam.principal import Principal
from engine.models.core import Account, Policy, PolicyAttachment, User
from engine.service import Service

NAME_RE = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")


@dataclass(frozen=True)
class UserInfo:
    user_id: str
    name: str
    domain_id: str
    domain_name: str
    is_admin: bool
    created: datetime
    policies: tuple[str, ...] = ()


@dataclass(frozen=True)
class PolicyInfo:
    policy_id: str
    name: str
    document: dict
    system: bool


@dataclass(frozen=True)
class SimulationResult:
    allowed: bool
    reason: str


def _check_policy(document: object) -> dict:
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError:
            raise DewError("IAM.0001", "policy document is not valid JSON", 400) from None
    if not isinstance(document, dict) or not isinstance(document.get("Statement"), list) \
            or not document["Statement"]:
        raise DewError("IAM.0001", "policy document needs a non-empty Statement list", 400)
    for st in document["Statement"]:
        if not isinstance(st, dict) or st.get("Effect") not in ("Allow", "Deny"):
            raise DewError("IAM.0001", "each statement needs Effect Allow or Deny", 400)
        actions = st.get("Action")
        if not actions or not isinstance(actions, list) or not all(isinstance(a, str) for a in actions):
            raise DewError("IAM.0001", "each statement needs an Action list of strings", 400)
        if "Resource" in st and not isinstance(st["Resource"], list):
            raise DewError("IAM.0001", "Resource must be a list", 400)
    return document


class IamService(Service):
    family = "IAM"

    def _user(self, s, name: str) -> User:
        u = s.exec(select(User).where(User.name == name)).first()
        if u is None:
            raise DewError("IAM.0404", f"no user named {name!r}", 404)
        return u

    def _info(self, s, u: User) -> UserInfo:
        acc = s.get(Account, u.domain_id)
        pols = s.exec(select(Policy.name).join(PolicyAttachment, PolicyAttachment.policy_id == Policy.policy_id)
                      .where(PolicyAttachment.user_id == u.user_id).order_by(Policy.name)).all()
        return UserInfo(u.user_id, u.name, u.domain_id, acc.name if acc else "", u.is_admin,
                        u.created, tuple(pols))

    def create_user(self, name: str, domain: str | None = None) -> UserInfo:
        with self._call("createUser", "iam", request={"name": name, "domain": domain}) as call:
            call.resource("", name if isinstance(name, str) else "")
            call.authorize("iam:users:create")
            if not isinstance(name, str) or not NAME_RE.match(name):
                raise DewError("IAM.0001", f"invalid user name {name!r}: 1-64 of letters, digits, _ -", 400)
            if domain is not None and (not isinstance(domain, str) or not NAME_RE.match(domain)):
                raise DewError("IAM.0001", f"invalid account name {domain!r}", 400)
            if call.s.exec(select(User).where(User.name == name)).first() is not None:
                raise DewError("IAM.0409", f"user {name!r} already exists", 400)
            if domain is None:
                acc = call.s.get(Account, call.principal.domain_id)
            else:
                acc = ensure_account(call.s, self.ctx.rng, domain, call.now)
            u = User(user_id=self.ctx.rng.hex_id(16), name=name, domain_id=acc.domain_id,
                     is_admin=False, created=call.now)
            call.s.add(u)
            call.s.flush()
            call.resource(u.user_id, name)
            return self._info(call.s, u)

    def list_users(self) -> list[UserInfo]:
        with self._read() as s:
            return [self._info(s, u) for u in s.exec(select(User).order_by(User.name)).all()]

    def show_user(self, name: str) -> UserInfo:
        with self._read() as s:
            return self._info(s, self._user(s, name))

    def create_policy(self, name: str, document) -> PolicyInfo:
        with self._call("createPolicy", "iam", request={"name": name}) as call:
            call.resource("", name if isinstance(name, str) else "")
            call.authorize("iam:policies:create")
            if not isinstance(name, str) or not 1 <= len(name) <= 128:
                raise DewError("IAM.0001", "policy name must be 1-128 characters", 400)
            doc = _check_policy(document)
            if call.s.exec(select(Policy).where(Policy.name == name)).first() is not None:
                raise DewError("IAM.0409", f"policy {name!r} already exists", 400)
            p = Policy(policy_id=self.ctx.rng.hex_id(16), name=name, document=json.dumps(doc),
                       system=False, created=call.now)
            call.s.add(p)
            call.resource(p.policy_id, name)
            return PolicyInfo(p.policy_id, name, doc, False)

    def list_policies(self) -> list[PolicyInfo]:
        with self._read() as s:
            return [PolicyInfo(p.policy_id, p.name, json.loads(p.document), p.system)
                    for p in s.exec(select(Policy).order_by(Policy.name)).all()]

    def _policy(self, s, name: str) -> Policy:
        p = s.exec(select(Policy).where(Policy.name == name)).first()
        if p is None:
            raise DewError("IAM.0404", f"no policy named {name!r}", 404)
        return p

    def attach_policy(self, user: str, policy: str) -> None:
        with self._call("attachPolicy", "iam", request={"user": user, "policy": policy}) as call:
            call.authorize("iam:policies:attach")
            u, p = self._user(call.s, user), self._policy(call.s, policy)
            call.resource(u.user_id, u.name)
            exists = call.s.exec(select(PolicyAttachment).where(
                PolicyAttachment.user_id == u.user_id, PolicyAttachment.policy_id == p.policy_id)).first()
            if exists is None:
                call.s.add(PolicyAttachment(user_id=u.user_id, policy_id=p.policy_id))

    def detach_policy(self, user: str, policy: str) -> None:
        with self._call("detachPolicy", "iam", request={"user": user, "policy": policy}) as call:
            call.authorize("iam:policies:attach")
            u, p = self._user(call.s, user), self._policy(call.s, policy)
            call.resource(u.user_id, u.name)
            row = call.s.exec(select(PolicyAttachment).where(
                PolicyAttachment.user_id == u.user_id, PolicyAttachment.policy_id == p.policy_id)).first()
            if row is None:
                raise DewError("IAM.0404", f"policy {policy!r} is not attached to {user!r}", 404)
            call.s.delete(row)

    def simulate(self, user: str, action: str, resource: str | None = None) -> SimulationResult:
        """What the decision would be for `user` doing `action` on key id `resource`."""
        with self._read() as s:
            u = self._user(s, user)
            p = Principal(u.user_id, u.name, u.domain_id, u.is_admin)
            key_domain = None
            grant_op = None
            if resource:
                from engine.models.kms import Cmk
                key = s.get(Cmk, resource)
                key_domain = key.domain_id if key else None
                grant_op = _GRANT_OP_FOR_ACTION.get(action)
            d = decide(s, p, action, key_id=resource, key_domain=key_domain, grant_op=grant_op)
            return SimulationResult(d.allowed, d.reason)


# IAM action → grant operation, where a grant can cover the action
_GRANT_OP_FOR_ACTION = {"kms:cmk:get": "describe-key", "kms:cmk:crypto": "encrypt-data",
                        "kms:dek:crypto": "create-datakey", "kms:grant:create": "create-grant"}
