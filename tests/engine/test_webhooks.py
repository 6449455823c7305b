"""Webhook subscriptions of topics: each record is posted, signed, to every subscribed
endpoint after its change commits; failures are retried with backoff by run_due, then FAIL.
Receivers listen on 127.0.0.1 only."""
from __future__ import annotations

import hashlib
import hmac
import socket
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlmodel import select

from engine import Engine, SeededRng
from engine.events import webhooks
from engine.events.fire import fire_secret_event
from engine.models.csms import Secret
from engine.models.webhooks import TopicSubscription, WebhookDelivery
from engine.service import Call
from refusals import refused

JOIN = 30  # seconds a waiting thread gets before the test calls it stuck (it takes milliseconds)


class Receiver:
    """An HTTP endpoint on 127.0.0.1 answering each POST with the next of `answers` (then 200);
    with `hold`, each POST waits for `release` after setting `entered`."""

    def __init__(self, answers=(), hold=False):
        self.requests: list[tuple] = []  # (headers, body)
        self.answers = list(answers)
        self.entered, self.release, self.hold = threading.Event(), threading.Event(), hold
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                outer.requests.append((self.headers, body))
                if outer.hold:
                    outer.entered.set()
                    outer.release.wait(JOIN)
                self.send_response(outer.answers.pop(0) if outer.answers else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receivers():
    made: list[Receiver] = []

    def make(answers=(), hold=False):
        made.append(Receiver(answers, hold))
        return made[-1]

    yield make
    for r in made:
        r.close()


def closed_port_url():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return f"http://127.0.0.1:{port}/hook"


def setup_topic(eng, endpoint):
    eng.events.create_topic("t")
    eng.events.create_secret_event("ev", ["SECRET_VERSION_CREATED"], notification="t")
    return eng.events.subscribe_topic("t", endpoint, protocol="http")


def only_delivery(eng):
    (record,) = eng.events.list_notification_records()
    (delivery,) = eng.events.list_deliveries(record.record_id)
    return record, delivery


def expected_signature(secret, timestamp, body):
    return "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


# --- delivery -----------------------------------------------------------------------------------
def test_record_is_posted_signed_after_the_commit(eng, clock, receivers):
    rx = receivers()
    sub = setup_topic(eng, rx.url)
    assert len(sub.signing_secret) == 64 and sub.signing_secret not in repr(sub)
    assert (sub.endpoint, sub.protocol, sub.status, sub.topic_name) == (rx.url, "http", "ACTIVE", "t")
    listed = eng.events.list_topic_subscriptions("t")
    assert [(s.subscription_id, s.endpoint, s.signing_secret) for s in listed] == [(sub.subscription_id, rx.url, "")]

    eng.csms.create_secret("s1", secret_string="VALUE-1", event_subscriptions=["ev"])
    record, delivery = only_delivery(eng)
    assert (delivery.status, delivery.attempts, delivery.last_result) == ("SUCCESS", 1, "HTTP 200")
    assert (delivery.endpoint, delivery.subscription_id) == (rx.url, sub.subscription_id)
    ((headers, body),) = rx.requests
    assert body == record.notification_content.encode()
    assert headers["Content-Type"] == "application/json"
    assert headers["X-Dew-Timestamp"] == str(int(clock.now().timestamp()))
    assert headers["X-Dew-Delivery-Id"] == delivery.delivery_id
    assert headers["X-Dew-Signature"] == expected_signature(sub.signing_secret, headers["X-Dew-Timestamp"], body)
    assert b"VALUE-1" not in body


def test_rolled_back_change_posts_nothing(eng, receivers):
    rx = receivers()
    setup_topic(eng, rx.url)
    ctx = eng.context
    eng.csms.create_secret("s1", secret_string="x")  # not subscribed: nothing fired yet
    s = ctx.db.new_session()
    secret = s.exec(select(Secret).where(Secret.name == "s1")).one()
    secret.event_subscriptions = "ev"
    assert fire_secret_event(Call(ctx, s, "CSMS", "csms", None), secret, "SECRET_VERSION_CREATED", "v1") == 1
    s.rollback()
    s.close()
    assert rx.requests == []
    with ctx.db.session(write=False) as r:
        assert r.exec(select(WebhookDelivery)).all() == []


def test_answer_500_then_200_is_retried_at_the_next_due_time(eng, clock, receivers):
    rx = receivers(answers=[500, 200])
    setup_topic(eng, rx.url)
    eng.csms.create_secret("s1", secret_string="x", event_subscriptions=["ev"])
    _, d = only_delivery(eng)
    assert (d.status, d.attempts, d.last_result) == ("PENDING", 1, "HTTP 500")
    assert d.next_attempt == clock.now() + timedelta(minutes=1)
    assert eng.run_due(clock.now()).done["retry_webhook_deliveries"] == 0  # not due yet
    assert len(rx.requests) == 1
    clock.advance(timedelta(minutes=1))
    assert eng.run_due(clock.now()).done["retry_webhook_deliveries"] == 1
    _, d = only_delivery(eng)
    assert (d.status, d.attempts, d.last_result, d.next_attempt) == ("SUCCESS", 2, "HTTP 200", None)
    first, again = rx.requests
    assert first[1] == again[1] and first[0]["X-Dew-Delivery-Id"] == again[0]["X-Dew-Delivery-Id"]
    assert again[0]["X-Dew-Timestamp"] == str(int(clock.now().timestamp()))
    assert eng.run_due(clock.now() + timedelta(hours=1)).done["retry_webhook_deliveries"] == 0


def test_unreachable_endpoint_backs_off_then_fails(eng, clock):
    setup_topic(eng, closed_port_url())
    eng.csms.create_secret("s1", secret_string="x", event_subscriptions=["ev"])
    gaps = []
    _, d = only_delivery(eng)
    while d.status == "PENDING":
        gaps.append(d.next_attempt - d.last_attempt)
        clock.set(d.next_attempt)
        assert eng.run_due(clock.now()).done["retry_webhook_deliveries"] == 1
        _, d = only_delivery(eng)
    assert gaps == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert (d.status, d.attempts, d.last_result, d.next_attempt) == (
        "FAIL", webhooks.MAX_ATTEMPTS, "connection refused", None)
    assert eng.run_due(clock.now() + timedelta(days=1)).done["retry_webhook_deliveries"] == 0


def test_a_delivery_claimed_by_a_stopped_process_is_posted_after_the_lease(eng, clock, receivers, monkeypatch):
    rx = receivers()
    setup_topic(eng, rx.url)
    monkeypatch.setattr(webhooks, "deliver", lambda ctx, ids, now=None: 0)  # stops after its commit
    eng.csms.create_secret("s1", secret_string="x", event_subscriptions=["ev"])
    monkeypatch.undo()
    assert only_delivery(eng)[1].status == "PENDING" and rx.requests == []
    assert eng.run_due(clock.now()).done["retry_webhook_deliveries"] == 0  # still leased
    assert eng.run_due(clock.now() + webhooks.LEASE).done["retry_webhook_deliveries"] == 1
    assert only_delivery(eng)[1].status == "SUCCESS" and len(rx.requests) == 1


def test_every_subscription_gets_its_own_delivery(eng, receivers):
    a, b = receivers(), receivers(answers=[503])
    setup_topic(eng, a.url)
    eng.events.subscribe_topic("t", b.url, protocol="http")
    eng.csms.create_secret("s1", secret_string="x", event_subscriptions=["ev"])
    record = eng.events.list_notification_records()[0]
    assert sorted((d.endpoint, d.status) for d in eng.events.list_deliveries(record.record_id)) == sorted(
        [(a.url, "SUCCESS"), (b.url, "PENDING")])


def test_unsubscribing_fails_what_is_pending_and_stops_posting(eng, clock, receivers):
    rx = receivers(answers=[500])
    sub = setup_topic(eng, rx.url)
    eng.csms.create_secret("s1", secret_string="x", event_subscriptions=["ev"])
    eng.events.unsubscribe_topic(sub.subscription_id)
    _, d = only_delivery(eng)
    assert (d.status, d.last_result) == ("FAIL", "the subscription was removed")
    assert eng.events.list_topic_subscriptions("t") == []
    eng.csms.create_secret_version("s1", secret_string="y")
    clock.advance(timedelta(hours=1))
    eng.run_due(clock.now())
    assert len(rx.requests) == 1
    refused("CSMS.0005", eng.events.unsubscribe_topic, sub.subscription_id)


def test_an_endpoint_edited_in_the_database_gets_nothing(eng, receivers):
    """The sealed secret is bound to its subscription's endpoint: a row pointed elsewhere
    cannot sign, and its delivery fails without posting."""
    rx, elsewhere = receivers(), receivers()
    setup_topic(eng, rx.url)
    with eng.context.db.session() as s:
        row = s.exec(select(TopicSubscription)).one()
        row.endpoint = elsewhere.url
        s.add(row)
    eng.csms.create_secret("s1", secret_string="x", event_subscriptions=["ev"])
    _, d = only_delivery(eng)
    assert (d.status, d.last_result) == ("FAIL", "the signing secret cannot be opened")
    assert rx.requests == [] and elsewhere.requests == []


def test_deleting_a_topic_removes_its_subscriptions(eng, receivers):
    rx = receivers()
    eng.events.create_topic("t")
    eng.events.subscribe_topic("t", rx.url, protocol="http")
    eng.events.delete_topic("t")
    with eng.context.db.session(write=False) as r:
        assert r.exec(select(TopicSubscription)).all() == []


def test_a_slow_receiver_holds_no_database_lock(eng, clock, receivers, monkeypatch):
    monkeypatch.setattr(webhooks, "TIMEOUT", JOIN)
    rx = receivers(hold=True)
    setup_topic(eng, rx.url)
    errors: list[BaseException] = []

    def fire():
        try:
            eng.csms.create_secret("s1", secret_string="x", event_subscriptions=["ev"])
        except BaseException as e:  # noqa: BLE001 - handed to the test
            errors.append(e)

    worker = threading.Thread(target=fire, daemon=True)
    worker.start()
    try:
        assert rx.entered.wait(JOIN)
        other = Engine.open(home=eng.home, clock=clock, rng=SeededRng(99))
        try:
            other.csms.create_secret("s2", secret_string="y")  # a write while the POST is in flight
            _, d = only_delivery(other)
            assert (d.status, d.attempts) == ("PENDING", 0)
            assert worker.is_alive()
        finally:
            other.close()
    finally:
        rx.release.set()
        worker.join(JOIN)
    assert not worker.is_alive() and errors == []
    assert only_delivery(eng)[1].status == "SUCCESS"


# --- refusals -------------------------------------------------------------------------------------
@pytest.mark.parametrize("endpoint, protocol, rule", [
    ("ftp://127.0.0.1/hook", "http", "http:// or https://"),
    ("127.0.0.1/hook", "http", "http:// or https://"),
    ("", "http", "URL is required"),
    ("http:///hook", "http", "name its host"),
    ("http://127.0.0.1:port/hook", "http", "not a valid URL"),
    ("http://127.0.0.1/a b", "http", "no spaces"),
    ("http://127.0.0.1/\u00e9", "http", "ASCII"),
    ("http://127.0.0.1/" + "a" * 2040, "http", "at most 2048"),
    ("https://alice:hunter2@127.0.0.1/hook", "https", "no credentials"),
    ("http://token@127.0.0.1/hook", "http", "no credentials"),
    ("http://127.0.0.1/hook", "https", "match the protocol"),
    ("http://127.0.0.1/hook", "smtp", "protocol"),
])
def test_bad_endpoints_are_refused_naming_the_rule(eng, endpoint, protocol, rule):
    eng.events.create_topic("t")
    err = refused("CSMS.0002", eng.events.subscribe_topic, "t", endpoint, protocol=protocol)
    assert rule in err.message
    assert "hunter2" not in err.message and "token" not in err.message
    assert eng.events.list_topic_subscriptions("t") == []


def test_subscription_refusals(eng, receivers):
    rx = receivers()
    refused("CSMS.0005", eng.events.subscribe_topic, "nope", rx.url, protocol="http")
    refused("CSMS.0005", eng.events.list_topic_subscriptions, "nope")
    refused("CSMS.0005", eng.events.unsubscribe_topic, "no-such-subscription")
    refused("CSMS.0005", eng.events.list_deliveries, "no-such-record")
    setup_topic(eng, rx.url)
    refused("CSMS.0002", eng.events.subscribe_topic, "t", rx.url, protocol="http")  # already there
    for i in range(2, 11):
        eng.events.subscribe_topic("t", f"{rx.url}/{i}", protocol="http")
    refused("CSMS.0202", eng.events.subscribe_topic, "t", f"{rx.url}/11", protocol="http")
    assert len(eng.events.list_topic_subscriptions("t")) == 10


def test_subscribing_needs_permission_on_the_events_using_the_topic(eng, receivers):
    rx = receivers()
    sub = setup_topic(eng, rx.url)
    eng.events.create_topic("spare")
    eng.iam.create_user("bob")
    eng.iam.create_user("eve")
    eng.iam.create_policy("events-but-not-ev", {"Version": "1.1", "Statement": [
        {"Effect": "Allow", "Action": ["csms:event:*"], "Resource": ["*"]},
        {"Effect": "Deny", "Action": ["csms:event:*"], "Resource": ["CSMS:*:*:event:ev"]}]})
    eng.iam.attach_policy("bob", "events-but-not-ev")
    bob, eve = eng.as_user("bob"), eng.as_user("eve")
    refused("CSMS.0302", bob.events.subscribe_topic, "t", rx.url + "/bob", protocol="http")
    refused("CSMS.0302", bob.events.unsubscribe_topic, sub.subscription_id)
    assert bob.events.subscribe_topic("spare", rx.url, protocol="http").topic_name == "spare"
    refused("CSMS.0302", eve.events.subscribe_topic, "spare", rx.url + "/eve", protocol="http")
    refused("CSMS.0302", eve.events.list_topic_subscriptions, "t")
    refused("CSMS.0302", eve.events.unsubscribe_topic, sub.subscription_id)
    assert [s.subscription_id for s in eng.events.list_topic_subscriptions("t")] == [sub.subscription_id]
    traces = {(t.trace_name, t.user, t.code) for t in eng.audit.list_traces(limit=100)}
    assert {("subscribeTopic", "bob", "CSMS.0302"), ("unsubscribeTopic", "bob", "CSMS.0302"),
            ("subscribeTopic", "bob", "200"), ("subscribeTopic", "eve", "CSMS.0302"),
            ("listTopicSubscriptions", "eve", "CSMS.0302")} <= traces


def test_no_signing_secret_or_url_credentials_in_the_trail_logs_or_database(eng, receivers, caplog):
    rx = receivers(answers=[500])
    sub = setup_topic(eng, rx.url)
    refused("CSMS.0002", eng.events.subscribe_topic, "t", "https://alice:hunter2@127.0.0.1/hook")
    eng.csms.create_secret("s1", secret_string="VALUE-SECRET-1", event_subscriptions=["ev"])
    ((headers, _),) = rx.requests
    traces = eng.audit.list_traces(limit=100)
    assert {"subscribeTopic", "createSecret"} <= {t.trace_name for t in traces}
    dumped = repr(traces)
    raw = b"".join(p.read_bytes() for p in eng.home.glob("dew.db*"))
    for needle in (sub.signing_secret, headers["X-Dew-Signature"][7:], "hunter2"):
        assert needle not in dumped
        assert needle not in caplog.text
        assert needle.encode() not in raw
    assert b"VALUE-SECRET-1" not in raw
    assert "***@127.0.0.1/hook" in dumped  # the refused endpoint, credentials masked
