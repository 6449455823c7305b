"""What grows with the data: `run_due()` with nothing due and the key quota check of
`create_key`, at 100,000 keys and 100,000 secrets against the same at 100, in one run.

Rows are bulk-inserted (protected ones stamped with their MAC); none of them is due.

    python -m benchmarks.due_work [big]
"""
from __future__ import annotations

import statistics
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import insert

from engine import DewError, Engine, FrozenClock, SeededRng
from engine.integrity import stamped
from engine.models.csms import Secret
from engine.models.kms import Cmk

T0 = datetime(2026, 3, 1, tzinfo=timezone.utc)
BATCH = 20_000


def fill(eng: Engine, n: int) -> None:
    """`n` keys (a third disabled, some with rotation on, due a year from now) and `n`
    secrets (none pending deletion or rotation), all in the engine's account."""
    domain = eng.principal.domain_id
    later = T0 + timedelta(days=365)
    for start in range(0, n, BATCH):
        keys, secrets = [], []
        for i in range(start, min(n, start + BATCH)):
            keys.append(dict(
                key_id=f"{i:08x}-0000-4000-8000-{i:012x}", domain_id=domain, key_alias=f"bulk-{i:06d}",
                key_description="", key_spec="AES_256", key_usage="ENCRYPT_DECRYPT",
                key_state="2" if i % 3 else "3", origin="kms", default_key=False,
                enterprise_project_id="default", creation_date=T0 - timedelta(seconds=i),
                material_digest="", rotation_enabled=i % 2 == 0, rotation_interval=365,
                rotation_due=later if i % 2 == 0 else None, rotation_count=0, current_version=1))
            secrets.append(dict(
                secret_id=f"bulk-{i:08d}", domain_id=domain, name=f"bulk-{i:06d}",
                kms_key_id=keys[-1]["key_id"], update_time=T0, create_time=T0 - timedelta(seconds=i),
                secret_type="COMMON", state="ENABLED", description="",
                enterprise_project_id="default", event_subscriptions="", auto_rotation=False,
                rotation_period="", rotation_generator="", rotation_error="", version_counter=0))
        with eng.context.db.session() as s:
            s.execute(insert(Cmk), stamped(s, Cmk, keys))
            s.execute(insert(Secret), stamped(s, Secret, secrets))


def median_ms(fn: Callable[[], Any], repeat: int) -> float:
    fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1e3


def quota_probe(eng: Engine) -> Callable[[], Any]:
    """create_key in an account past its key quota: refused (KMS.1105) after the count."""
    def create() -> None:
        try:
            eng.kms.create_key("quota-probe")
        except DewError:
            pass
    return create


def scale_rows(tmp: Path, big: int = 100_000, small: int = 100, repeat: int = 15) -> list[tuple[str, ...]]:
    engines = {}
    for n in (small, big):
        eng = Engine.open(home=tmp / f"due-{n}", clock=FrozenClock(T0), rng=SeededRng(5))
        fill(eng, n)
        engines[n] = eng
    rows = []
    for label, make in (("run_due, nothing due", lambda e: (lambda: e.run_due())),
                        ("create_key at quota (refused)", quota_probe)):
        t = {n: median_ms(make(e), repeat) for n, e in engines.items()}
        rows.append((label, f"{t[big]:.2f}", f"{t[small]:.2f}", f"{t[big] / t[small]:.2f}x"))
    for e in engines.values():
        e.close()
    return rows


def main(big: int = 100_000) -> None:
    from benchmarks.hot_path import table

    with tempfile.TemporaryDirectory() as d:
        print(table(scale_rows(Path(d), big),
                    ("operation", f"ms at {big:,}", "ms at 100", "ratio")))


if __name__ == "__main__":
    import sys

    main(*(int(a) for a in sys.argv[1:2]))
