"""Secrets, their versions (values sealed by envelope encryption), stages and tags."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel, UniqueConstraint

from engine.db import UTCDateTime


class Secret(SQLModel, table=True):
    __tablename__ = "csms_secret"
    # the secrets screen pages newest first within an account: index order = page order
    __table_args__ = (UniqueConstraint("domain_id", "name"),
                      Index("ix_csms_secret_domain_created", "domain_id", text("create_time DESC"), "name"),
                      # due work: (state, due time), so nothing due is one index probe
                      Index("ix_csms_secret_state_delete", "state", "scheduled_delete_time"),
                      Index("ix_csms_secret_state_rotation", "state", "next_rotation_time"))
    secret_id: str = Field(primary_key=True, max_length=36)
    domain_id: str = Field(index=True, max_length=64)
    name: str = Field(index=True, max_length=64)
    secret_type: str = Field(default="COMMON", max_length=16)
    state: str = Field(default="ENABLED", index=True, max_length=16)  # ENABLED | PENDING_DELETE
    kms_key_id: str = Field(index=True, max_length=36)  # key for new versions
    description: str = Field(default="")
    enterprise_project_id: str = Field(default="default", index=True, max_length=64)
    create_time: datetime = Field(sa_type=UTCDateTime, index=True)
    update_time: datetime = Field(sa_type=UTCDateTime)
    scheduled_delete_time: datetime | None = Field(default=None, sa_type=UTCDateTime)
    event_subscriptions: str = Field(default="", index=True, max_length=64)  # event name or ""
    auto_rotation: bool = False
    rotation_period: str = Field(default="", max_length=16)  # e.g. "30d", "6h"
    rotation_generator: str = Field(default="")  # hex of the generator JSON sealed under the root key
    rotation_time: datetime | None = Field(default=None, sa_type=UTCDateTime)  # last rotation
    next_rotation_time: datetime | None = Field(default=None, sa_type=UTCDateTime)
    rotation_error: str = Field(default="")  # why the last due rotation failed, "" if it did not
    version_counter: int = 0  # last version number handed out (v1, v2, ...)
    mac: str = Field(default="", max_length=64)  # row MAC (engine.integrity)


class SecretVersion(SQLModel, table=True):
    """One version. The value is sealed with a fresh data key; only the data key's KMS
    ciphertext (`wrapped_dek`) and the sealed value are stored."""

    __tablename__ = "csms_version"
    # versions whose expiry is not yet notified, by expiry time (the expiry job's probe)
    __table_args__ = (Index("ix_csms_version_unnotified_expiry", "expiry_notified", "expire_time"),)
    secret_id: str = Field(foreign_key="csms_secret.secret_id", primary_key=True, ondelete="CASCADE")
    version_id: str = Field(primary_key=True, max_length=16)  # "v1", "v2", ...
    seq: int = Field(index=True)
    create_time: datetime = Field(sa_type=UTCDateTime)
    expire_time: datetime | None = Field(default=None, sa_type=UTCDateTime)
    expiry_notified: bool = False  # SECRET_VERSION_EXPIRED fired for this expire_time
    kms_key_id: str = Field(index=True, max_length=36)
    wrapped_dek: str  # hex, the KMS data key ciphertext
    sealed_value: bytes
    value_kind: str = Field(default="string", max_length=8)  # string | binary


class SecretStage(SQLModel, table=True):
    __tablename__ = "csms_stage"
    secret_id: str = Field(foreign_key="csms_secret.secret_id", primary_key=True, ondelete="CASCADE")
    stage_name: str = Field(primary_key=True, max_length=64)
    version_id: str = Field(max_length=16)
    update_time: datetime = Field(sa_type=UTCDateTime)
    mac: str = Field(default="", max_length=64)  # row MAC (engine.integrity)


class SecretTag(SQLModel, table=True):
    __tablename__ = "csms_tag"
    secret_id: str = Field(foreign_key="csms_secret.secret_id", primary_key=True, ondelete="CASCADE")
    tag_key: str = Field(primary_key=True, max_length=128)
    tag_value: str = Field(default="", max_length=255)
