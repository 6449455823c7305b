"""File deliveries of notifications happen only for changes that really committed."""
from __future__ import annotations

from sqlmodel import select

from engine.events.fire import fire_secret_event
from engine.models.csms import Secret
from engine.service import Call


def _setup(eng, tmp_path):
    path = eng.home / "topics" / "t.jsonl"
    eng.events.create_topic("t", file=True)
    eng.events.create_secret_event("ev", ["SECRET_VERSION_CREATED"], notification="t")
    eng.csms.create_secret("s1", secret_string="value-1", event_subscriptions=["ev"])
    return path


def _lines(path):
    return path.read_text().splitlines() if path.exists() else []


def test_rolled_back_change_delivers_nothing(eng, tmp_path):
    path = _setup(eng, tmp_path)
    assert len(_lines(path)) == 1
    ctx = eng.context
    s = ctx.db.new_session()
    secret = s.exec(select(Secret).where(Secret.name == "s1")).one()
    assert fire_secret_event(Call(ctx, s, "CSMS", "csms", None), secret, "SECRET_VERSION_CREATED", "v1") == 1
    s.rollback()
    s.close()
    assert len(_lines(path)) == 1
    assert len(eng.events.list_notification_records()) == 1


def test_committed_change_delivers_once(eng, tmp_path):
    path = _setup(eng, tmp_path)
    ctx = eng.context
    with ctx.db.session() as s:
        secret = s.exec(select(Secret).where(Secret.name == "s1")).one()
        fire_secret_event(Call(ctx, s, "CSMS", "csms", None), secret, "SECRET_VERSION_CREATED", "v1")
    assert len(_lines(path)) == 2
    assert len(eng.events.list_notification_records()) == 2


def test_rolled_back_savepoint_delivers_nothing(eng, tmp_path):
    path = _setup(eng, tmp_path)
    ctx = eng.context
    with ctx.db.session() as s:
        secret = s.exec(select(Secret).where(Secret.name == "s1")).one()
        sp = s.begin_nested()
        fire_secret_event(Call(ctx, s, "CSMS", "csms", None), secret, "SECRET_VERSION_CREATED", "v1")
        sp.rollback()
    assert len(_lines(path)) == 1
    assert len(eng.events.list_notification_records()) == 1
