"""The TUI's keys screen as the data grows: the real app, headless (Textual's `run_test`
pilot, 120x36), on an engine holding 10,000 keys against the same on one holding 100, in
one run, the two interleaved round by round.

Three figures, each a median over the rounds (a new app each round):

- open: from creating the app (as `run_tui` does, with the first page read ahead while
  Textual starts) to the keys table's first page painted (the app's own "first page shown"
  signal, sent after the frame that shows rows);
- filter keystroke, to the rows and to their frame: with the filter holding `bulk-00001`
  (10 keys match at 100, 110 at 10,000), one more character typed into it (`7`, as a key
  press), until the table is given the rows of `bulk-000017` (one key at either size: the
  substring search must look at every key to know there is no other), and until the frame
  that shows them is painted (the table's "rows painted" callback). The rows are known by
  the table's row content, compared with what the engine returns for that search, each time
  the screen hands the table a page. Nothing polls while the clock runs (a poll would take
  the interpreter from the worker thread running the query) and nothing sleeps a fixed
  time. A round types it a few times, each from the prefilled filter (restored by an
  untimed backspace).

The engine is opened before the clock starts (opening a data directory is the cold-start
benchmark's business); keys are bulk-inserted with their row MACs, as `due_work.fill` does.

    python -m benchmarks.keys_screen [rounds] [keystrokes per round]
"""
from __future__ import annotations

import asyncio
import gc
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
POLL = 0.001              # seconds between looks at the table (untimed waits only)
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


class Round:
    """One app over one engine: its open, then KEYSTROKES timed keystrokes in its filter."""

    def __init__(self) -> None:
        self.opened = 0.0
        self.rows: list[float] = []     # keystroke to the filtered rows in the table
        self.painted: list[float] = []  # keystroke to the frame that shows them


async def one_round(eng: Engine, keystrokes: int) -> Round:
    """Open a fresh app over `eng`, then type the timed keystroke `keystrokes` times (each
    time from the prefilled filter, restored by an untimed backspace)."""
    from textual.widgets import Input

    from dewtui.keys.screen import first_page_calls
    from dewtui.keys.table import KeyTable
    from dewtui.shell.app import DewApp
    from dewtui.shell.prefetch import Prefetch

    out = Round()
    first_page = asyncio.Event()

    def first_page_shown() -> None:
        out.opened = time.perf_counter() - start
        first_page.set()

    start = time.perf_counter()
    # started as `run_tui` starts it: the first page read ahead while Textual starts (no
    # scheduler and no passphrase offer: a dialog would sit over the filter)
    prefetch = Prefetch(first_page_calls(eng, SIZE[1]))
    app = DewApp(eng, location="~/bench/dew.db", prefetch=prefetch)
    app.when_first_page_shown(first_page_shown)
    async with app.run_test(size=SIZE) as pilot:
        await asyncio.wait_for(first_page.wait(), TIMEOUT)
        table = app.screen.query_one(KeyTable)
        search = app.screen.query_one("#search", Input)
        # the rows each filter must bring, asked of the engine with the screen's own query
        limit = app.screen.lq.limit
        before = [k.key_id for k in eng.kms.list_keys(search=PREFILLED, sort="key_alias", limit=limit).keys]
        after = [k.key_id for k in eng.kms.list_keys(search=PREFILLED + TYPED, sort="key_alias",
                                                      limit=limit).keys]
        assert before != after
        await pilot.press("slash")
        search.value = PREFILLED
        search.cursor_position = len(PREFILLED)
        show_page = table.show_page
        timing: dict[str, float] = {}
        filtered = asyncio.Event()

        def painted() -> None:
            out.rows.append(timing["rows"] - timing["from"])
            out.painted.append(time.perf_counter() - timing["from"])
            filtered.set()

        def show_page_then_wait_for_its_frame(*args, **kwargs) -> None:
            show_page(*args, **kwargs)
            if "from" in timing and "rows" not in timing and _row_keys(table) == after:
                timing["rows"] = time.perf_counter()
                table.when_rows_painted(painted)

        table.show_page = show_page_then_wait_for_its_frame  # type: ignore[method-assign]
        for i in range(keystrokes):
            if i:
                await pilot.press("backspace")
            await _until(lambda: _row_keys(table) == before and app.screen.lq.search == PREFILLED,
                         "the prefilled rows")
            await pilot.pause()  # earlier loads and repaints are over before the clock starts
            filtered.clear()
            timing["from"] = time.perf_counter()
            await pilot.press(TYPED)
            await asyncio.wait_for(filtered.wait(), TIMEOUT)
            timing.clear()
            assert search.value == PREFILLED + TYPED
    prefetch.wait()
    return out


def measure(tmp: Path, big: int = 10_000, small: int = 100, rounds: int = 5,
            keystrokes: int = 3) -> dict[str, tuple[float, float]]:
    """{figure: (median at `big` keys, median at `small`)}, seconds, for "open", "keystroke
    to rows" and "keystroke to frame"; rounds interleaved (small then big, then big then
    small), after one unmeasured round each."""
    engines = {}
    for n in (small, big):
        eng = Engine.open(home=tmp / f"keys-screen-{n}", clock=FrozenClock(T0), rng=SeededRng(3))
        fill_keys(eng, n)
        engines[n] = eng
    done: dict[int, list[Round]] = {small: [], big: []}
    try:
        for n in (small, big):  # warm: imports, compiled CSS, the page cache
            asyncio.run(one_round(engines[n], 1))
        for i in range(rounds):
            for n in (small, big) if i % 2 == 0 else (big, small):  # neither always goes first
                gc.collect()  # the previous app's garbage is not collected during this one
                done[n].append(asyncio.run(one_round(engines[n], keystrokes)))
    finally:
        for eng in engines.values():
            eng.close()

    def median(n: int, figure: Callable[[Round], list[float]]) -> float:
        return statistics.median(t for r in done[n] for t in figure(r))

    figures: dict[str, Callable[[Round], list[float]]] = {
        "open": lambda r: [r.opened], "keystroke to rows": lambda r: r.rows,
        "keystroke to frame": lambda r: r.painted}
    return {name: (median(big, f), median(small, f)) for name, f in figures.items()}


def rows(tmp: Path, rounds: int = 5, keystrokes: int = 3) -> list[tuple[str, float, float]]:
    """(label, at 10,000 keys, at 100) for the bench table."""
    figures = measure(tmp, rounds=rounds, keystrokes=keystrokes)
    return [("keys screen: open to first page painted (10,000 keys)", *figures["open"]),
            ("keys screen: filter keystroke to filtered rows (10,000 keys)", *figures["keystroke to rows"]),
            ("keys screen: filter keystroke to their frame painted (10,000 keys)", *figures["keystroke to frame"])]


def main(rounds: int = 5, keystrokes: int = 3) -> None:
    with tempfile.TemporaryDirectory() as d:
        for label, big, small in rows(Path(d), rounds, keystrokes):
            print(f"{label}: {big * 1e3:.1f} ms; at 100 keys {small * 1e3:.1f} ms; ratio {big / small:.2f}x")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
