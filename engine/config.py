"""Settings with the guide's defaults: quotas, windows, retention.

One frozen dataclass, passed to `Engine.open(settings=...)`; tests shrink quotas with
`dataclasses.replace(Settings(), key_quota=3)`.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    key_quota: int = 100              # custom keys per account (default keys not counted)
    tags_per_resource: int = 20
    grants_per_key: int = 100
    secret_quota: int = 200
    versions_per_secret: int = 20
    stages_per_secret: int = 12
    events_quota: int = 30
    audit_retention_days: int = 7
    notification_retention_days: int = 90
    import_params_hours: int = 24
    recent_use_days: int = 7          # window of the deletion-risk "recent use"
    scheduler_interval_seconds: int = 60
