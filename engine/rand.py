"""Injectable randomness: the only place the engine draws random bytes or ids.

Two streams on purpose. Identifiers (key ids, trace ids, grant ids) come from `ids`, which a
`SeededRng` makes deterministic so snapshots and tests are repeatable. Secret bytes (key
material, nonces, salts, data keys, passwords) always come from the operating system's
CSPRNG, even under `SeededRng`: a seeded test run must never reuse a nonce under a key.
"""
from __future__ import annotations

import os
import random
import threading
import uuid


class SystemRng:
    """Random ids and secret bytes from the operating system."""

    def secret_bytes(self, n: int) -> bytes:
        return os.urandom(n)

    def id_bytes(self, n: int) -> bytes:
        return os.urandom(n)

    def uuid(self) -> str:
        return str(uuid.UUID(bytes=self.id_bytes(16), version=4))

    def hex_id(self, nbytes: int = 32) -> str:
        return self.id_bytes(nbytes).hex()

    def choice(self, alphabet: str, k: int) -> str:
        """k characters drawn uniformly from alphabet with the CSPRNG (for passwords)."""
        sysrand = random.SystemRandom()
        return "".join(sysrand.choice(alphabet) for _ in range(k))


class SeededRng(SystemRng):
    """Deterministic ids for tests; secret bytes still from the OS CSPRNG."""

    def __init__(self, seed: int = 0) -> None:
        self._random = random.Random(seed)
        self._lock = threading.Lock()

    def id_bytes(self, n: int) -> bytes:
        with self._lock:
            return bytes(self._random.getrandbits(8) for _ in range(n))
