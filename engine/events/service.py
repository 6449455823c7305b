"""`eng.events`: secret events and the local notification topics they deliver to.

Error codes (cloud CSMS codes, cloud-api-notes §3):
- `CSMS.0002` (400) an invalid value: event or topic name, event types (unknown, none,
  duplicated), state, topic file, webhook endpoint or protocol (endpoints.py); also a name
  (or a topic's endpoint) that is already taken.
- `CSMS.0003` (400) the request cannot be done in the current state: deleting an event a
  secret still subscribes to, or a topic an event still notifies.
- `CSMS.0005` (400) the event, topic or notification record does not exist.
- `CSMS.0202` (400) the number of events has reached the upper limit (30, a setting), or a
  topic's webhook subscriptions theirs (10).
- `CSMS.0302` (403) no permission (`csms:event:create|get|list|update|delete`).

Events and topics belong to the caller's account (domain). Listings are unaudited reads;
every change goes through `_call` and is traced.
"""
from __future__ import annotations

import os
from typing import Any, Iterable

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from engine.errors import DewError
from engine.events.catalog import BY_NAME, EVENT_TYPES, NAME_RE, STATES, TARGET_TYPE, ENABLED, DISABLED
from engine.events.endpoints import check_endpoint, check_protocol, shown_endpoint
from engine.events.inbox import Inbox
from engine.events.results import (Notification, SecretEventInfo, TopicInfo, TopicSubscriptionInfo,
                                   WebhookDeliveryInfo)
from engine.events.topicfile import topic_file_path
from engine.events.webhooks import ACTIVE, FAIL, PENDING, SECRET_BYTES, secret_aad
from engine.iam.resources import Resource
from engine.models.csms import Secret
from engine.models.events import NotificationRecord, SecretEvent, Topic
from engine.models.webhooks import TopicSubscription, WebhookDelivery
from engine.service import Service

MAX_TYPES = 12
MAX_SUBSCRIPTIONS = 10  # webhook endpoints per topic


def bad(message: str) -> DewError:
    return DewError("CSMS.0002", message, 400)


def check_name(name: object, what: str) -> str:
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise bad(f"invalid {what} name {name!r}: 1-64 of letters, digits, _ -")
    return name


def check_types(event_types: object) -> str:
    """Comma-joined types in the catalog's order; refuses unknown, none or duplicates."""
    if isinstance(event_types, str) or not isinstance(event_types, Iterable):
        raise bad("event_types must be a list of event types")
    items = list(event_types)
    if not items or len(items) > MAX_TYPES:
        raise bad(f"an event listens to 1-{MAX_TYPES} event types")
    for t in items:
        if not isinstance(t, str) or t not in BY_NAME:
            raise bad(f"unknown event type {t!r}; one of {', '.join(BY_NAME)}")
    if len(set(items)) != len(items):
        raise bad("event_types must not contain duplicates")
    return ",".join(t.name for t in EVENT_TYPES if t.name in items)


def check_state(state: object) -> str:
    if not isinstance(state, str) or state not in STATES:
        raise bad(f"invalid state {state!r}; ENABLED or DISABLED")
    return str(state)


def check_file(file: object, home: Any, name: str) -> str:
    """A topic's stored file: "" (inbox only) or its one possible file, `$DEW_HOME/topics/<name>.jsonl`.

    `file` is a choice, not a path: True (or, for compatibility, exactly that default path)
    delivers to the file; False, None or "" does not. Any other path is refused."""
    if file is None or file is False or file == "":
        return ""
    if home is None:
        raise DewError("CSMS.0003", "no data directory is known: a topic cannot deliver to a file", 400)
    try:
        path = str(topic_file_path(home, name))
    except ValueError:
        raise bad(f"topic {name!r} has no valid file name: it cannot deliver to a file") from None
    if file is True or (isinstance(file, str) and file in (path, os.path.abspath(path))):
        return path
    raise bad("topic files live only in the data directory, at $DEW_HOME/topics/<topic name>.jsonl "
              f"(here {path}): pass file=True to deliver to it; no other path is accepted")


def shown_file(home: Any, topic: Topic | None) -> str:
    """The file a topic really delivers to ("" for none). A row from an older database may
    hold any path: only its confined path is ever shown (and written: see fire.py)."""
    if topic is None or not topic.file or home is None:
        return ""
    try:
        return str(topic_file_path(home, topic.name))
    except ValueError:
        return ""


def authorize_topic_users(call: Any, topic: Topic, action: str) -> list[str]:
    """Changing a topic changes what every event notifying it delivers: the caller needs
    `action` on each of those events (an event it may not touch refuses the change)."""
    users = list(call.s.exec(select(SecretEvent.name).where(SecretEvent.topic_id == topic.topic_id)
                             .order_by(SecretEvent.name)).all())
    for ev_name in users:
        call.authorize(action, Resource("CSMS", topic.domain_id, "event", ev_name))
    return users


def topic_name_of(notification: object) -> str:
    """`notification` is a topic name, or the cloud's `{"target_name": ...}` object."""
    if isinstance(notification, dict):
        notification = notification.get("target_name") or notification.get("name")
    if not isinstance(notification, str) or not notification:
        raise bad("notification must name a topic")
    return notification


def find_topic(s: Session, domain: str, name: str) -> Topic:
    row = s.exec(select(Topic).where(Topic.domain_id == domain, Topic.name == name)).first()
    if row is None:
        raise DewError("CSMS.0005", f"topic {name!r} does not exist", 400)
    return row


def find_event(s: Session, domain: str, name: object) -> SecretEvent:
    row = None
    if isinstance(name, str):
        row = s.exec(select(SecretEvent).where(SecretEvent.domain_id == domain,
                                               SecretEvent.name == name)).first()
    if row is None:
        raise DewError("CSMS.0005", f"event {name!r} does not exist", 400)
    return row


def subscribers(s: Session, domain: str, event_name: str) -> list[str]:
    """Secrets (any state but deleted) subscribed to `event_name`."""
    return list(s.exec(select(Secret.name).where(
        Secret.domain_id == domain, Secret.event_subscriptions == event_name,
        Secret.state != "DELETED").order_by(Secret.name)).all())


def subscription_info(sub: TopicSubscription, topic: Topic, signing_secret: str = "") -> TopicSubscriptionInfo:
    return TopicSubscriptionInfo(sub.subscription_id, sub.topic_id, topic.name, sub.endpoint,
                                 sub.protocol, sub.status, sub.created, signing_secret)


def event_info(s: Session, ev: SecretEvent, topic: Topic | None = None, home: Any = None) -> SecretEventInfo:
    topic = topic or s.get(Topic, ev.topic_id)
    return SecretEventInfo(
        name=ev.name, event_id=ev.event_id, event_types=tuple(t for t in ev.event_types.split(",") if t),
        state=ev.state, create_time=ev.create_time, update_time=ev.update_time,
        notification=Notification(TARGET_TYPE, ev.topic_id, topic.name if topic else ""),
        topic_file=shown_file(home, topic),
        subscribers=len(subscribers(s, ev.domain_id, ev.name)))


class EventsService(Inbox, Service):
    family = "CSMS"

    # --- topics ------------------------------------------------------------------------
    def create_topic(self, name: str, file: bool | str | None = None) -> TopicInfo:
        """A topic delivering to the inbox and, with `file=True`, to `$DEW_HOME/topics/<name>.jsonl`."""
        with self._call("createTopic", "csms", request={"name": name, "file": file}) as call:
            call.resource("", name if isinstance(name, str) else "")
            call.authorize("csms:event:create")
            domain = call.principal.domain_id
            check_name(name, "topic")
            path = check_file(file, self.ctx.home, name)
            if call.s.exec(select(Topic).where(Topic.domain_id == domain, Topic.name == name)).first():
                raise bad(f"topic {name!r} already exists")
            row = Topic(topic_id=self.ctx.rng.uuid(), domain_id=domain, name=name, file=path,
                        created=call.now)
            call.s.add(row)
            call.s.flush()
            call.resource(row.topic_id, name)
            call.response = {"topic_id": row.topic_id}
            return TopicInfo(row.topic_id, row.name, row.file, row.created)

    def list_topics(self) -> list[TopicInfo]:
        with self._reading_events("csms:event:list", "listTopics") as s:
            domain = self.ctx.principal.domain_id
            used: dict[str, list[str]] = {}
            for ev_name, topic_id in s.exec(select(SecretEvent.name, SecretEvent.topic_id)
                                            .where(SecretEvent.domain_id == domain)
                                            .order_by(SecretEvent.name)).all():
                used.setdefault(topic_id, []).append(ev_name)
            rows = s.exec(select(Topic).where(Topic.domain_id == domain).order_by(Topic.name)).all()
            return [TopicInfo(t.topic_id, t.name, shown_file(self.ctx.home, t), t.created,
                              tuple(used.get(t.topic_id, ()))) for t in rows]

    def update_topic(self, name: str, file: bool | str | None = None) -> TopicInfo:
        """Turn a topic's file delivery on (`file=True`) or off (`file=False`); None keeps it.
        Needs `csms:event:update` on every event notifying the topic."""
        with self._call("updateTopic", "csms", request={"name": name, "file": file}) as call:
            call.resource("", name if isinstance(name, str) else "")
            call.authorize("csms:event:update")
            row = find_topic(call.s, call.principal.domain_id, name)
            call.resource(row.topic_id, row.name)
            users = authorize_topic_users(call, row, "csms:event:update")
            if file is not None:
                row.file = check_file(file, self.ctx.home, row.name)
                call.s.add(row)
                call.s.flush()
            call.response = {"topic_id": row.topic_id, "file": bool(row.file)}
            return TopicInfo(row.topic_id, row.name, shown_file(self.ctx.home, row), row.created,
                             tuple(users))

    def delete_topic(self, name: str) -> None:
        with self._call("deleteTopic", "csms", request={"name": name}) as call:
            call.resource("", name if isinstance(name, str) else "")
            call.authorize("csms:event:delete")
            row = find_topic(call.s, call.principal.domain_id, name)
            call.resource(row.topic_id, row.name)
            # permission on its events first: a caller who may not touch them learns nothing
            # about them from the in-use refusal below
            users = authorize_topic_users(call, row, "csms:event:update")
            if users:
                raise DewError("CSMS.0003", f"topic {name!r} is still used by event(s) "
                                            f"{', '.join(users[:5])}: change or delete them first", 400)
            call.s.delete(row)

    # --- webhook subscriptions of a topic (posting: webhooks.py) -------------------------
    def subscribe_topic(self, topic: str, endpoint: str, protocol: str = "https") -> TopicSubscriptionInfo:
        """Post every record of `topic` to `endpoint` too; the result's `signing_secret` is
        shown only here. Needs `csms:event:update` (and on every event notifying the topic)."""
        request = {"topic": topic, "endpoint": shown_endpoint(endpoint), "protocol": protocol}
        with self._call("subscribeTopic", "csms", request=request) as call:
            call.resource("", topic if isinstance(topic, str) else "")
            call.authorize("csms:event:update")
            row = find_topic(call.s, call.principal.domain_id, topic)
            call.resource(row.topic_id, row.name)
            authorize_topic_users(call, row, "csms:event:update")
            url = check_endpoint(endpoint, check_protocol(protocol))
            existing = call.s.exec(select(TopicSubscription.endpoint)
                                   .where(TopicSubscription.topic_id == row.topic_id)).all()
            if url in existing:
                raise bad("this endpoint is already subscribed to the topic")
            if len(existing) >= MAX_SUBSCRIPTIONS:
                raise DewError("CSMS.0202", f"subscription quota reached: {len(existing)} of "
                                            f"{MAX_SUBSCRIPTIONS} endpoints on topic {row.name!r}", 400)
            sub_id = self.ctx.rng.uuid()
            secret = self.ctx.rng.secret_bytes(SECRET_BYTES).hex()
            sub = TopicSubscription(
                subscription_id=sub_id, domain_id=row.domain_id, topic_id=row.topic_id, endpoint=url,
                protocol=protocol, status=ACTIVE, created=call.now,
                sealed_secret=self.ctx.hsm.seal(secret.encode("utf-8"), *secret_aad(sub_id, row.topic_id, url)))
            call.s.add(sub)
            call.s.flush()
            call.response = {"subscription_id": sub_id, "status": ACTIVE}
            return subscription_info(sub, row, signing_secret=secret)

    def list_topic_subscriptions(self, topic: str) -> list[TopicSubscriptionInfo]:
        with self._reading_events("csms:event:list", "listTopicSubscriptions", {"topic": topic}) as s:
            row = find_topic(s, self.ctx.principal.domain_id, topic)
            subs = s.exec(select(TopicSubscription).where(TopicSubscription.topic_id == row.topic_id)
                          .order_by(col(TopicSubscription.created), col(TopicSubscription.subscription_id))).all()
            return [subscription_info(sub, row) for sub in subs]

    def unsubscribe_topic(self, subscription_id: str) -> None:
        """Stop posting to a subscription's endpoint; its deliveries still PENDING become FAIL."""
        with self._call("unsubscribeTopic", "csms", request={"subscription_id": subscription_id}) as call:
            call.resource(subscription_id, "")
            call.authorize("csms:event:update")
            sub = call.s.get(TopicSubscription, subscription_id) if isinstance(subscription_id, str) else None
            if sub is None or sub.domain_id != call.principal.domain_id:
                raise DewError("CSMS.0005", f"subscription {subscription_id!r} does not exist", 400)
            row = call.s.get(Topic, sub.topic_id)
            if row is not None:
                call.resource(sub.subscription_id, row.name)
                authorize_topic_users(call, row, "csms:event:update")
            call.s.exec(update(WebhookDelivery)
                        .where(col(WebhookDelivery.subscription_id) == sub.subscription_id,
                               col(WebhookDelivery.status) == PENDING)
                        .values(status=FAIL, next_attempt=None, last_result="the subscription was removed"))
            call.s.delete(sub)
            call.response = {"subscription_id": sub.subscription_id}

    def list_deliveries(self, record_id: str) -> list[WebhookDeliveryInfo]:
        """Where a notification record was posted, and how each delivery went."""
        with self._reading_events("csms:event:list", "listDeliveries", {"record_id": record_id}) as s:
            r = s.get(NotificationRecord, record_id) if isinstance(record_id, str) else None
            if r is None or r.domain_id != self.ctx.principal.domain_id:
                raise DewError("CSMS.0005", f"notification record {record_id!r} does not exist", 400)
            rows = s.exec(select(WebhookDelivery).where(WebhookDelivery.record_id == record_id)
                          .order_by(col(WebhookDelivery.created), col(WebhookDelivery.delivery_id))).all()
            return [WebhookDeliveryInfo(d.delivery_id, d.record_id, d.subscription_id, d.endpoint,
                                        d.status, d.attempts, d.next_attempt, d.last_attempt,
                                        d.last_result) for d in rows]

    # --- events --------------------------------------------------------------------------
    def create_secret_event(self, name: str, event_types: Any, state: str = ENABLED,
                            notification: Any = None) -> SecretEventInfo:
        request = {"name": name, "event_types": list(event_types) if isinstance(event_types, (list, tuple)) else event_types,
                   "state": state, "notification": notification}
        with self._call("createSecretEvent", "csms", request=request) as call:
            call.resource("", name if isinstance(name, str) else "")
            call.authorize("csms:event:create")
            domain = call.principal.domain_id
            check_name(name, "event")
            types = check_types(event_types)
            st = check_state(state)
            topic = find_topic(call.s, domain, topic_name_of(notification))
            if call.s.exec(select(SecretEvent).where(SecretEvent.domain_id == domain,
                                                     SecretEvent.name == name)).first():
                raise bad(f"event {name!r} already exists")
            used = call.s.exec(select(func.count()).select_from(SecretEvent)
                               .where(SecretEvent.domain_id == domain)).one()
            quota = self.ctx.settings.events_quota
            if used >= quota:
                raise DewError("CSMS.0202", f"event quota reached: {used} of {quota} events", 400)
            ev = SecretEvent(event_id=self.ctx.rng.uuid(), domain_id=domain, name=name,
                             event_types=types, state=st, topic_id=topic.topic_id,
                             create_time=call.now, update_time=call.now)
            call.s.add(ev)
            call.s.flush()
            call.resource(ev.event_id, name)
            call.response = {"event_id": ev.event_id, "state": st}
            return event_info(call.s, ev, topic, self.ctx.home)

    def list_secret_events(self) -> list[SecretEventInfo]:
        with self._reading_events("csms:event:list", "listSecretEvents") as s:
            domain = self.ctx.principal.domain_id
            topics = {t.topic_id: t for t in s.exec(select(Topic).where(Topic.domain_id == domain)).all()}
            counts = dict(s.exec(select(Secret.event_subscriptions, func.count())
                                 .where(Secret.domain_id == domain, Secret.event_subscriptions != "",
                                        Secret.state != "DELETED")
                                 .group_by(Secret.event_subscriptions)).all())
            rows = s.exec(select(SecretEvent).where(SecretEvent.domain_id == domain)
                          .order_by(SecretEvent.name)).all()
            out = []
            for ev in rows:
                topic = topics.get(ev.topic_id)
                out.append(SecretEventInfo(
                    name=ev.name, event_id=ev.event_id,
                    event_types=tuple(t for t in ev.event_types.split(",") if t), state=ev.state,
                    create_time=ev.create_time, update_time=ev.update_time,
                    notification=Notification(TARGET_TYPE, ev.topic_id, topic.name if topic else ""),
                    topic_file=shown_file(self.ctx.home, topic), subscribers=int(counts.get(ev.name, 0))))
            return out

    def show_secret_event(self, name: str) -> SecretEventInfo:
        with self._reading_events("csms:event:get", "showSecretEvent", {"name": name}) as s:
            return event_info(s, find_event(s, self.ctx.principal.domain_id, name), home=self.ctx.home)

    def update_secret_event(self, name: str, event_types: Any = None, state: str | None = None,
                            notification: Any = None) -> SecretEventInfo:
        request = {"name": name, "event_types": list(event_types) if isinstance(event_types, (list, tuple)) else event_types,
                   "state": state, "notification": notification}
        with self._call("updateSecretEvent", "csms", request=request) as call:
            call.resource("", name if isinstance(name, str) else "")
            call.authorize("csms:event:update")
            domain = call.principal.domain_id
            ev = find_event(call.s, domain, name)
            call.resource(ev.event_id, ev.name)
            if event_types is not None:
                ev.event_types = check_types(event_types)
            if state is not None:
                ev.state = check_state(state)
            if notification is not None:
                ev.topic_id = find_topic(call.s, domain, topic_name_of(notification)).topic_id
            ev.update_time = call.now
            call.s.add(ev)
            call.s.flush()
            call.response = {"state": ev.state, "event_types": ev.event_types}
            return event_info(call.s, ev, home=self.ctx.home)

    def enable_secret_event(self, name: str) -> SecretEventInfo:
        return self.update_secret_event(name, state=ENABLED)

    def disable_secret_event(self, name: str) -> SecretEventInfo:
        return self.update_secret_event(name, state=DISABLED)

    def delete_secret_event(self, name: str) -> None:
        with self._call("deleteSecretEvent", "csms", request={"name": name}) as call:
            call.resource("", name if isinstance(name, str) else "")
            call.authorize("csms:event:delete")
            domain = call.principal.domain_id
            ev = find_event(call.s, domain, name)
            call.resource(ev.event_id, ev.name)
            users = subscribers(call.s, domain, ev.name)
            if users:
                more = f" and {len(users) - 5} more" if len(users) > 5 else ""
                raise DewError("CSMS.0003", f"event {name!r} is still subscribed by secret(s) "
                                            f"{', '.join(users[:5])}{more}: unsubscribe them first", 400)
            call.s.delete(ev)
