"""`make bench`: one table of performance figures, each with its baseline measured in the same
run: the hot operations against moto's in-memory KMS / Secrets Manager and against a raw
sqlite3 INSERT + COMMIT (synchronous=FULL), with statements per call; what grows with the
data (run_due with nothing due, the quota check, list pages) against the same at 100 rows.

Absolute times vary with the machine; ratios do not (much). Each figure says what it
compares. Nothing here asserts a time: the test suite never does. The 8-caller row is
encrypt-data's throughput with 8 threads on one engine (group commit) against one thread in
the same run; the keys screen rows drive the real app headless (open to its first page, one
filter keystroke to the filtered table) at 10,000 keys against 100; the TUI launch row is
launch to the painted keys screen in a pseudo-terminal. Then
large files by envelope encryption against copyfile (with peak RSS), and the official SDK's
round trips against `dewtui serve` next to boto3 against moto's server mode.
"""
from __future__ import annotations

import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from engine import Engine, FrozenClock, SeededRng
from engine.kms.states import KeyState
from engine.models.csms import Secret
from engine.models.kms import Cmk


def _median(fn, repeat: int = 30) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _bulk_keys(eng: Engine, n: int, prefix: str) -> None:
    """Insert key rows directly (no material needed to measure listing)."""
    now = eng.now()
    with eng.context.db.session() as s:
        for i in range(n):
            s.add(Cmk(key_id=f"{i:08x}-0000-4000-8000-{prefix}{i:08x}", domain_id=eng.principal.domain_id,
                      key_alias=f"{prefix}-{i:06d}", key_spec="AES_256", key_usage="ENCRYPT_DECRYPT",
                      key_state=(KeyState.ENABLED if i % 3 else KeyState.DISABLED).value,
                      creation_date=now - timedelta(minutes=i)))


def _bulk_secrets(eng: Engine, n: int) -> None:
    now = eng.now()
    with eng.context.db.session() as s:
        for i in range(n):
            s.add(Secret(secret_id=f"bench-{i}", domain_id=eng.principal.domain_id, name=f"s-{i:06d}",
                         kms_key_id="00000000-0000-4000-8000-000000000000", update_time=now,
                         create_time=now - timedelta(minutes=i)))


HEADER = ("operation", "engine ms", "moto ms", "x moto", "floor ms", "% floor",
          "at 100 ms", "/ at 100", "statements")


def as_row(cells: dict[str, str]) -> tuple[str, ...]:
    return tuple(cells.get(h, "-") for h in HEADER)


def growth_rows(lines: list[tuple[str, float, float]]) -> list[tuple[str, ...]]:
    return [as_row({"operation": label, "engine ms": f"{big * 1e3:.2f}", "at 100 ms": f"{small * 1e3:.2f}",
                    "/ at 100": f"{big / small:.2f}x"}) for label, big, small in lines]


def main() -> None:
    """One table: the hot operations against moto and the raw durable-write floor (same run,
    interleaved rounds), then what grows with the data against the same at 100 rows."""
    from benchmarks.cold_start import cold_start
    from benchmarks.due_work import scale_rows
    from benchmarks.hot_path import group_rows, hot_rows, table
    from benchmarks.keys_screen import rows as keys_screen_rows

    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        rows = [as_row(dict(zip(("operation", "engine ms", "moto ms", "x moto", "floor ms", "% floor",
                                 "statements"), r))) for r in hot_rows(tmp, 100, 7) + group_rows(tmp, 200, 7)]
        for label, big, small, ratio in scale_rows(tmp):
            rows.append(as_row({"operation": f"{label} (100,000 keys + secrets)", "engine ms": big,
                                "at 100 ms": small, "/ at 100": ratio}))
        rows += growth_rows([(f"list_keys {x} (10,000 keys)", b, s) for x, b, s in _listing(tmp)])
        rows += growth_rows(_secret_listing(tmp))
        rows += growth_rows(keys_screen_rows(tmp))
        ours, minimal = cold_start(tmp, 100_000, 5)
        rows.append(as_row({"operation": "TUI launch to painted keys screen (100,000 keys; "
                                         f"a minimal Textual app: {minimal * 1e3:.0f} ms)",
                            "engine ms": f"{ours * 1e3:.0f}"}))
        print(table(rows, HEADER))
    _files()
    _sdk()


def _files() -> None:
    """Large files by envelope encryption against shutil.copyfile of the same file, with the
    peak RSS growth over a warm engine (`DEW_BENCH_FILE_MIB`, default 1024)."""
    import os

    from benchmarks.envelope_files import main as files_main
    print()
    files_main(int(os.environ.get("DEW_BENCH_FILE_MIB", "1024")))


def _sdk() -> None:
    """The official SDK against `dewtui serve` (signed, durable, audited), next to boto3
    against moto's server mode, 1 and 8 client threads, same run."""
    from benchmarks.hot_path import table
    from benchmarks.sdk_roundtrips import rows as sdk_rows
    print()
    head = ("figure", "dewtui", "moto server", "ratio")
    print(table([tuple("-" if r.get(h) is None else str(r[h]) for h in head) for r in sdk_rows()], head))


def _listing(tmp: Path) -> list[tuple[str, float, float]]:
    out = []
    small = Engine.open(home=tmp / "small", clock=FrozenClock(), rng=SeededRng(1))
    big = Engine.open(home=tmp / "big", clock=FrozenClock(), rng=SeededRng(1))
    _bulk_keys(small, 100, "aaaa")
    _bulk_keys(big, 10_000, "aaaa")
    # the same page size at both sizes: the filter matches 33 of the 100 keys, so its page is
    # 25 rows (a full page, then counted, at both); the last page is the last at either size
    disabled = {"key_state": KeyState.DISABLED, "search": "-00", "limit": 25}
    for label, at_100, at_10000 in [("first page", {}, {}), ("filtered page", disabled, disabled),
                                    ("last page", {"offset": 50}, {"offset": 9_950})]:
        base = _median(lambda: small.kms.list_keys(**{"limit": 50, **at_100}))
        cur = _median(lambda: big.kms.list_keys(**{"limit": 50, **at_10000}))
        out.append((label, cur, base))
    small.close()
    big.close()
    return out


def _secret_listing(tmp: Path) -> list[tuple[str, float, float]]:
    small = Engine.open(home=tmp / "s-small", clock=FrozenClock(), rng=SeededRng(1))
    big = Engine.open(home=tmp / "s-big", clock=FrozenClock(), rng=SeededRng(1))
    _bulk_secrets(small, 100)
    _bulk_secrets(big, 10_000)
    base = _median(lambda: small.csms.list_secrets(limit=50))
    cur = _median(lambda: big.csms.list_secrets(limit=50))
    small.close()
    big.close()
    return [("list_secrets first page (10,000 secrets)", cur, base)]


if __name__ == "__main__":
    main()
