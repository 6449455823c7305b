"""Bad input is a property: every public method of every service, fed arbitrary arguments,
answers with a result or a DewError — never another exception — and a refusal writes
nothing but its audit trace.

`make test` runs a bounded number of examples per method; `make fuzz` (DEW_FUZZ=deep) runs
many more with a one-second deadline per call.
"""
from __future__ import annotations

import inspect
import os
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func
from sqlmodel import SQLModel, select

from engine import DewError, Engine, FrozenClock, SeededRng

DEEP = os.environ.get("DEW_FUZZ") == "deep"
EXAMPLES = 400 if DEEP else 12
SERVICES = ("kms", "csms", "events", "audit", "iam")
UNCOUNTED = {"audit_trace", "meta", "notification_record"}  # refusals write their trace here

NASTY_TEXT = ["", " ", "\ud800", "a\x00b", "s1\n", "x" * 300_000, "../../etc/passwd", "*",
              "latest", "v1", "SYSCURRENT", "AES_256", "RSA_2048", "ENCRYPT_DECRYPT",
              "2", "-1", "1e400", "null", "{}", "[]", "é" * 70, "\u202e", "a:b:c"]
scalars = st.one_of(
    st.none(), st.booleans(),
    st.integers(min_value=-(2 ** 70), max_value=2 ** 70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40), st.sampled_from(NASTY_TEXT),
    st.binary(max_size=80),
    st.datetimes(timezones=st.sampled_from([timezone.utc])),
    st.datetimes(),
)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4),
    st.tuples(inner, inner)), max_leaves=8)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    home = tmp_path_factory.mktemp("fuzz") / "dew"
    eng = Engine.open(home=home, clock=FrozenClock(datetime(2026, 3, 1, tzinfo=timezone.utc)),
                      rng=SeededRng(5))
    key = eng.kms.create_key("fuzz-key")
    eng.csms.create_secret("s1", secret_string="value")
    eng.iam.create_user("bob")
    eng.events.create_topic("t1")
    eng.events.create_secret_event("e1", ["SECRET_ROTATED"], notification="t1")
    known = {"key_id": key.key_id, "name": "s1", "user": "bob", "topic": "t1", "event": "e1",
             "path": str(home.parent / "export.csv")}
    yield eng, known
    eng.close()


def _methods():
    probe = {"kms", "csms", "events", "audit", "iam"}
    from engine.audit.service import AuditService
    from engine.csms.service import CsmsService
    from engine.events.service import EventsService
    from engine.iam.service import IamService
    from engine.kms.service import KmsService
    classes = dict(zip(SERVICES, (KmsService, CsmsService, EventsService, AuditService, IamService)))
    for svc in sorted(probe):
        for name, fn in inspect.getmembers(classes[svc], inspect.isfunction):
            if not name.startswith("_"):
                yield svc, name


def _counts(eng) -> dict[str, int]:
    with eng.context.db.session(write=False) as s:
        return {t.name: int(s.exec(select(func.count()).select_from(t)).one())
                for t in SQLModel.metadata.sorted_tables if t.name not in UNCOUNTED}


def _argument(name: str, known: dict, draw) -> object:
    """Mostly garbage; sometimes a real name so calls get past the first lookup."""
    real = {"key_id": known["key_id"], "name": known["name"], "secret_name": known["name"],
            "user": known["user"], "user_name": known["user"], "notification": known["topic"]}
    if name == "path":
        return draw(st.sampled_from([known["path"], "/dev/null", "/", str(known["path"]) + "/x"]))
    if name in real and draw(st.booleans()):
        return real[name]
    return draw(values)


@pytest.mark.parametrize("svc,method", list(_methods()))
@settings(max_examples=EXAMPLES, deadline=timedelta(seconds=1) if DEEP else None, derandomize=not DEEP,
          suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_only_dew_errors_and_no_write_on_refusal(world, svc, method, data):
    eng, known = world
    fn = getattr(getattr(eng, svc), method)
    params = [p for p in inspect.signature(fn).parameters.values()
              if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    kwargs = {}
    for p in params:
        if p.default is p.empty or data.draw(st.booleans()):
            kwargs[p.name] = _argument(p.name, known, data.draw)
    before = _counts(eng)
    try:
        fn(**kwargs)
    except DewError:
        assert _counts(eng) == before, f"{svc}.{method} wrote rows although it refused"
