"""CLI-test fixtures: `dew(*args)` runs `dewtui --home <home> *args` through Click's runner
(stdout and stderr apart) and `engine_at(home)` opens the same data directory directly."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from dewtui.__main__ import cli
from engine import Engine


@pytest.fixture
def dew(home):
    runner = CliRunner()

    def run(*args: str, input: str | bytes | None = None):
        return runner.invoke(cli, ["--home", str(home), *args], input=input, catch_exceptions=False)

    return run


@pytest.fixture
def engine_at(home):
    opened: list[Engine] = []

    def open_() -> Engine:
        eng = Engine.open(home=home, run_due=False)
        opened.append(eng)
        return eng

    yield open_
    for eng in opened:
        eng.close()

