"""Read-only questions other services ask about secrets (e.g. a key's deletion risk)."""
from __future__ import annotations

from sqlmodel import Session, select

from engine.models.csms import Secret, SecretVersion


def secrets_using_key(s: Session, key_id: str) -> list[str]:
    """Names of secrets with any version sealed by `key_id`, or using it for new versions."""
    by_version = select(Secret.name).join(SecretVersion, SecretVersion.secret_id == Secret.secret_id) \
        .where(SecretVersion.kms_key_id == key_id)
    by_secret = select(Secret.name).where(Secret.kms_key_id == key_id)
    return sorted(set(s.exec(by_version).all()) | set(s.exec(by_secret).all()))
