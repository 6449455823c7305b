"""The engine's hot operations against two baselines measured in the same run: moto's
in-memory KMS and Secrets Manager (boto3 against `mock_aws`, same process) and the raw
floor of a durable write (sqlite3 INSERT + COMMIT, WAL, `synchronous=FULL`).

Each operation is one durable, audited transaction in the engine (fsync on commit, a
chained trace in the same transaction); moto keeps nothing on disk. Figures are ms per
call (median of rounds), ratios say how many times faster the engine is than moto
(`x moto`, higher is better) and what share of the floor's rate it reaches (`% floor`).
Statements per call are counted with SQLAlchemy's `before_cursor_execute` event.

    python -m benchmarks.hot_path [calls per round] [rounds]
"""
from __future__ import annotations

import sqlite3
import statistics
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import event

from engine import Engine, FrozenClock
from engine.rand import SystemRng

PLAIN = b"0123456789abcdef" * 4
T0 = datetime(2026, 3, 1, tzinfo=timezone.utc)
OPS = ("encrypt-data", "decrypt-data", "create-datakey", "get-secret-latest", "describe-key")


def per_call(fns: dict[str, Callable[[], Any]], n: int, rounds: int) -> dict[str, float]:
    """Seconds per call of each function: the median over `rounds` of the mean of `n` calls.
    Rounds interleave the functions, so a baseline and what is compared to it see the same
    load on a shared machine."""
    for fn in fns.values():
        fn()  # warm caches and lazy imports
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            t = time.perf_counter()
            for _ in range(n):
                fn()
            times[name].append((time.perf_counter() - t) / n)
    return {name: statistics.median(ts) for name, ts in times.items()}


class StatementCounter:
    """Counts the statements an engine's database sees (SQLAlchemy cursor executions)."""

    def __init__(self, eng: Engine) -> None:
        self.n = 0
        event.listen(eng.context.db.engine, "before_cursor_execute", self._count)

    def _count(self, *_: Any) -> None:
        self.n += 1

    def of(self, fn: Callable[[], Any]) -> int:
        fn()  # the first call may fill caches
        before = self.n
        fn()
        return self.n - before


def engine_ops(eng: Engine, who: Engine) -> dict[str, Callable[[], Any]]:
    """The hot operations, called as `who` (the administrator, or a user with a policy)."""
    key = eng.kms.create_key("bench-hot").key_id
    eng.csms.create_secret("bench-hot", secret_string="s3cr3t-value", kms_key_id=key)
    ct = who.kms.encrypt_data(key, PLAIN).cipher_text
    return {
        "encrypt-data": lambda: who.kms.encrypt_data(key, PLAIN),
        "decrypt-data": lambda: who.kms.decrypt_data(ct),
        "create-datakey": lambda: who.kms.create_datakey(key),
        "get-secret-latest": lambda: who.csms.show_secret_version("bench-hot"),
        "describe-key": lambda: who.kms.describe_key(key),
    }


def open_engine(home: Path) -> Engine:
    """An engine drawing ids from the operating system, as a user's engine does (a seeded
    stream, for repeatable tests, costs more per id)."""
    return Engine.open(home=home, clock=FrozenClock(T0), rng=SystemRng())


def with_policy_user(eng: Engine) -> Engine:
    """A non-administrator allowed every KMS key and secret action by one policy."""
    eng.iam.create_user("bench-user")
    eng.iam.create_policy("bench-all", {"Version": "1.1", "Statement": [
        {"Effect": "Allow", "Action": ["kms:*", "csms:*"], "Resource": ["*"]}]})
    eng.iam.attach_policy("bench-user", "bench-all")
    return eng.as_user("bench-user")


def moto_ops() -> tuple[Any, dict[str, Callable[[], Any]]]:
    """moto's in-memory KMS and Secrets Manager (None when moto or boto3 is missing)."""
    try:
        import boto3
        from moto import mock_aws
    except ImportError:
        return None, {}
    mock = mock_aws()
    mock.start()
    kw = dict(region_name="us-east-1", aws_access_key_id="bench", aws_secret_access_key="bench")
    kms = boto3.client("kms", **kw)
    sm = boto3.client("secretsmanager", **kw)
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    ct = kms.encrypt(KeyId=key, Plaintext=PLAIN)["CiphertextBlob"]
    sm.create_secret(Name="bench-hot", SecretString="s3cr3t-value")
    return mock, {
        "encrypt-data": lambda: kms.encrypt(KeyId=key, Plaintext=PLAIN),
        "decrypt-data": lambda: kms.decrypt(CiphertextBlob=ct),
        "create-datakey": lambda: kms.generate_data_key(KeyId=key, KeySpec="AES_256"),
        "get-secret-latest": lambda: sm.get_secret_value(SecretId="bench-hot"),
        "describe-key": lambda: kms.describe_key(KeyId=key),
    }


def raw_floor(path: Path) -> Callable[[], Any]:
    """One durable row: sqlite3 INSERT + COMMIT, WAL, synchronous=FULL."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    payload = "x" * 200

    def insert() -> None:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t (v) VALUES (?)", (payload,))
        conn.execute("COMMIT")
    return insert


def threaded(fn: Callable[[], Any], threads: int, calls: int) -> Callable[[], Any]:
    """`calls` calls of `fn` spread over `threads` threads started together (one round)."""
    def run() -> None:
        per = [calls // threads + (1 if i < calls % threads else 0) for i in range(threads)]
        start = threading.Barrier(threads)

        def worker(k: int) -> None:
            start.wait()
            for _ in range(k):
                fn()
        pool = [threading.Thread(target=worker, args=(k,)) for k in per]
        for t in pool:
            t.start()
        for t in pool:
            t.join()
    return run


def group_rows(tmp: Path, n: int, rounds: int, threads: int = 8) -> list[tuple[str, ...]]:
    """encrypt-data by one caller against `threads` callers sharing the engine (group
    commit), as ms per call of the whole run's throughput, interleaved rounds.

    The labels also give the process CPU per call of each: one caller's wall time over the
    threads' CPU per call is how far the threads could go were they never idle (the GIL runs
    their Python one at a time), so a ratio below it is idle time (the fsync every member
    waits for, other processes on the cores) and the ratio cannot pass it without less CPU
    per call. Both move with the disk: the fsync is most of one caller's wall time when the
    disk is slow, a third of it when it is quiet."""
    eng = open_engine(tmp / "group")
    try:
        key = eng.kms.create_key("bench-group").key_id
        one = lambda: eng.kms.encrypt_data(key, PLAIN)  # noqa: E731
        many = threaded(one, threads, n)
        fns = {"single": one, "group": lambda: many()}
        for fn in fns.values():
            fn()
        times: dict[str, list[float]] = {"single": [], "group": []}
        cpu: dict[str, list[float]] = {"single": [], "group": []}
        for _ in range(rounds):
            c, t = time.process_time(), time.perf_counter()
            for _ in range(n):
                one()
            times["single"].append((time.perf_counter() - t) / n)
            cpu["single"].append((time.process_time() - c) / n)
            c, t = time.process_time(), time.perf_counter()
            many()
            times["group"].append((time.perf_counter() - t) / n)
            cpu["group"].append((time.process_time() - c) / n)
        single, group = statistics.median(times["single"]), statistics.median(times["group"])
        single_cpu, group_cpu = statistics.median(cpu["single"]), statistics.median(cpu["group"])
    finally:
        eng.close()
    return [(f"encrypt-data, 1 thread (same run as the next row; CPU {single_cpu * 1e3:.3f} ms a call)",
             f"{single * 1e3:.3f}", "-", "-", "-", "-", "-"),
            (f"encrypt-data, {threads} threads, group commit: {single / group:.2f}x 1 thread "
             f"(CPU {group_cpu * 1e3:.3f} ms a call: never idle, {single / group_cpu:.2f}x)",
             f"{group * 1e3:.3f}", "-", "-", "-", "-", "-")]


def hot_rows(tmp: Path, n: int, rounds: int) -> list[tuple[str, ...]]:
    fns: dict[str, Callable[[], Any]] = {"floor": raw_floor(tmp / "floor.db")}
    mock, moto = moto_ops()
    fns.update({f"moto {op}": fn for op, fn in moto.items()})
    engines, counts = [], {}
    for label in ("admin", "policy"):
        eng = open_engine(tmp / f"hot-{label}")
        engines.append(eng)
        who = with_policy_user(eng) if label == "policy" else eng
        ops = engine_ops(eng, who)
        counter = StatementCounter(eng)
        for op in OPS:
            fns[f"{op} ({label})"] = ops[op]
            counts[f"{op} ({label})"] = counter.of(ops[op])
    try:
        t = per_call(fns, n, rounds)
    finally:
        for eng in engines:
            eng.close()
        if mock is not None:
            mock.stop()
    floor = t["floor"]
    rows: list[tuple[str, ...]] = []
    for name, count in counts.items():
        m = t.get(f"moto {name.split(' ')[0]}")
        rows.append((name, f"{t[name] * 1e3:.3f}", f"{m * 1e3:.3f}" if m else "-",
                     f"{m / t[name]:.2f}x" if m else "-", f"{floor * 1e3:.3f}",
                     f"{floor / t[name] * 100:.0f}%", str(count)))
    rows.append(("raw sqlite3 INSERT+COMMIT (floor)", f"{floor * 1e3:.3f}", "-", "-",
                 f"{floor * 1e3:.3f}", "100%", "3"))
    return rows


HEADER = ("operation", "engine ms", "moto ms", "x moto", "floor ms", "% floor", "statements")


def table(rows: list[tuple[str, ...]], header: tuple[str, ...] = HEADER) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    line = lambda r: "  ".join(c.ljust(w) if i == 0 else c.rjust(w)  # noqa: E731
                               for i, (c, w) in enumerate(zip(r, widths)))
    return "\n".join([line(header), line(tuple("-" * w for w in widths)), *map(line, rows)])


def main(n: int = 200, rounds: int = 5) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        print(table(hot_rows(Path(d), n, rounds) + group_rows(Path(d), n, rounds)))


if __name__ == "__main__":
    import sys

    main(*(int(a) for a in sys.argv[1:3]))
