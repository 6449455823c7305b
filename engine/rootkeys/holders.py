"""Which processes have a data directory's root key open.

Every open Engine holds a shared `flock` on `root.key.lock` in its data directory; a root key
rotation takes it exclusively for its duration. So a rotation is refused while another
process (the TUI, `dewtui serve`, a scheduler) has the same data directory open — that
process would go on sealing and MACing under the old key after the commit — and an open
during a rotation is refused until it has finished. Only processes on this machine that
use this data directory are seen (a database shared by URL with other machines is not).
Where `fcntl` does not exist the locks are skipped.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from engine.errors import DewError

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]

LOCK_FILE = "root.key.lock"
BUSY = "DEW.0004"


class RootKeyHolder:
    """This process's shared hold on a data directory's root key (released by `release`)."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self._fd: int | None = None
        if fcntl is None:
            return
        fd = os.open(home / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise DewError(BUSY, f"a root key rotation is running on {home}: open it again when "
                                 "it has finished", 409) from None
        self._fd = fd

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the root key alone (no other process has it open) for the block."""
        if self._fd is None:
            yield
            return
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DewError(BUSY, f"another dewtui process has {self.home} open (the TUI, dewtui "
                                 "serve, a scheduler): close it before rotating the root key, or it "
                                 "would go on using the old one", 409) from None
        try:
            yield
        finally:
            fcntl.flock(self._fd, fcntl.LOCK_SH)

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __del__(self) -> None:  # an Engine never closed still lets go when collected
        self.release()
