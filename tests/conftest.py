"""Shared fixtures: an engine on a temporary directory with a frozen clock and seeded ids."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from engine import Engine, FrozenClock, SeededRng

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


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
