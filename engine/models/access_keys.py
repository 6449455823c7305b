"""Access keys (AK/SK) and each account's project id: what a program signing its requests
with the cloud SDK presents, and the path segment that names its account.

An access key belongs to one user; its secret (SK) is sealed under the root key with the
access key id as associated data, so a sealed secret copied onto another row does not open.
Key rows decide who a signed request acts as, so they carry a row MAC (engine.integrity).
"""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from engine.db import UTCDateTime


class AccessKey(SQLModel, table=True):
    """One user's access key: the id (AK) in clear, the secret (SK) sealed."""

    __tablename__ = "access_keys"
    access: str = Field(primary_key=True, max_length=20)  # 20 upper-case letters/digits
    user_id: str = Field(foreign_key="iam_user.user_id", index=True, max_length=64)
    domain_id: str = Field(foreign_key="account.domain_id", index=True, max_length=64)
    status: str = Field(default="active", max_length=16)  # "active" | "inactive"
    description: str = Field(default="", max_length=255)
    created_at: datetime = Field(sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    secret_sealed: bytes  # hsm.seal(sk, "access-key", access)
    mac: str = Field(default="", max_length=64)  # row MAC (engine.integrity)


class AccountProject(SQLModel, table=True):
    """The project id of an account (32 lower-case hex): the `{project_id}` of the cloud's
    paths. Made on first need, never changed."""

    __tablename__ = "account_project"
    domain_id: str = Field(foreign_key="account.domain_id", primary_key=True, max_length=64)
    project_id: str = Field(unique=True, max_length=32)
