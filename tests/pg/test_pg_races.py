"""Concurrent writers on one secret on PostgreSQL: serialised per secret, never a raw error."""
from __future__ import annotations

import threading

from engine import Engine

WRITERS, CALLS = 4, 15


def test_concurrent_versions_of_one_secret(pg_url, home, clock):
    first = Engine.open(home=home, url=pg_url, clock=clock)
    first.csms.create_secret("shared", secret_string="v1")
    engines = [first] + [Engine.open(home=home, url=pg_url, clock=clock, run_due=False)
                         for _ in range(WRITERS - 1)]
    errors: list[BaseException] = []
    made: list[str] = []
    lock = threading.Lock()

    def write(eng: Engine, n: int) -> None:
        for i in range(CALLS):
            try:
                v = eng.csms.create_secret_version("shared", secret_string=f"w{n}-{i}")
                with lock:
                    made.append(v.id)
            except BaseException as e:  # noqa: BLE001 - the test collects every failure
                with lock:
                    errors.append(e)

    threads = [threading.Thread(target=write, args=(e, n)) for n, e in enumerate(engines)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    try:
        assert errors == []
        # gap-free: every call got its own next number, none twice
        assert sorted(int(v[1:]) for v in made) == list(range(2, 2 + WRITERS * CALLS))
        assert first.csms.show_secret_version("shared").version_metadata.id == f"v{1 + WRITERS * CALLS}"
        assert first.audit.verify().ok
    finally:
        for e in engines:
            e.close()
