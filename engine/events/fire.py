"""Raising secret events from inside a secrets transaction.

`fire_secret_event(call, secret, event_type, version_id)` is called by the secrets service
at each operation that matches an event type; it delivers one notification record per
enabled event the secret subscribes to, in the caller's transaction.
"""
from __future__ import annotations

from typing import Any


def fire_secret_event(call: Any, secret: Any, event_type: str, version_id: str = "") -> int:
    """Deliver `event_type` for `secret` (a models.csms.Secret row); returns records written."""
    return 0
