"""Webhook subscriptions of notification topics and the delivery of each record to each.

A subscription's signing secret is stored only sealed under the root key (AAD binds it to
the subscription id, topic and endpoint: a row edited to point elsewhere cannot sign). A
delivery row is one notification record on its way to one subscription's endpoint; it
goes with its record (retention prunes both).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from engine.db import UTCDateTime


class TopicSubscription(SQLModel, table=True):
    """An `https`/`http` endpoint a topic also posts each of its records to."""

    __tablename__ = "topic_subscription"
    subscription_id: str = Field(primary_key=True, max_length=36)
    domain_id: str = Field(index=True, max_length=64)
    topic_id: str = Field(foreign_key="event_topic.topic_id", index=True, ondelete="CASCADE")
    endpoint: str = Field(max_length=2048)
    protocol: str = Field(max_length=8)  # https | http
    status: str = Field(default="ACTIVE", max_length=16)
    sealed_secret: bytes  # the signing secret, sealed (never stored in the clear)
    created: datetime = Field(sa_type=UTCDateTime)


class WebhookDelivery(SQLModel, table=True):
    """One record posted (or still to be posted) to one subscription's endpoint."""

    __tablename__ = "webhook_delivery"
    # deliveries still PENDING by next attempt time (the retry job's probe)
    __table_args__ = (Index("ix_webhook_delivery_status_next", "status", "next_attempt"),)
    delivery_id: str = Field(primary_key=True, max_length=36)
    record_id: str = Field(foreign_key="notification_record.record_id", index=True, ondelete="CASCADE")
    subscription_id: str = Field(index=True, max_length=36)
    domain_id: str = Field(max_length=64)
    endpoint: str = Field(max_length=2048)  # where it goes, as shown (a copy: history outlives the subscription)
    status: str = Field(default="PENDING", max_length=16)  # PENDING | SUCCESS | FAIL
    attempts: int = 0
    next_attempt: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_attempt: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_result: str = Field(default="", max_length=255)  # "HTTP 204", "connection refused", ...
    created: datetime = Field(sa_type=UTCDateTime)
