"""The TUI's keys screen as the data grows: the real app, headless (Textual's `run_test`
pilot, 120x36), on an engine holding 10,000 keys against the same on one holding 100, in
one run, the two interleaved round by round.

Two figures, each the median of a few rounds:

- open: from creating the app to the keys table's first page painted (the app's own
  "first page shown" signal, sent after the frame that shows rows);
- filter keystroke: with the filter holding `bulk-00001` (untimed: 10 keys match at 100,
  110 at 10,000), one more character typed into it (`7`, as a key press), until the table
  holds exactly the rows of `bulk-000017` (one key at either size: the substring search must
  look at every key to know there is no other). The end is the table's row content, seen by
  a poll every 0.5 ms running next to the key press, never a fixed sleep.

The engine is opened before the clock starts (opening a data directory is the cold-start
benchmark's business); keys are bulk-inserted with their row MACs, as `due_work.fill` does.

    python -m benchmarks.keys_screen [rounds]
"""
from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable

from sqlalchemy import insert

from engine import Engine, FrozenClock, SeededRng
from engine.integrity import stamped
from engine.models.kms import Cmk

T0 = datetime(2026, 3, 1, tzinfo=timezone.utc)
SIZE = (120, 36)
PREFILLED = "bulk-00001"  # the filter before the timed keystroke
TYPED = "7"               # the timed keystroke
POLL = 0.0005             # seconds between looks at the table
TIMEOUT = 30.0


def fill_keys(eng: Engine, n: int) -> None:
    """`n` keys `bulk-000000`…, a third of them disabled, created a second apart."""
    domain = eng.principal.domain_id
    rows = [dict(key_id=f"{i:08x}-0000-4000-8000-{i:012x}", domain_id=domain, key_alias=f"bulk-{i:06d}",
                 key_description="", key_spec="AES_256", key_usage="ENCRYPT_DECRYPT",
                 key_state="2" if i % 3 else "3", origin="kms", default_key=False,
                 enterprise_project_id="default", creation_date=T0 - timedelta(seconds=i),
                 material_digest="", rotation_enabled=False, rotation_interval=365,
                 rotation_count=0, current_version=1) for i in range(n)]
    with eng.context.db.session() as s:
        s.execute(insert(Cmk), stamped(s, Cmk, rows))


async def _until(check: Callable[[], bool], what: str) -> float:
    """perf_counter() at the first look where `check()` holds."""
    deadline = time.perf_counter() + TIMEOUT
    while not check():
        if time.perf_counter() > deadline:
            raise TimeoutError(f"the keys screen never showed {what}")
        await asyncio.sleep(POLL)
    return time.perf_counter()


def _row_keys(table) -> list[str]:
    return [str(row.key.value) for row in table.ordered_rows]


async def one_round(eng: Engine) -> tuple[float, float]:
    """(open, filter keystroke) in seconds, on a fresh app over `eng`."""
    from textual.widgets import Input

    from dewtui.keys.table import KeyTable
    from dewtui.shell.app import DewApp

    shown: list[float] = []
    start = time.perf_counter()
    app = DewApp(eng, location="~/bench/dew.db")
    app.when_first_page_shown(lambda: shown.append(time.perf_counter()))
    async with app.run_test(size=SIZE) as pilot:
        await _until(lambda: bool(shown), "its first page")
        opened = shown[0] - start
        table = app.screen.query_one(KeyTable)
        search = app.screen.query_one("#search", Input)
        # the rows each filter must bring, asked of the engine with the screen's own query
        limit = app.screen.lq.limit
        before = [k.key_id for k in eng.kms.list_keys(search=PREFILLED, sort="key_alias", limit=limit).keys]
        after = [k.key_id for k in eng.kms.list_keys(search=PREFILLED + TYPED, sort="key_alias",
                                                      limit=limit).keys]
        await pilot.press("slash")
        search.value = PREFILLED
        search.cursor_position = len(PREFILLED)
        await _until(lambda: _row_keys(table) == before and app.screen.lq.search == PREFILLED, "the prefilled rows")
        await pilot.pause()  # the earlier loads and repaints are over before the clock starts
        t = time.perf_counter()
        seen = asyncio.ensure_future(_until(lambda: _row_keys(table) == after, "the filtered rows"))
        await pilot.press(TYPED)
        typed = await seen - t
        assert search.value == PREFILLED + TYPED
    return opened, typed


def measure(tmp: Path, big: int = 10_000, small: int = 100, rounds: int = 5) -> dict[str, tuple[float, float]]:
    """{"open" | "filter keystroke": (median at `big` keys, median at `small`)}, seconds;
    rounds interleaved (small then big), after one unmeasured round each."""
    engines = {}
    for n in (small, big):
        eng = Engine.open(home=tmp / f"keys-screen-{n}", clock=FrozenClock(T0), rng=SeededRng(3))
        fill_keys(eng, n)
        engines[n] = eng
    times: dict[int, list[tuple[float, float]]] = {small: [], big: []}
    try:
        for n in (small, big):  # warm: imports, compiled CSS, the page cache
            asyncio.run(one_round(engines[n]))
        for _ in range(rounds):
            for n in (small, big):
                times[n].append(asyncio.run(one_round(engines[n])))
    finally:
        for eng in engines.values():
            eng.close()
    med = {n: tuple(statistics.median(t[i] for t in times[n]) for i in (0, 1)) for n in times}
    return {"open": (med[big][0], med[small][0]), "filter keystroke": (med[big][1], med[small][1])}


def rows(tmp: Path, rounds: int = 5) -> list[tuple[str, float, float]]:
    """(label, at 10,000 keys, at 100) for the bench table."""
    figures = measure(tmp, rounds=rounds)
    return [("keys screen open to first page (10,000 keys)", *figures["open"]),
            ("keys screen filter keystroke to filtered table (10,000 keys)", *figures["filter keystroke"])]


def main(rounds: int = 5) -> None:
    with tempfile.TemporaryDirectory() as d:
        for label, big, small in rows(Path(d), rounds):
            print(f"{label}: {big * 1e3:.1f} ms; at 100 keys {small * 1e3:.1f} ms; ratio {big / small:.2f}x")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:2]))
