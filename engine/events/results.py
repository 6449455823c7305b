"""Frozen results of `eng.events` calls (never ORM rows). Field names follow the cloud API."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class TopicInfo:
    """A local notification topic; `file` is "" when it delivers to the inbox only, else its
    one possible file, `$DEW_HOME/topics/<name>.jsonl`."""

    topic_id: str
    name: str
    file: str
    created: datetime
    used_by: tuple[str, ...] = ()  # names of the events that notify this topic


@dataclass(frozen=True)
class Notification:
    """The event's notification target (cloud: `{target_type, target_id, target_name}`)."""

    target_type: str
    target_id: str
    target_name: str


@dataclass(frozen=True)
class SecretEventInfo:
    name: str
    event_id: str
    event_types: tuple[str, ...]
    state: str
    create_time: datetime
    update_time: datetime
    notification: Notification
    topic_file: str = ""
    subscribers: int = 0  # secrets (not deleted) subscribed to this event

    @property
    def enabled(self) -> bool:
        return self.state == "ENABLED"


@dataclass(frozen=True)
class NotificationRecordInfo:
    """One delivered notification; `notification_content` is the cloud's JSON string."""

    record_id: str
    event_name: str
    trigger_event_type: str
    level: str
    secret_name: str
    secret_type: str
    version_id: str
    create_time: datetime
    notification_target_name: str
    notification_target_id: str
    notification_content: str
    notification_status: str
    read: bool

    @property
    def content(self) -> dict[str, Any]:
        """The content JSON, parsed (`eventName`, `eventType`, `eventTime`, `data`)."""
        try:
            value = json.loads(self.notification_content)
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class TopicSubscriptionInfo:
    """A topic's webhook subscription: where its records are posted. `signing_secret` is
    set only in what `subscribe_topic` returns (shown once, never stored in the clear)."""

    subscription_id: str
    topic_id: str
    topic_name: str
    endpoint: str
    protocol: str  # https | http
    status: str  # ACTIVE
    created: datetime
    signing_secret: str = field(default="", repr=False)


@dataclass(frozen=True)
class WebhookDeliveryInfo:
    """One notification record posted (or still to be) to one subscription's endpoint."""

    delivery_id: str
    record_id: str
    subscription_id: str
    endpoint: str
    status: str  # PENDING | SUCCESS | FAIL
    attempts: int
    next_attempt: datetime | None
    last_attempt: datetime | None
    last_result: str  # e.g. "HTTP 204", "connection refused"
