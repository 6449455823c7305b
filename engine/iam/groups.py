"""User groups (the guide: "add a user to one or more groups, and attach permissions policies
or roles to these groups. Users inherit permissions from their groups").

A group belongs to the account of whoever creates it and holds only that account's users and
policies (or system policies). A member's permissions are the union of its own policies and
its groups' policies; a Deny anywhere still wins (engine.iam.decision). Actions:
`iam:groups:create|list|delete`, `iam:groups:update` (membership) and
`iam:policies:attach` (a group's policies), on `IAM:<region>:<account>:group:<name>`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, col, select

from engine.errors import DewError
from engine.iam.lookups import NOT_FOUND, TAKEN, IamLookups, check_user_name
from engine.models.core import Policy, User
from engine.models.iam_groups import GroupMembership, GroupPolicyAttachment, UserGroup
from engine.service import Call


@dataclass(frozen=True)
class GroupInfo:
    group_id: str
    name: str
    domain_id: str
    created: datetime
    users: tuple[str, ...] = ()     # member user names, sorted
    policies: tuple[str, ...] = ()  # attached policy names, sorted


def groups_info(s: Session, groups: list[UserGroup]) -> list[GroupInfo]:
    """`GroupInfo` for `groups` (two reads whatever their number)."""
    ids = [g.group_id for g in groups]
    users: dict[str, list[str]] = {i: [] for i in ids}
    policies: dict[str, list[str]] = {i: [] for i in ids}
    for member, u in s.exec(select(GroupMembership, User)
                            .join(User, col(User.user_id) == col(GroupMembership.user_id))
                            .where(col(GroupMembership.group_id).in_(ids))).all():
        users[member.group_id].append(u.name)
    for attached, pol in s.exec(select(GroupPolicyAttachment, Policy)
                                .join(Policy, col(Policy.policy_id) == col(GroupPolicyAttachment.policy_id))
                                .where(col(GroupPolicyAttachment.group_id).in_(ids))).all():
        policies[attached.group_id].append(pol.name)
    return [GroupInfo(g.group_id, g.name, g.domain_id, g.created, tuple(sorted(users[g.group_id])),
                      tuple(sorted(policies[g.group_id]))) for g in groups]


def remove_memberships_of_user(s: Session, user_id: str) -> None:
    """Drop every group membership of a user (it is being deleted)."""
    s.execute(delete(GroupMembership).where(col(GroupMembership.user_id) == user_id))


class IamGroups(IamLookups):
    def _named(self, call: Call, name: object) -> None:
        call.resource("", name if isinstance(name, str) else "")
        check_user_name(name, "group")

    def create_group(self, name: str) -> GroupInfo:
        with self._call("createGroup", "iam", request={"name": name}) as call:
            self._named(call, name)
            call.authorize("iam:groups:create", self._iam(call, "group", name))
            if call.s.exec(select(UserGroup).where(UserGroup.name == name)).first() is not None:
                raise DewError(TAKEN, f"group {name!r} already exists", 400)
            g = UserGroup(group_id=self.ctx.rng.hex_id(16), name=name,
                          domain_id=call.principal.domain_id, created=call.now)
            call.s.add(g)
            call.resource(g.group_id, name)
            return GroupInfo(g.group_id, name, g.domain_id, g.created)

    def list_groups(self) -> list[GroupInfo]:
        """The groups of the caller's account, by name, with their members and policies."""
        with self._reading("listGroups", "iam") as call:
            call.authorize("iam:groups:list", self._iam(call))
            rows = call.s.exec(select(UserGroup).where(UserGroup.domain_id == call.principal.domain_id)
                               .order_by(UserGroup.name)).all()
            return groups_info(call.s, list(rows))

    def delete_group(self, name: str) -> None:
        """Delete a group, its memberships and its policy attachments (its members keep
        their own policies and their other groups)."""
        with self._call("deleteGroup", "iam", request={"name": name}) as call:
            self._named(call, name)
            call.authorize("iam:groups:delete", self._iam(call, "group", name))
            g = self._group(call, name)
            call.resource(g.group_id, g.name)
            call.s.execute(delete(GroupMembership).where(col(GroupMembership.group_id) == g.group_id))
            call.s.execute(delete(GroupPolicyAttachment)
                           .where(col(GroupPolicyAttachment.group_id) == g.group_id))
            call.s.delete(g)

    # --- membership ---------------------------------------------------------------------
    def _membership(self, trace: str, user: object, group: object, add: bool) -> None:
        with self._call(trace, "iam", request={"user": user, "group": group}) as call:
            self._named(call, group)
            check_user_name(user)
            call.authorize("iam:groups:update", self._iam(call, "group", str(group)))
            g, u = self._group(call, group), self._user(call, user)
            call.resource(g.group_id, g.name)
            row = call.s.get(GroupMembership, (g.group_id, u.user_id))
            if add and row is None:
                call.s.add(GroupMembership(group_id=g.group_id, user_id=u.user_id))
            elif not add:
                if row is None:
                    raise DewError(NOT_FOUND, f"user {user!r} is not in group {group!r}", 404)
                call.s.delete(row)

    def add_user_to_group(self, user: str, group: str) -> None:
        """Make `user` a member of `group` (both of the caller's account); already one: no-op."""
        self._membership("addUserToGroup", user, group, True)

    def remove_user_from_group(self, user: str, group: str) -> None:
        self._membership("removeUserFromGroup", user, group, False)

    # --- the group's policies -------------------------------------------------------------
    def _group_attachment(self, trace: str, group: object, policy: object, attach: bool) -> None:
        with self._call(trace, "iam", request={"group": group, "policy": policy}) as call:
            self._named(call, group)
            call.authorize("iam:policies:attach", self._iam(call, "group", str(group)))
            g, p = self._group(call, group), self._policy(call, policy)
            call.resource(g.group_id, g.name)
            row = call.s.get(GroupPolicyAttachment, (g.group_id, p.policy_id))
            if attach and row is None:
                call.s.add(GroupPolicyAttachment(group_id=g.group_id, policy_id=p.policy_id))
            elif not attach:
                if row is None:
                    raise DewError(NOT_FOUND, f"policy {policy!r} is not attached to group {group!r}", 404)
                call.s.delete(row)

    def attach_group_policy(self, group: str, policy: str) -> None:
        """Attach `policy` (the account's own or a system policy) to `group`; already: no-op."""
        self._group_attachment("attachGroupPolicy", group, policy, True)

    def detach_group_policy(self, group: str, policy: str) -> None:
        self._group_attachment("detachGroupPolicy", group, policy, False)
