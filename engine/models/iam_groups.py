"""IAM user groups: a group belongs to one account, holds users of that account, and the
policies attached to it apply to every member (SPEC §8, the guide's "user group").

All three tables decide permissions, so their rows carry a row MAC (engine.integrity).
Membership and attachment rows are keyed by their pair: the pair is the whole meaning.
"""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from engine.db import UTCDateTime


class UserGroup(SQLModel, table=True):
    """A named set of users of one account."""

    __tablename__ = "iam_group"
    group_id: str = Field(primary_key=True, max_length=64)
    name: str = Field(unique=True, max_length=64)  # unique like user and policy names
    domain_id: str = Field(foreign_key="account.domain_id", index=True, max_length=64)
    created: datetime = Field(sa_type=UTCDateTime)
    mac: str = Field(default="", max_length=64)  # row MAC (engine.integrity)


class GroupMembership(SQLModel, table=True):
    """User `user_id` is a member of group `group_id`."""

    __tablename__ = "iam_group_member"
    group_id: str = Field(foreign_key="iam_group.group_id", primary_key=True, max_length=64)
    user_id: str = Field(foreign_key="iam_user.user_id", primary_key=True, index=True, max_length=64)
    mac: str = Field(default="", max_length=64)  # row MAC (engine.integrity)


class GroupPolicyAttachment(SQLModel, table=True):
    """Policy `policy_id` is attached to group `group_id`."""

    __tablename__ = "iam_group_policy"
    group_id: str = Field(foreign_key="iam_group.group_id", primary_key=True, max_length=64)
    policy_id: str = Field(foreign_key="iam_policy.policy_id", primary_key=True, index=True,
                           max_length=64)
    mac: str = Field(default="", max_length=64)  # row MAC (engine.integrity)
