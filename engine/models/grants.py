"""Grants: a principal allowed a set of operations on one key."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from engine.db import UTCDateTime


class Grant(SQLModel, table=True):
    __tablename__ = "kms_grant"
    grant_id: str = Field(primary_key=True, max_length=64)
    key_id: str = Field(foreign_key="cmk.key_id", index=True, ondelete="CASCADE")
    name: str = Field(default="", max_length=255)
    grantee_principal: str = Field(index=True, max_length=64)
    grantee_principal_type: str = Field(default="user", max_length=16)  # user | domain
    operations: str  # comma-separated operation names
    issuing_principal: str = Field(max_length=64)  # user id of the creator
    retiring_principal: str = Field(default="", max_length=64)
    creation_date: datetime = Field(sa_type=UTCDateTime)
    mac: str = Field(default="", max_length=64)  # row MAC (engine.integrity)
