"""Tables shared by every service: installation facts, principals, projects, audit traces."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel, UniqueConstraint

from engine.db import UTCDateTime


class Meta(SQLModel, table=True):
    """Installation facts: root key fingerprint, schema version, audit chain head."""

    __tablename__ = "meta"
    name: str = Field(primary_key=True, max_length=64)
    value: str = Field(default="")


class Account(SQLModel, table=True):
    """An account (domain); it contains users."""

    __tablename__ = "account"
    domain_id: str = Field(primary_key=True, max_length=64)
    name: str = Field(unique=True, max_length=64)
    created: datetime = Field(sa_type=UTCDateTime)


class User(SQLModel, table=True):
    """A principal. The account's administrator may do everything in the account."""

    __tablename__ = "iam_user"
    user_id: str = Field(primary_key=True, max_length=64)
    name: str = Field(unique=True, max_length=64)
    domain_id: str = Field(foreign_key="account.domain_id", index=True)
    is_admin: bool = False
    created: datetime = Field(sa_type=UTCDateTime)
    mac: str = Field(default="", max_length=64)  # row MAC (engine.integrity)


class Policy(SQLModel, table=True):
    """A JSON policy document (system or custom)."""

    __tablename__ = "iam_policy"
    policy_id: str = Field(primary_key=True, max_length=64)
    name: str = Field(unique=True, max_length=128)
    document: str
    system: bool = False
    domain_id: str = Field(default="", index=True, max_length=64)  # owner account; "" for system
    created: datetime = Field(sa_type=UTCDateTime)
    mac: str = Field(default="", max_length=64)  # row MAC (engine.integrity)


class PolicyAttachment(SQLModel, table=True):
    __tablename__ = "iam_policy_attachment"
    __table_args__ = (UniqueConstraint("user_id", "policy_id"),)
    id: int | None = Field(default=None, primary_key=True)
    user_id: str = Field(foreign_key="iam_user.user_id", index=True)
    policy_id: str = Field(foreign_key="iam_policy.policy_id", index=True)
    mac: str = Field(default="", max_length=64)  # row MAC (engine.integrity)


class EnterpriseProject(SQLModel, table=True):
    """A named group of keys and secrets; `default` always exists."""

    __tablename__ = "enterprise_project"
    __table_args__ = (UniqueConstraint("domain_id", "name"),)
    project_id: str = Field(primary_key=True, max_length=64)
    domain_id: str = Field(index=True)
    name: str = Field(max_length=64)
    created: datetime = Field(sa_type=UTCDateTime)


class AuditTrace(SQLModel, table=True):
    """One audited call. `prev`/`chain` form a keyed hash chain ordered by `seq`.

    Every call writes one, so the table has only the indexes its reads need: `trace_id`
    (show one trace) and (account, seq) (the audit screen pages one account's trail newest
    first; its other filters are checked on the rows that walk reaches). Retention pruning
    walks `seq` from the oldest trace, which needs no index of its own."""

    __tablename__ = "audit_trace"
    __table_args__ = (Index("ix_audit_trace_domain_seq", "domain_id", "seq"),
                      {"sqlite_autoincrement": True})  # a seq is never reused, even after deletions
    seq: int | None = Field(default=None, primary_key=True)
    trace_id: str = Field(unique=True, max_length=64)
    trace_name: str = Field(max_length=64)
    trace_type: str = Field(default="ApiCall", max_length=32)
    resource_type: str = Field(max_length=16)
    resource_id: str = Field(default="", max_length=64)
    resource_name: str = Field(default="", max_length=255)
    trace_rating: str = Field(max_length=16)
    code: str = Field(max_length=16)
    domain_id: str = Field(default="", max_length=64)
    user: str = Field(default="", max_length=64)
    source: str = Field(default="api", max_length=16)
    # the caller's network address (calls over HTTP); "" for local calls and older traces
    source_ip: str = Field(default="", max_length=64, sa_column_kwargs={"server_default": ""})
    time: datetime = Field(sa_type=UTCDateTime)
    request: str = Field(default="{}")
    response: str = Field(default="{}")
    message: str = Field(default="")
    prev: str = Field(default="", max_length=64)
    chain: str = Field(default="", max_length=64)
