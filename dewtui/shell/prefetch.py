"""The first screen's data, read while the TUI starts.

`run_tui` opens the engine, then starts the app: Textual parses its styles and builds the
first screen, and only then would the keys screen ask for its first page. Instead the calls
that first page needs are started in a thread of their own right after the engine opens, so
the database is read while Textual starts (SQLite reads without holding the GIL) and the
page is usually in when the screen is built: it is drawn in the first frame.

Each call is named and made for a query (what the screen would ask for). The screen takes
its outcome once, and only for an equal query; otherwise (another page size, a filter, a
second load) it asks the engine itself as always. Errors come out of the taken call as the
engine raised them, so the screen handles them as it handles its own calls' errors.
"""
from __future__ import annotations

import threading
from concurrent.futures import Future
from typing import Any, Callable, Hashable

Call = tuple[Hashable, Callable[[], Any]]  # (the query it answers, the engine call)


class Prefetch:
    """Engine calls run in order in one thread, started at once; each outcome taken once."""

    def __init__(self, calls: dict[str, Call]) -> None:
        self._calls: dict[str, tuple[Hashable, Future]] = {
            name: (query, Future()) for name, (query, _fn) in calls.items()}
        jobs = [(self._calls[name][1], fn) for name, (_query, fn) in calls.items()]
        self._thread = threading.Thread(target=self._run, args=(jobs,), name="dewtui-prefetch", daemon=True)
        self._thread.start()

    @staticmethod
    def _run(jobs: list[tuple[Future, Callable[[], Any]]]) -> None:
        for future, fn in jobs:
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(fn())
            except BaseException as exc:  # handed to whoever takes it, as the engine raised it
                future.set_exception(exc)

    def take(self, name: str, query: Hashable) -> Callable[[], Any] | None:
        """What returns the outcome of call `name` (waiting for it) if it was made for `query`
        and not taken yet; else None. Taking a call for another query drops it."""
        entry = self._calls.pop(name, None)
        if entry is None or entry[0] != query:
            return None
        return entry[1].result

    def ready(self, name: str, query: Hashable) -> bool:
        """Whether call `name` was made for `query`, is not taken yet and has succeeded."""
        entry = self._calls.get(name)
        if entry is None or entry[0] != query or not entry[1].done():
            return False
        return entry[1].exception() is None

    def wait(self) -> None:
        """Until every call has finished (before the engine closes)."""
        self._thread.join()
