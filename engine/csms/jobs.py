"""Due work of the csms service, run by `Engine.run_due(now)`.

Each job is a plain, idempotent function `job(engine, now)` that claims its rows in one
write transaction, so two processes running it at once never do the same work twice.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any


def delete_due_secrets(engine: Any, now: datetime) -> int:
    """Delete the secrets whose recovery window has ended (SECRET_DELETED each)."""
    return engine.csms._run_due_deletions(now)


def rotate_due_secrets(engine: Any, now: datetime) -> int:
    """Rotate the secrets whose rotation is due (SECRET_ROTATED or SECRET_ROTATED_FAILED)."""
    return engine.csms._run_due_rotations(now)


DUE_JOBS: tuple = (delete_due_secrets, rotate_due_secrets)
