"""Secret events, local notification topics and delivered notification records."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel, UniqueConstraint

from engine.db import UTCDateTime


class Topic(SQLModel, table=True):
    """A local SMN-like topic: delivers to the inbox, optionally appends JSON lines to a file."""

    __tablename__ = "event_topic"
    __table_args__ = (UniqueConstraint("domain_id", "name"),)
    topic_id: str = Field(primary_key=True, max_length=64)
    domain_id: str = Field(index=True, max_length=64)
    name: str = Field(max_length=64)
    file: str = Field(default="")
    created: datetime = Field(sa_type=UTCDateTime)


class SecretEvent(SQLModel, table=True):
    __tablename__ = "secret_event"
    __table_args__ = (UniqueConstraint("domain_id", "name"),)
    event_id: str = Field(primary_key=True, max_length=36)
    domain_id: str = Field(index=True, max_length=64)
    name: str = Field(max_length=64, index=True)
    event_types: str  # comma-separated
    state: str = Field(default="ENABLED", max_length=16)
    topic_id: str = Field(foreign_key="event_topic.topic_id", index=True)
    create_time: datetime = Field(sa_type=UTCDateTime)
    update_time: datetime = Field(sa_type=UTCDateTime)


class NotificationRecord(SQLModel, table=True):
    __tablename__ = "notification_record"
    # records still PENDING, oldest first (the delivery retry's probe)
    __table_args__ = (Index("ix_notification_status_created", "notification_status", "create_time"),)
    record_id: str = Field(primary_key=True, max_length=36)
    seq: int = Field(default=0, index=True)  # delivery order within the domain (newest = highest)
    domain_id: str = Field(index=True, max_length=64)
    event_name: str = Field(index=True, max_length=64)
    trigger_event_type: str = Field(index=True, max_length=32)
    level: str = Field(default="normal", max_length=16)  # normal | warning
    secret_name: str = Field(index=True, max_length=64)
    secret_id: str = Field(default="", max_length=36)
    secret_type: str = Field(default="COMMON", max_length=16)
    version_id: str = Field(default="", max_length=16)
    create_time: datetime = Field(sa_type=UTCDateTime, index=True)
    notification_target_name: str = Field(default="", max_length=64)
    notification_target_id: str = Field(default="", max_length=64)
    notification_content: str = Field(default="{}")  # JSON, no secret value
    notification_status: str = Field(default="SUCCESS", max_length=16)  # PENDING only until its file line is written
    read: bool = Field(default=False, index=True)
