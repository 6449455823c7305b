"""Shared row helpers of the secret manager: find a secret, turn rows into results, the
audited "call on one secret" scope, events, and deleting a secret's rows.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Callable, Iterator

from sqlalchemy import delete
from sqlmodel import Session, col, select

from engine import rowload
from engine.csms.results import Secret as SecretResult, Tag, VersionMetadata
from engine.csms.rules import NO_SECRET, NOT_FOUND, PENDING, PENDING_DELETE, bad, check_name
from engine.csms.stages import stages_by_version
from engine.iam.resources import secret_resource
from engine.events import fire as _events
from engine.models.csms import Secret, SecretStage, SecretTag, SecretVersion
from engine.models.events import SecretEvent
from engine.service import Call, Job, Service

RESOURCE = "csms"


def load_secret(s: Session, domain_id: str, name: object, db: Any = None) -> Secret:
    """The secret row or CSMS.0106; with `db`, locked for update (writes on one secret queue
    up behind each other on PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises them)."""
    check_name(name)
    found = rowload.where(s, Secret, for_update=db is not None, domain_id=domain_id, name=name)
    row = found[0] if found else None
    if row is None:
        raise bad(f"secret {name} does not exist", NO_SECRET)
    return row


def refuse_pending(secret: Secret, what: str) -> None:
    if secret.state == PENDING_DELETE:
        raise bad(f"secret {secret.name} is pending deletion: {what} is not allowed", PENDING)


def secret_tags(s: Session, secret_id: str) -> tuple[Tag, ...]:
    rows = s.exec(select(SecretTag).where(SecretTag.secret_id == secret_id).order_by(SecretTag.tag_key)).all()
    return tuple(Tag(r.tag_key, r.tag_value) for r in rows)


def to_result(row: Secret, tags: tuple[Tag, ...] = (), version_count: int = 0) -> SecretResult:
    return SecretResult(
        id=row.secret_id, name=row.name, state=row.state, kms_key_id=row.kms_key_id,
        description=row.description, create_time=row.create_time, update_time=row.update_time,
        scheduled_delete_time=row.scheduled_delete_time, secret_type=row.secret_type,
        auto_rotation=row.auto_rotation, rotation_period=row.rotation_period,
        rotation_time=row.rotation_time, next_rotation_time=row.next_rotation_time,
        event_subscriptions=(row.event_subscriptions,) if row.event_subscriptions else (),
        enterprise_project_id=row.enterprise_project_id, tags=tags,
        rotation_error=row.rotation_error, version_count=version_count)


def secret_result(s: Session, row: Secret) -> SecretResult:
    n = len(s.exec(select(SecretVersion.version_id).where(SecretVersion.secret_id == row.secret_id)).all())
    return to_result(row, secret_tags(s, row.secret_id), n)


def version_metadata(s: Session, secret: Secret, v: SecretVersion,
                     staged: dict[str, tuple[str, ...]] | None = None) -> VersionMetadata:
    staged = stages_by_version(s, secret.secret_id) if staged is None else staged
    return VersionMetadata(id=v.version_id, create_time=v.create_time, expire_time=v.expire_time,
                           kms_key_id=v.kms_key_id, secret_name=secret.name,
                           version_stages=staged.get(v.version_id, ()))


def require_event(s: Session, domain_id: str, event_name: str) -> str:
    if event_name and s.exec(select(SecretEvent).where(SecretEvent.domain_id == domain_id,
                                                       SecretEvent.name == event_name)).first() is None:
        raise bad(f"event {event_name} does not exist", NOT_FOUND)
    return event_name


def fire(call: Call | Job, secret: Secret, event_type: str, version_id: str = "") -> None:
    """Raise a secret event in the caller's (or due job's) transaction (the events service
    delivers it)."""
    _events.fire_secret_event(call, secret, event_type, version_id)


def purge(s: Session, secret: Secret) -> None:
    """Delete the secret and every row it owns: irreversible."""
    tables: tuple[type[SecretStage] | type[SecretVersion] | type[SecretTag], ...] = (
        SecretStage, SecretVersion, SecretTag)
    for table in tables:
        s.exec(delete(table).where(col(table.secret_id) == secret.secret_id))
    s.delete(secret)
    s.flush()


class SecretBase(Service):
    """Mixin helpers shared by the secret-manager mixins."""

    @contextmanager
    def _on_secret(self, trace: str, name: object, action: str, request: dict | None = None,
                   frozen_when_pending: str | None = None,
                   load: Callable[..., Secret] = load_secret) -> Iterator[tuple[Call, Secret]]:
        """An audited call on one secret: authorizes, loads it by name (CSMS.0106; `load`: how,
        as `load_secret`), names it in the trace, and refuses it while pending deletion when
        `frozen_when_pending`."""
        req = {"secret_name": name, **(request or {})}
        with self._call(trace, RESOURCE, request=req) as call:
            call.resource("", name if isinstance(name, str) else "")
            checked = check_name(name)
            call.authorize(action, secret_resource(call.principal.domain_id, checked))
            row = load(call.s, call.principal.domain_id, checked, call.ctx.db)
            call.resource(row.secret_id, row.name)
            if frozen_when_pending:
                refuse_pending(row, frozen_when_pending)
            yield call, row

    @contextmanager
    def _reading_secret(self, trace: str, name: object, action: str) -> Iterator[tuple[Call, Secret]]:
        """An authorized read of one secret (not traced; its refusal is)."""
        with self._reading(trace, RESOURCE, request={"secret_name": name}) as call:
            call.resource("", name if isinstance(name, str) else "")
            checked = check_name(name)
            call.authorize(action, secret_resource(call.principal.domain_id, checked))
            row = load_secret(call.s, call.principal.domain_id, name)
            call.resource(row.secret_id, row.name)
            yield call, row
