"""Due work of key rotation: rotate, once each, the Enabled keys whose period has passed.

A key overdue while Disabled or pending deletion is skipped and rotates at the first pass
after it is enabled again; the rotation claims the keys in one write transaction, so two
processes running the pass at once rotate each key once (see `engine.kms.rotation`).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any


def rotate_due_keys(engine: Any, now: datetime) -> int:
    return engine.kms._rotate_due(now)
