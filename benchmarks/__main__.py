"""`make bench`: performance figures as ratios against a baseline measured in the same run.

Absolute times vary with the machine; ratios do not (much). Each figure says what it
compares. Nothing here asserts a time: the test suite never does.
"""
from __future__ import annotations

import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

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


def bench_listing(tmp: Path) -> list[str]:
    out = []
    small = Engine.open(home=tmp / "small", clock=FrozenClock(), rng=SeededRng(1))
    big = Engine.open(home=tmp / "big", clock=FrozenClock(), rng=SeededRng(1))
    _bulk_keys(small, 100, "aaaa")
    _bulk_keys(big, 10_000, "aaaa")
    for label, kwargs in [("first page", {}), ("filtered page", {"key_state": KeyState.DISABLED, "search": "-00"}),
                          ("last page", {"offset": 9_950})]:
        base = _median(lambda: small.kms.list_keys(limit=50, **{k: v for k, v in kwargs.items() if k != "offset"}))
        cur = _median(lambda: big.kms.list_keys(limit=50, **kwargs))
        out.append(f"list_keys {label}: 10,000 keys vs 100 keys = {cur / base:.2f}x "
                   f"({cur * 1000:.2f} ms vs {base * 1000:.2f} ms)")
    small.close()
    big.close()
    return out


def _bulk_secrets(eng: Engine, n: int) -> None:
    now = eng.now()
    with eng.context.db.session() as s:
        for i in range(n):
            s.add(Secret(secret_id=f"bench-{i}", domain_id=eng.principal.domain_id, name=f"s-{i:06d}",
                         kms_key_id="00000000-0000-4000-8000-000000000000", update_time=now,
                         create_time=now - timedelta(minutes=i)))


def bench_secret_listing(tmp: Path) -> list[str]:
    small = Engine.open(home=tmp / "s-small", clock=FrozenClock(), rng=SeededRng(1))
    big = Engine.open(home=tmp / "s-big", clock=FrozenClock(), rng=SeededRng(1))
    _bulk_secrets(small, 100)
    _bulk_secrets(big, 10_000)
    base = _median(lambda: small.csms.list_secrets(limit=50))
    cur = _median(lambda: big.csms.list_secrets(limit=50))
    small.close()
    big.close()
    return [f"list_secrets first page: 10,000 secrets vs 100 secrets = {cur / base:.2f}x "
            f"({cur * 1000:.2f} ms vs {base * 1000:.2f} ms)"]


def bench_crypto(tmp: Path) -> list[str]:
    eng = Engine.open(home=tmp / "crypto", clock=FrozenClock(), rng=SeededRng(2))
    key = eng.kms.create_key("bench")
    aes = AESGCM(AESGCM.generate_key(256))
    nonce = bytes(12)
    payload = b"x" * 1024
    raw = _median(lambda: aes.encrypt(nonce, payload, None), 200)
    enc = _median(lambda: eng.kms.encrypt_data(key.key_id, payload), 30)
    ct = eng.kms.encrypt_data(key.key_id, payload).cipher_text
    dec = _median(lambda: eng.kms.decrypt_data(ct), 30)
    describe = _median(lambda: eng.kms.describe_key(key.key_id), 30)
    eng.close()
    return [
        f"encrypt_data 1 KiB vs raw AES-GCM 1 KiB = {enc / raw:.0f}x ({enc * 1000:.2f} ms; "
        "a durable audited transaction per call)",
        f"decrypt_data vs encrypt_data = {dec / enc:.2f}x",
        f"encrypt_data vs describe_key (transaction + audit baseline) = {enc / describe:.2f}x",
    ]


def main() -> None:
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        for line in bench_listing(tmp) + bench_secret_listing(tmp) + bench_crypto(tmp):
            print(line)


if __name__ == "__main__":
    main()
