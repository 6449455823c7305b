"""Raising secret events from inside a secrets transaction.

`fire_secret_event(call, secret, event_type, version_id)` is called by the secrets service
at each operation that matches an event type (and by the version-expiry job); it delivers
one notification record when the secret subscribes to an ENABLED event listening to that
type, in the caller's transaction, so the record commits (or rolls back) with the change.

Delivery: the inbox row is always written; a topic with a file also gets one JSON line
(the content, as the cloud's SMN message) appended to its file, which is always
`$DEW_HOME/topics/<topic name>.jsonl` (`topicfile.py` appends it, refusing anything but a
regular file there) — only AFTER the caller's transaction commits, with no transaction
open, and only for records that are really in the database then (a rolled back change, or
a rolled back savepoint, delivers nothing). Such a record commits as `PENDING` and becomes
`SUCCESS` (or `FAIL` when the file cannot be written: the reason is logged) in a short
transaction of its own; a file delivery never fails the operation. A record left `PENDING`
by a crash between the commit and the append is delivered by the `run_due` job
`retry_file_deliveries` (at least once: a crash after the append and before the status
update delivers that line again).

A topic row from an older database may hold any path in `file`: it is read only as "this
topic delivers to a file", and the line goes to the confined path for the topic's name,
never to the stored path.

A topic's webhook subscriptions get one delivery row each for the record, in the same
transaction, posted after the commit the same way (`webhooks.py`).

The content never carries a secret value: only ids, names, version id and times.
"""
from __future__ import annotations

import json
import logging
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import event, func, update
from sqlmodel import col, select

from engine.events.catalog import BY_NAME, ENABLED, level_of
from engine.events.topicfile import append_to_topic
from engine.events.webhooks import queue_webhooks
from engine.models.csms import SecretVersion
from engine.models.events import NotificationRecord, SecretEvent, Topic

log = logging.getLogger("engine.events")

PENDING, SUCCESS, FAIL = "PENDING", "SUCCESS", "FAIL"  # a record's delivery status


def iso_ms(t: datetime | None) -> str:
    """The cloud's content time format: `2023-04-14T20:25:10.126Z`."""
    if t is None:
        return ""
    t = t.astimezone(timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def subscribed_event(s: Any, secret: Any, event_type: str) -> SecretEvent | None:
    """The ENABLED event `secret` subscribes to, if it listens to `event_type`."""
    name = (secret.event_subscriptions or "").strip()
    if not name or event_type not in BY_NAME:
        return None
    ev = s.exec(select(SecretEvent).where(SecretEvent.domain_id == secret.domain_id,
                                          SecretEvent.name == name)).first()
    if ev is None or ev.state != ENABLED or event_type not in ev.event_types.split(","):
        return None
    return ev


def build_content(ev: SecretEvent, secret: Any, event_type: str, version: Any,
                  version_id: str, now: datetime) -> dict:
    data: dict[str, Any] = {
        "secretId": secret.secret_id, "secretName": secret.name,
        "secretType": secret.secret_type or "COMMON",
        "createTime": iso_ms(secret.create_time), "updateTime": iso_ms(secret.update_time),
    }
    if version_id:
        data["versionId"] = version_id
    if version is not None:
        data["versionCreateTime"] = iso_ms(version.create_time)
        if version.expire_time is not None:
            data["versionExpireTime"] = iso_ms(version.expire_time)
    return {"eventName": ev.name, "eventType": event_type, "eventTime": iso_ms(now), "data": data}


def fire_secret_event(call: Any, secret: Any, event_type: str, version_id: str = "") -> int:
    """Deliver `event_type` for `secret` (a models.csms.Secret row); returns records written."""
    s = call.s
    ev = subscribed_event(s, secret, event_type)
    if ev is None:
        return 0
    topic = s.get(Topic, ev.topic_id)
    version = s.get(SecretVersion, (secret.secret_id, version_id)) if version_id else None
    content = build_content(ev, secret, event_type, version, version_id, call.now)
    text = json.dumps(content, sort_keys=True, separators=(",", ":"))
    record_id = call.ctx.rng.uuid()
    if topic is not None and topic.file:  # a stored path only says "to a file": see above
        _deliver_after_commit(s, call.ctx.db, call.ctx.home, record_id, topic.name, text)
    last = s.exec(select(func.max(NotificationRecord.seq))
                  .where(NotificationRecord.domain_id == secret.domain_id)).one()
    s.add(NotificationRecord(
        record_id=record_id, seq=(last or 0) + 1, domain_id=secret.domain_id,
        event_name=ev.name, trigger_event_type=event_type, level=level_of(event_type),
        secret_name=secret.name, secret_id=secret.secret_id,
        secret_type=secret.secret_type or "COMMON", version_id=version_id or "",
        create_time=call.now, notification_target_name=topic.name if topic else "",
        notification_target_id=topic.topic_id if topic else "",
        notification_content=text, read=False,
        notification_status=PENDING if topic is not None and topic.file else SUCCESS))
    s.flush()
    if topic is not None:  # its webhook subscriptions: posted after the commit (webhooks.py)
        queue_webhooks(call, topic.topic_id, record_id)
    return 1


_PENDING = "dew_pending_deliveries"


def _deliver_after_commit(s: Any, db: Any, home: Any, record_id: str, topic_name: str,
                          line: str) -> None:
    """Queue a file delivery on the session; the first queued one hooks the commit."""
    pending = s.info.get(_PENDING)
    if pending is None:
        pending = s.info[_PENDING] = []
        event.listen(s, "after_commit", lambda sess: _flush_deliveries(sess, db, home), once=True)
        event.listen(s, "after_rollback", lambda sess: _drop_if_outer(sess), once=False)
    pending.append((record_id, topic_name, line))


def _drop_if_outer(sess: Any) -> None:
    # a full rollback forgets everything queued; savepoint rollbacks are sorted out at
    # commit time by checking which records really exist
    if not sess.in_nested_transaction():
        sess.info.pop(_PENDING, None)


def _flush_deliveries(sess: Any, db: Any, home: Any) -> None:
    """Runs after the commit: the caller's transaction is over, so no lock is held while
    appending. Never raises: a record left PENDING is retried by `run_due`."""
    pending = sess.info.pop(_PENDING, None) or []
    if not pending:
        return
    try:
        deliver_committed(db, home, pending)
    except Exception:
        log.exception("could not deliver notifications to topic files (left PENDING)")


def deliver_committed(db: Any, home: Any, pending: list[tuple[str, str, str]]) -> int:
    """Append each `(record_id, topic_name, line)` whose record is committed and still
    PENDING, then mark it SUCCESS or FAIL; no transaction is open while appending."""
    ids = [p[0] for p in pending]
    with db.session(write=False) as r:
        waiting = set(r.exec(select(NotificationRecord.record_id)
                             .where(col(NotificationRecord.record_id).in_(ids),
                                    NotificationRecord.notification_status == PENDING)).all())
    outcome: dict[str, list[str]] = {SUCCESS: [], FAIL: []}
    for rid, topic_name, line in pending:
        if rid in waiting:
            failed = append_to_topic(home, topic_name, line) if topic_name else "no topic file"
            outcome[FAIL if failed else SUCCESS].append(rid)
    if not any(outcome.values()):
        return 0
    with db.session() as w:
        for status, done in outcome.items():
            if done:
                w.exec(update(NotificationRecord)
                       .where(col(NotificationRecord.record_id).in_(done),
                              col(NotificationRecord.notification_status) == PENDING)
                       .values(notification_status=status))
    return len(outcome[SUCCESS]) + len(outcome[FAIL])
