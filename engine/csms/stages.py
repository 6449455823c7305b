"""Version stages: the one function that sets or moves a stage, used by every path.

Invariants kept here and nowhere else:
- a stage names exactly one version (one row per (secret, stage)): setting it on B moves it
  off A, it is never duplicated;
- moving SYSCURRENT from A to B puts SYSPREVIOUS on A, so "current" and "previous" always
  follow each other (adding a version, rotation, restore of a stage, a manual move);
- at most `limit` stages per secret (CSMS.0203); the stage must name an existing version.
"""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from engine import rowload
from engine.csms.rules import (BUILTIN_STAGE, BUILTIN_STAGES, NOT_FOUND, STAGE_QUOTA, SYSCURRENT,
                               SYSPREVIOUS, bad, check_stage_name)
from engine.models.csms import Secret, SecretStage, SecretVersion


def move_stage(s: Session, secret: Secret, stage_name: str, version_id: str, now: datetime,
               limit: int) -> SecretStage:
    """Put `stage_name` on `version_id` of `secret` (creating the stage, or moving it)."""
    check_stage_name(stage_name)
    if s.get(SecretVersion, (secret.secret_id, version_id)) is None:
        raise bad(f"secret {secret.name} has no version {version_id}", NOT_FOUND)
    row = s.get(SecretStage, (secret.secret_id, stage_name))
    if row is None:
        if count_stages(s, secret.secret_id) >= limit:
            raise bad(f"secret {secret.name} already has {limit} stages, the most allowed", STAGE_QUOTA)
        row = SecretStage(secret_id=secret.secret_id, stage_name=stage_name,
                          version_id=version_id, update_time=now)
        previous = None
    else:
        previous = row.version_id
        row.version_id, row.update_time = version_id, now
    s.add(row)
    s.flush()
    if stage_name == SYSCURRENT and previous is not None and previous != version_id:
        move_stage(s, secret, SYSPREVIOUS, previous, now, limit)
    return row


def delete_stage(s: Session, secret: Secret, stage_name: str) -> SecretStage:
    """Remove a custom stage; the built-in stages are never deleted (CSMS.0105)."""
    check_stage_name(stage_name)
    if stage_name in BUILTIN_STAGES:
        raise bad(f"stage {stage_name} is built in and cannot be deleted", BUILTIN_STAGE)
    row = s.get(SecretStage, (secret.secret_id, stage_name))
    if row is None:
        raise bad(f"secret {secret.name} has no stage {stage_name}", NOT_FOUND)
    s.delete(row)
    s.flush()
    return row


def count_stages(s: Session, secret_id: str) -> int:
    return len(s.exec(select(SecretStage.stage_name).where(SecretStage.secret_id == secret_id)).all())


def stages_by_version(s: Session, secret_id: str) -> dict[str, tuple[str, ...]]:
    """version id -> its stages (sorted; built-in stages first)."""
    out: dict[str, list[str]] = {}
    for st in rowload.where(s, SecretStage, secret_id=secret_id):
        out.setdefault(st.version_id, []).append(st.stage_name)
    return {v: tuple(sorted(names, key=lambda n: (n not in BUILTIN_STAGES, n))) for v, names in out.items()}


def find_stage(s: Session, secret: Secret, stage_name: str) -> SecretStage:
    row = s.get(SecretStage, (secret.secret_id, check_stage_name(stage_name)))
    if row is None:
        raise bad(f"secret {secret.name} has no stage {stage_name}", NOT_FOUND)
    return row
