"""Due work of the events service, run by `Engine.run_due(now)`.

Each job is a plain, idempotent function `job(engine, now)` that claims its rows in one
write transaction, so two processes running it at once never do the same work twice.

- `fire_version_expiry`: every secret version whose `expire_time` has passed and whose
  expiry was not yet notified fires SECRET_VERSION_EXPIRED once; the record and the
  `expiry_notified` flag commit together, so the event fires exactly once per expiry, even
  when the app was closed at the time (the next run does it). The secrets service resets
  the flag when a version's expiry time changes.
- `retry_file_deliveries`: a record still `PENDING` a while after it was made (the process
  stopped between its commit and the file append) gets its JSON line appended now to its
  topic's confined file, then `SUCCESS` or `FAIL`. It reads the batch, appends with no
  transaction open (a slow or refused file never holds the database write lock), then
  marks the records still `PENDING` in a short write. Two processes retrying the same
  record at once may both append its line: delivery is at least once.
- `prune_notification_records`: records older than `notification_retention_days` go.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import col, select

from engine.events.fire import PENDING, deliver_committed, fire_secret_event
from engine.events.webhooks import retry_webhook_deliveries
from engine.models.csms import Secret, SecretVersion
from engine.models.events import NotificationRecord, Topic
from engine.service import Call, anything_due

BATCH = 500
# a PENDING record younger than this may still be on its way (its process appends right
# after the commit): only older ones are retried
DELIVERY_GRACE = timedelta(minutes=5)


def fire_version_expiry(engine, now: datetime) -> int:
    ctx = engine.context
    done = 0
    probe = select(SecretVersion.secret_id).where(  # index ix_csms_version_unnotified_expiry
        col(SecretVersion.expiry_notified) == False, col(SecretVersion.expire_time) != None,  # noqa: E711,E712
        col(SecretVersion.expire_time) <= now)
    if not anything_due(ctx.db, probe):
        return 0
    while True:
        with ctx.db.session() as s:  # BEGIN IMMEDIATE: claimed by exactly one process
            stmt = ctx.db.for_update(
                select(SecretVersion, Secret).join(Secret, col(Secret.secret_id) == col(SecretVersion.secret_id))
                .where(col(SecretVersion.expire_time) != None,  # noqa: E711
                       col(SecretVersion.expire_time) <= now,
                       col(SecretVersion.expiry_notified) == False)  # noqa: E712
                .order_by(col(SecretVersion.expire_time), col(SecretVersion.secret_id),
                          col(SecretVersion.seq))
                .limit(BATCH))
            rows = s.exec(stmt).all()
            call = Call(ctx, s, "CSMS", "csms", None)
            call.now = now
            for version, secret in rows:
                fire_secret_event(call, secret, "SECRET_VERSION_EXPIRED", version.version_id)
                version.expiry_notified = True
                s.add(version)
            done += len(rows)
        if len(rows) < BATCH:
            return done


def retry_file_deliveries(engine, now: datetime) -> int:
    ctx = engine.context
    home = ctx.home or engine.home
    done = 0
    while True:
        with ctx.db.session(write=False) as s:  # a read: no lock is held while appending
            rows = s.exec(
                select(NotificationRecord.record_id, NotificationRecord.notification_content,
                       Topic.name, Topic.file)
                .join(Topic, col(Topic.topic_id) == col(NotificationRecord.notification_target_id),
                      isouter=True)
                .where(col(NotificationRecord.notification_status) == PENDING,
                       col(NotificationRecord.create_time) <= now - DELIVERY_GRACE)
                .order_by(col(NotificationRecord.create_time), col(NotificationRecord.seq))
                .limit(BATCH)).all()
        # a topic gone, or no longer delivering to a file: the empty name makes it FAIL
        pending = [(rid, name if name and file else "", content) for rid, content, name, file in rows]
        if pending:
            deliver_committed(ctx.db, home, pending)
        done += len(rows)
        if len(rows) < BATCH:
            return done


def prune_notification_records(engine, now: datetime) -> int:
    ctx = engine.context
    cutoff = now - timedelta(days=ctx.settings.notification_retention_days)
    if not anything_due(ctx.db, select(NotificationRecord.record_id)
                        .where(col(NotificationRecord.create_time) < cutoff)):
        return 0
    with ctx.db.session() as s:
        result = s.exec(delete(NotificationRecord).where(col(NotificationRecord.create_time) < cutoff))
        return int(result.rowcount or 0)


DUE_JOBS: tuple = (fire_version_expiry, retry_file_deliveries, retry_webhook_deliveries, prune_notification_records)
