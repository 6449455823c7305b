"""Customer master keys, their sealed material versions and their tags."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel, UniqueConstraint

from engine.db import UTCDateTime


class Cmk(SQLModel, table=True):
    """A customer master key. Material lives only in `KeyVersion`, sealed."""

    __tablename__ = "cmk"
    # the keys screen pages by creation date within an account: index order = page order
    # due work is found through (state, due time): the probe with nothing due reads one index
    # entry, whatever the number of keys; (account, default flag) bounds the quota count;
    # (account, state, alias, id) counts a state-and-search filter from the index alone
    __table_args__ = (UniqueConstraint("domain_id", "key_alias"),
                      Index("ix_cmk_domain_created", "domain_id", "creation_date", "key_id"),
                      Index("ix_cmk_state_deletion", "key_state", "scheduled_deletion_date"),
                      Index("ix_cmk_state_rotation", "key_state", "rotation_due"),
                      Index("ix_cmk_state_expiration", "key_state", "expiration_time"),
                      Index("ix_cmk_domain_default", "domain_id", "default_key"),
                      Index("ix_cmk_domain_state_alias", "domain_id", "key_state", "key_alias", "key_id"))
    key_id: str = Field(primary_key=True, max_length=36)
    domain_id: str = Field(index=True, max_length=64)
    key_alias: str = Field(max_length=255, index=True)
    key_description: str = Field(default="", max_length=255)
    key_spec: str = Field(max_length=16, index=True)
    key_usage: str = Field(max_length=32, index=True)
    key_state: str = Field(max_length=2, index=True)
    origin: str = Field(default="kms", max_length=16, index=True)
    default_key: bool = False
    enterprise_project_id: str = Field(default="default", max_length=64, index=True)
    creation_date: datetime = Field(sa_type=UTCDateTime, index=True)
    scheduled_deletion_date: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # imported material
    expiration_time: datetime | None = Field(default=None, sa_type=UTCDateTime)
    material_digest: str = Field(default="", max_length=64)  # keyed digest of the first import
    # rotation
    rotation_enabled: bool = False
    rotation_interval: int = 365
    rotation_due: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_rotation_time: datetime | None = Field(default=None, sa_type=UTCDateTime)
    rotation_count: int = 0
    current_version: int = 0  # 0: no material (pending import)
    mac: str = Field(default="", max_length=64)  # row MAC (engine.integrity)


class KeyVersion(SQLModel, table=True):
    """One version of a key's material, sealed under the root key (AAD: key id, version, spec)."""

    __tablename__ = "key_version"
    key_id: str = Field(foreign_key="cmk.key_id", primary_key=True, ondelete="CASCADE")
    version: int = Field(primary_key=True)
    sealed_material: bytes
    created: datetime = Field(sa_type=UTCDateTime)


class KeyTag(SQLModel, table=True):
    __tablename__ = "key_tag"
    key_id: str = Field(foreign_key="cmk.key_id", primary_key=True, ondelete="CASCADE")
    tag_key: str = Field(primary_key=True, max_length=128)
    tag_value: str = Field(default="", max_length=255)
