"""Wrong root key passphrases tried while the engine could not write a trace.

A trace is chained under a key derived from the root key, so a passphrase refused while the
engine is sealed (at `unseal`, or at open through DEW_PASSPHRASE or `dewtui init --change`)
cannot be traced at once. Its time is appended to `unseal-failures` in the data directory
(0600, one ISO time per line, nothing else) and traced, one warning each, the next time any
process opens the root key; then the file is removed. The file is outside the database and
not authenticated: it can add warnings, and deleting it hides attempts (best effort).
"""
from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

FAILURES_FILE = "unseal-failures"
MAX_KEPT = 1000  # a flood of attempts keeps its first entries (the count still shows it)


def record_failure(home: Path | None, when: datetime) -> None:
    if home is None:
        return
    try:
        fd = os.open(home / FAILURES_FILE, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    except OSError:
        return
    with os.fdopen(fd, "a", encoding="ascii") as fh:
        fh.write(when.isoformat() + "\n")


def pending_failures(home: Path | None) -> list[datetime]:
    """The recorded times (unparseable lines skipped), oldest first."""
    if home is None:
        return []
    try:
        lines = (home / FAILURES_FILE).read_text(encoding="ascii", errors="replace").splitlines()
    except OSError:
        return []
    out = []
    for line in lines[:MAX_KEPT]:
        try:
            when = datetime.fromisoformat(line.strip())
        except ValueError:
            continue
        if when.tzinfo is not None:
            out.append(when)
    return out


def clear_failures(home: Path | None) -> None:
    if home is not None:
        (home / FAILURES_FILE).unlink(missing_ok=True)
