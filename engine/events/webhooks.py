"""Posting notification records to the webhook subscriptions of their topic.

`queue_webhooks(call, topic, record_id)` runs where the record is written (fire.py), in the
caller's transaction: one `PENDING` delivery row per ACTIVE subscription of the topic. Only
AFTER that transaction commits, with no transaction open, each is posted (`deliver`):
- read the deliveries still PENDING (a rolled back change or savepoint has none), with
  their subscription and the record's content;
- POST the content (the same JSON the topic file gets) with `urllib.request`, `TIMEOUT`
  seconds per socket operation, no proxy, no redirect followed, and the headers
  `X-Dew-Timestamp` (unix seconds, injected clock), `X-Dew-Delivery-Id` and
  `X-Dew-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>`, the secret
  being the subscription's signing secret (as shown once, UTF-8), opened from its seal;
- mark each in one short write: a 2xx answer is SUCCESS; anything else (another status, a
  refused or timed out connection) schedules the next attempt after 1, 2, 4, ... minutes
  (`retry_delay`), and the `MAX_ATTEMPTS`th failure is FAIL. A removed subscription or a
  secret that no longer opens (its row was edited) fails at once.
`retry_webhook_deliveries(engine, now)` (a `run_due` job) claims the due deliveries in a
short write (their next attempt moves `LEASE` ahead, so another process leaves them
alone), then posts and marks them the same way. A delivery being posted right after its
commit is claimed the same way from the start; a process that stops mid-way leaves its
deliveries due again after the lease: delivery is at least once.
Nothing here logs or stores the secret, the signature or the body.
"""
from __future__ import annotations

import hashlib
import hmac
import http.client
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import event, update
from sqlmodel import col, select

from engine.errors import DewError
from engine.models.events import NotificationRecord
from engine.models.webhooks import TopicSubscription, WebhookDelivery
from engine.service import anything_due

log = logging.getLogger("engine.events")

PENDING, SUCCESS, FAIL = "PENDING", "SUCCESS", "FAIL"
ACTIVE = "ACTIVE"
TIMEOUT = 5.0  # seconds per socket operation of one POST
MAX_ATTEMPTS = 5  # the 5th failed attempt is final: retries after 1, 2, 4 and 8 minutes
FIRST_RETRY = timedelta(minutes=1)
LEASE = timedelta(minutes=2)  # how long a claimed delivery is left to the process posting it
BATCH = 100
SECRET_BYTES = 32
USER_AGENT = "dewtui-webhook/1"


def secret_aad(subscription_id: str, topic_id: str, endpoint: str) -> tuple[str, ...]:
    """What a sealed signing secret is bound to: moving or editing the row breaks it."""
    return ("webhook-secret", subscription_id, topic_id, endpoint)


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """`sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>`: what a receiver recomputes."""
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def retry_delay(attempts: int) -> timedelta:
    """The wait after the `attempts`th failed attempt: 1, 2, 4, ... minutes."""
    return FIRST_RETRY * (2 ** max(attempts - 1, 0))


# --- queueing, in the caller's transaction ------------------------------------------------------
_QUEUED = "dew_pending_webhooks"


def queue_webhooks(call: Any, topic_id: str, record_id: str) -> int:
    """One PENDING delivery of `record_id` per ACTIVE subscription of the topic; posted
    after the caller's commit. Returns how many were queued."""
    s = call.s
    subs = s.exec(select(TopicSubscription.subscription_id, TopicSubscription.endpoint,
                         TopicSubscription.domain_id)
                  .where(TopicSubscription.topic_id == topic_id, TopicSubscription.status == ACTIVE)
                  .order_by(col(TopicSubscription.created), col(TopicSubscription.subscription_id))).all()
    ids = []
    for sub_id, endpoint, domain in subs:
        delivery_id = call.ctx.rng.uuid()
        s.add(WebhookDelivery(delivery_id=delivery_id, record_id=record_id, subscription_id=sub_id,
                              domain_id=domain, endpoint=endpoint, status=PENDING, attempts=0,
                              next_attempt=call.now + LEASE, created=call.now))
        ids.append(delivery_id)
    if ids:
        s.flush()
        _post_after_commit(s, call.ctx, ids)
    return len(ids)


def _post_after_commit(s: Any, ctx: Any, ids: list[str]) -> None:
    queued = s.info.get(_QUEUED)
    if queued is None:
        queued = s.info[_QUEUED] = []
        event.listen(s, "after_commit", lambda sess: _post_queued(sess, ctx), once=True)
        event.listen(s, "after_rollback", _forget_if_outer, once=False)
    queued.extend(ids)


def _forget_if_outer(sess: Any) -> None:
    # savepoint rollbacks are sorted out after the commit: only rows that exist are posted
    if not sess.in_nested_transaction():
        sess.info.pop(_QUEUED, None)


def _post_queued(sess: Any, ctx: Any) -> None:
    """After the commit: never raises (a delivery left PENDING is retried by run_due)."""
    ids = sess.info.pop(_QUEUED, None) or []
    if not ids:
        return
    try:
        deliver(ctx, ids)
    except Exception:
        log.exception("could not post notifications to webhooks (left PENDING)")


# --- posting, with no transaction open ------------------------------------------------------------
@dataclass(frozen=True)
class _Due:
    delivery_id: str
    attempts: int
    body: str
    subscription: TopicSubscription | None


@dataclass(frozen=True)
class _Outcome:
    ok: bool
    final: bool  # no later attempt can do better
    result: str


def deliver(ctx: Any, ids: list[str], now: datetime | None = None) -> int:
    """Post each PENDING delivery in `ids` and record the outcome; returns how many were tried."""
    at = now or ctx.clock.now()
    due: list[_Due] = []
    with ctx.db.session(write=False) as r:
        for i in range(0, len(ids), 500):
            rows = r.exec(select(WebhookDelivery, TopicSubscription, NotificationRecord.notification_content)
                          .join(NotificationRecord, col(NotificationRecord.record_id) == col(WebhookDelivery.record_id))
                          .join(TopicSubscription, col(TopicSubscription.subscription_id)
                                == col(WebhookDelivery.subscription_id), isouter=True)
                          .where(col(WebhookDelivery.delivery_id).in_(ids[i:i + 500]),
                                 col(WebhookDelivery.status) == PENDING)).all()
            due.extend(_Due(d.delivery_id, d.attempts, body, sub) for d, sub, body in rows)
    outcomes = [(d, _attempt(ctx, d, at)) for d in due]
    if outcomes:
        _record(ctx.db, outcomes, at)
    return len(outcomes)


def _attempt(ctx: Any, d: _Due, now: datetime) -> _Outcome:
    sub = d.subscription
    if sub is None or sub.status != ACTIVE:
        return _Outcome(False, True, "the subscription was removed")
    try:
        secret = ctx.hsm.open(sub.sealed_secret, *secret_aad(sub.subscription_id, sub.topic_id,
                                                             sub.endpoint)).decode("utf-8")
    except (DewError, UnicodeDecodeError):
        return _Outcome(False, True, "the signing secret cannot be opened")
    body = d.body.encode("utf-8")
    timestamp = str(int(now.timestamp()))
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT,
               "X-Dew-Timestamp": timestamp, "X-Dew-Delivery-Id": d.delivery_id,
               "X-Dew-Signature": signature(secret, timestamp, body)}
    ok, result = post(sub.endpoint, body, headers)
    if not ok:
        log.warning("webhook delivery %s not accepted: %s", d.delivery_id, result)
    return _Outcome(ok, False, result)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A 3xx is an answer like any other non-2xx: the destination stays the one subscribed."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects())


def post(endpoint: str, body: bytes, headers: dict[str, str]) -> tuple[bool, str]:
    """POST `body` to `endpoint`: (accepted, what happened). Never raises."""
    request = urllib.request.Request(endpoint, data=body, headers=headers, method="POST")
    try:
        with _OPENER.open(request, timeout=TIMEOUT) as response:
            status = int(response.status)
    except urllib.error.HTTPError as e:
        status = int(e.code)
        e.close()
    except urllib.error.URLError as e:
        return False, _reason(e.reason)
    except (OSError, http.client.HTTPException, ValueError) as e:
        return False, _reason(e)
    return 200 <= status < 300, f"HTTP {status}"


def _reason(e: object) -> str:
    if isinstance(e, TimeoutError):
        return f"no answer within {TIMEOUT:g} s"
    if isinstance(e, ConnectionRefusedError):
        return "connection refused"
    if isinstance(e, OSError) and e.strerror:
        return e.strerror[:200]
    return type(e).__name__ if isinstance(e, BaseException) else str(e)[:200]


def _record(db: Any, outcomes: list[tuple[_Due, _Outcome]], now: datetime) -> None:
    """One short write: each delivery still PENDING at the attempt count it was read with."""
    with db.session() as w:
        for d, o in outcomes:
            attempts = d.attempts + 1
            values: dict[str, Any] = {"attempts": attempts, "last_attempt": now, "last_result": o.result[:255]}
            if o.ok:
                values.update(status=SUCCESS, next_attempt=None)
            elif o.final or attempts >= MAX_ATTEMPTS:
                values.update(status=FAIL, next_attempt=None)
            else:
                values.update(next_attempt=now + retry_delay(attempts))
            w.exec(update(WebhookDelivery)
                   .where(col(WebhookDelivery.delivery_id) == d.delivery_id,
                          col(WebhookDelivery.status) == PENDING,
                          col(WebhookDelivery.attempts) == d.attempts)
                   .values(**values))


# --- the due job --------------------------------------------------------------------------------
def retry_webhook_deliveries(engine: Any, now: datetime) -> int:
    """Post every PENDING delivery whose next attempt is due at `now` (claimed first)."""
    ctx = engine.context
    due = (col(WebhookDelivery.status) == PENDING, col(WebhookDelivery.next_attempt) <= now)
    if not anything_due(ctx.db, select(WebhookDelivery.delivery_id).where(*due)):
        return 0
    done = 0
    while True:
        with ctx.db.session() as s:  # a short claim: BEGIN IMMEDIATE / FOR UPDATE
            ids = list(s.exec(ctx.db.for_update(
                select(WebhookDelivery.delivery_id).where(*due)
                .order_by(col(WebhookDelivery.next_attempt), col(WebhookDelivery.delivery_id))
                .limit(BATCH))).all())
            if ids:
                s.exec(update(WebhookDelivery).where(col(WebhookDelivery.delivery_id).in_(ids))
                       .values(next_attempt=now + LEASE))
        if ids:
            deliver(ctx, ids, now)
        done += len(ids)
        if len(ids) < BATCH:
            return done
