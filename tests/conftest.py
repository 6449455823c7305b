"""Shared fixtures: an engine on a temporary directory with a frozen clock and seeded ids."""
from __future__ import annotations

import gc
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


@pytest.fixture
def eng(home, clock):
    e = Engine.open(home=home, clock=clock, rng=SeededRng(7))
    yield e
    e.close()
