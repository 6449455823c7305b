"""Shared fixtures: an engine on a temporary directory with a frozen clock and seeded ids."""
from __future__ import annotations

import gc
import os
import shutil
from datetime import datetime, timezone

import pytest

from engine import Engine, FrozenClock, SeededRng

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)

# Python's collector runs a full pass, over everything alive, every ~70,000 allocations with
# its default thresholds (700, 10, 10): with Textual, SQLAlchemy and the engine loaded that is
# a tenth of a second each time, a fifth of a UI test's time. Young passes every 50,000
# allocations instead still find the cycles each test leaves behind (an app, its widgets),
# and a full pass some 300 times less often.
GC_THRESHOLDS = (50_000, 20, 20)


def pytest_configure(config):
    gc.set_threshold(*GC_THRESHOLDS)


def pytest_collection_finish(session):
    """What is alive once the tests are collected lives until the end: out of every pass."""
    gc.collect()
    gc.freeze()


@pytest.fixture(autouse=True)
def _no_no_color(monkeypatch):
    # NO_COLOR=1 would strip colour from every snapshot
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("DEW_PASSPHRASE", raising=False)
    monkeypatch.delenv("DEW_DATABASE_URL", raising=False)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(T0)


@pytest.fixture
def home(tmp_path):
    return tmp_path / "dew"


@pytest.fixture(autouse=True)
def _cheap_scrypt(monkeypatch):
    """A passphrase seals the root key under scrypt at a 32nd of the real cost (2**10, not
    2**15): a test that seals, unseals or rotates pays milliseconds, not a tenth of a second."""
    monkeypatch.setattr("engine.hsm.rootkey._SCRYPT_N", 2 ** 10)


SEED = 7  # the test engine's id stream
# clock time -> (a home as Engine.open leaves it the first time, the id stream's state after
# that open), made once per test process: `eng` copies it rather than creating every table again
_FIRST_OPENS: dict[datetime, tuple] = {}


def _first_open(tmp_path_factory, now: datetime) -> tuple:
    if now not in _FIRST_OPENS:
        home = tmp_path_factory.mktemp("first-open") / "dew"
        rng = SeededRng(SEED)
        Engine.open(home=home, clock=FrozenClock(now), rng=rng).close()
        _FIRST_OPENS[now] = (home, rng._random.getstate())
    return _FIRST_OPENS[now]


@pytest.fixture
def eng(home, clock, tmp_path_factory):
    """The engine on a new home: a copy of one opened the same way before (same files, same
    rows, the ids drawn so far already drawn; a fresh root key per test process), opened
    again; a home that exists already, or a database or passphrase from the environment,
    opens as it is."""
    rng = SeededRng(SEED)
    if not home.exists() and not os.environ.get("DEW_DATABASE_URL") and not os.environ.get("DEW_PASSPHRASE"):
        first_home, ids_state = _first_open(tmp_path_factory, clock.now())
        shutil.copytree(first_home, home)
        rng._random.setstate(ids_state)
    e = Engine.open(home=home, clock=clock, rng=rng)
    yield e
    e.close()
