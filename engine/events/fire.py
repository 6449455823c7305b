"""Raising secret events from inside a secrets transaction.

`fire_secret_event(call, secret, event_type, version_id)` is called by the secrets service
at each operation that matches an event type (and by the version-expiry job); it delivers
one notification record when the secret subscribes to an ENABLED event listening to that
type, in the caller's transaction, so the record commits (or rolls back) with the change.

Delivery: the inbox row is always written; a topic with a file also gets one JSON line
(the content, as the cloud's SMN message) appended to that file — only AFTER the caller's
transaction commits, and only for records that are really in the database then (a rolled
back change, or a rolled back savepoint, delivers nothing). Such a record commits as
`PENDING` and becomes `SUCCESS` (or `FAIL` when the file cannot be written) in a short
transaction of its own; a file delivery never fails the operation. A record left `PENDING`
by a crash between the commit and the append is delivered by the `run_due` job
`retry_file_deliveries` (at least once: a crash after the append and before the status
update delivers that line again).

The content never carries a secret value: only ids, names, version id and times.
"""
from __future__ import annotations

import json
import logging
import os
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import event, func, update
from sqlmodel import select

from engine.events.catalog import BY_NAME, ENABLED, level_of
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


def append_line(path: str, line: str) -> bool:
    """Append one line to `path` (created 0600); False, never an exception, when it fails."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, (line + "\n").encode("utf-8"))
        finally:
            os.close(fd)
        return True
    except OSError as e:
        log.warning("could not append a notification to %s: %s", path, type(e).__name__)
        return False


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
    if topic is not None and topic.file:
        _deliver_after_commit(s, call.ctx.db, record_id, topic.file, text)
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
    return 1


_PENDING = "dew_pending_deliveries"


def _deliver_after_commit(s: Any, db: Any, record_id: str, path: str, line: str) -> None:
    """Queue a file delivery on the session; the first queued one hooks the commit."""
    pending = s.info.get(_PENDING)
    if pending is None:
        pending = s.info[_PENDING] = []
        event.listen(s, "after_commit", lambda sess: _flush_deliveries(sess, db), once=True)
        event.listen(s, "after_rollback", lambda sess: _drop_if_outer(sess), once=False)
    pending.append((record_id, path, line))


def _drop_if_outer(sess: Any) -> None:
    # a full rollback forgets everything queued; savepoint rollbacks are sorted out at
    # commit time by checking which records really exist
    if not sess.in_nested_transaction():
        sess.info.pop(_PENDING, None)


def _flush_deliveries(sess: Any, db: Any) -> None:
    pending = sess.info.pop(_PENDING, None) or []
    if not pending:
        return
    ids = [p[0] for p in pending]
    with db.session(write=False) as r:
        committed = set(r.exec(select(NotificationRecord.record_id)
                               .where(NotificationRecord.record_id.in_(ids))).all())
    outcome: dict[str, list[str]] = {SUCCESS: [], FAIL: []}
    for rid, path, line in pending:
        if rid in committed:
            outcome[SUCCESS if append_line(path, line) else FAIL].append(rid)
    if not any(outcome.values()):
        return
    with db.session() as w:
        for status, ids in outcome.items():
            if ids:
                w.exec(update(NotificationRecord).where(NotificationRecord.record_id.in_(ids))
                       .values(notification_status=status))
