"""Deterministic events/notifications/audit data for the issue-5 UI tests (no tests here).

SeededRng(7) ids and FrozenClock times (advanced by fixed steps) make every id, time and
trace in the Events, Notifications and Audit snapshots the same on every run.
"""
from __future__ import annotations

from datetime import timedelta

import pytest

from engine import DewError

SPARE_FILE = "/srv/dew/events.jsonl"  # never written: no event of the spare topic fires


def populate_events(eng, clock) -> dict:
    """Topics, events (one disabled), subscribed secrets, notifications (one read, one
    warning from a version expiry), and a refused call (a warning trace)."""
    ev, csms = eng.events, eng.csms
    ev.create_topic("ops-inbox")
    ev.create_topic("spare-feed", file=SPARE_FILE)
    ev.create_secret_event("versions", ["SECRET_VERSION_CREATED", "SECRET_VERSION_EXPIRED", "SECRET_DELETED"],
                           notification="ops-inbox")
    ev.create_secret_event("rotation-watch", ["SECRET_ROTATED", "SECRET_ROTATED_FAILED"],
                           notification="ops-inbox")
    ev.create_secret_event("quiet", ["SECRET_DELETED"], state="DISABLED", notification="spare-feed")
    clock.advance(timedelta(minutes=5))
    csms.create_secret("db-password", secret_string="s3cret-1", event_subscriptions=["versions"])
    csms.create_secret("api-token", secret_string="tok-1", event_subscriptions=["versions"])
    clock.advance(timedelta(minutes=7))
    csms.create_secret_version("db-password", secret_string="s3cret-2",
                               expire_time=clock.now() + timedelta(hours=2))
    clock.advance(timedelta(minutes=3))
    csms.create_secret_version("api-token", secret_string="tok-2")
    clock.advance(timedelta(hours=3))
    eng.run_due()  # db-password v2 expired: one SECRET_VERSION_EXPIRED (warning)
    try:
        ev.delete_secret_event("versions")  # refused: secrets subscribe (a warning trace)
    except DewError:
        pass
    clock.advance(timedelta(minutes=1))
    oldest = ev.list_notification_records(limit=100)[-1]
    ev.mark_read([oldest.record_id])
    return {"read": oldest.record_id}


@pytest.fixture
def events_eng(eng, clock):
    populate_events(eng, clock)
    return eng
