"""What uses a key outside KMS: the secrets sealed with it (for the deletion risk).

Reads the secret tables directly (shared models), so KMS never imports the secret manager."""
from __future__ import annotations

from sqlmodel import Session, col, select

from engine.models.csms import Secret, SecretVersion


def secrets_using_key(s: Session, key_id: str) -> list[str]:
    """Names of secrets with any version sealed by `key_id`, or using it for new versions."""
    by_version = select(Secret.name).join(SecretVersion, col(SecretVersion.secret_id) == col(Secret.secret_id)) \
        .where(SecretVersion.kms_key_id == key_id)
    by_secret = select(Secret.name).where(Secret.kms_key_id == key_id)
    return sorted(set(s.exec(by_version).all()) | set(s.exec(by_secret).all()))
