"""What the row MACs (engine.integrity) cost on the hot path: N encrypt_data and N
describe_key calls with the check on and off, in the same process, as a ratio of this
process's CPU time (wall time on a shared machine is mostly fsync and other processes).

    python -m benchmarks.row_mac_overhead [N] [rounds]

Each mode has its own engine (a database written with the MACs off would fail their check
once they are on); rounds alternate the order of the modes. Nothing here asserts a time.
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import engine.integrity as integrity
from engine import Engine, FrozenClock, SeededRng

PLAIN = b"0123456789abcdef"


def _timed(fn, n: int) -> float:
    t = time.process_time()
    for _ in range(n):
        fn()
    return time.process_time() - t


def main(n: int = 2000, rounds: int = 2) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        clock = FrozenClock(datetime(2026, 3, 1, tzinfo=timezone.utc))
        engines = {m: Engine.open(home=Path(tmp) / m, clock=clock, rng=SeededRng(i))
                   for i, m in enumerate(("on", "off"))}
        keys = {m: e.kms.create_key("bench").key_id for m, e in engines.items()}
        results: dict[str, list[tuple[float, float]]] = {"on": [], "off": []}
        try:
            for r in range(rounds):
                for mode in ("on", "off") if r % 2 == 0 else ("off", "on"):
                    integrity.ENABLED = mode == "on"
                    e, k = engines[mode], keys[mode]
                    results[mode].append((_timed(lambda: e.kms.encrypt_data(k, PLAIN), n),
                                          _timed(lambda: e.kms.describe_key(k), n)))
        finally:
            integrity.ENABLED = True
            for e in engines.values():
                e.close()
    for i, name in enumerate(("encrypt_data", "describe_key")):
        on = statistics.median(x[i] for x in results["on"])
        off = statistics.median(x[i] for x in results["off"])
        print(f"{name} x{n}: MACs on {on / n * 1e6:.0f} us/call, off {off / n * 1e6:.0f} us/call, "
              f"ratio {on / off:.3f}")
    state = integrity.keyed_state(bytes(32))
    values = tuple(range(len(integrity.BOUND[next(iter(integrity.BOUND))])))
    per = _timed(lambda: integrity.row_mac(state, "cmk", values), 20000) / 20000
    print(f"one row MAC ({len(values)} fields): {per * 1e6:.1f} us")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
