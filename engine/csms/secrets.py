"""Secrets themselves: create, show, list, update, scheduled deletion, restore, delete now.

A name stays taken while its secret is pending deletion (so restore stays possible); a
pending secret's values cannot be read and its metadata cannot change. Deleting removes
every row at once and cannot be undone (only a downloaded backup brings it back).
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Iterable, Mapping, Sequence

from sqlalchemy import exists, func
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from engine.csms.results import SecretList, Tag
from engine.csms.rotation import apply_rotation, rotation_from_request
from engine.csms.rows import (RESOURCE, SecretBase, fire, purge, require_event, secret_result,
                              to_result)
from engine.csms.rules import (ALREADY_PENDING, ENABLED, NAME_TAKEN, NOT_PENDING,
                               PENDING_DELETE, SECRET_QUOTA, bad, check_description,
                               check_event_subscriptions, check_name, check_secret_type,
                               check_window, encode_value)
from engine.csms.versions import add_version, key_for_secret
from engine.iam.resources import secret_resource
from engine.errors import DewError
from engine.models.csms import Secret, SecretTag, SecretVersion
from engine.projects import require_project
from engine.tags import normalize_tags

_UNSET: Any = object()
MAX_PAGE = 1000


def tag_items(tags: Mapping[str, str] | Iterable[Any] | None, limit: int) -> list[tuple[str, str]]:
    items = normalize_tags(tags, "CSMS")
    if len(items) > limit:
        raise bad(f"at most {limit} tags, got {len(items)}")
    return items


class SecretLifecycle(SecretBase):
    def create_secret(self, name: str, secret_string: Any = None, secret_binary: Any = None,
                      kms_key_id: str | None = None, description: str = "",
                      enterprise_project_id: str = "default", event_subscriptions=(),
                      tags=None, secret_type: str = "COMMON", rotation: dict | None = None):
        """A new secret whose value becomes version v1 with stage SYSCURRENT."""
        request = {"name": name, "kms_key_id": kms_key_id, "description": description,
                   "enterprise_project_id": enterprise_project_id, "secret_type": secret_type,
                   "event_subscriptions": event_subscriptions,
                   "value_kind": "binary" if secret_binary is not None else "string"}
        with self._call("createSecret", RESOURCE, request=request) as call:
            call.resource("", name if isinstance(name, str) else "")
            call.authorize("csms:secret:create",
                           secret_resource(call.principal.domain_id, name) if isinstance(name, str) else None)
            s, domain, st = call.s, call.principal.domain_id, self.ctx.settings
            check_name(name)
            desc = check_description(description)
            stype = check_secret_type(secret_type)
            value, kind = encode_value(secret_string, secret_binary)
            project = require_project(s, domain, enterprise_project_id, family="CSMS")
            items = tag_items(tags, st.tags_per_resource)
            event = require_event(s, domain, check_event_subscriptions(event_subscriptions))
            rot = rotation_from_request(rotation)
            if s.exec(select(Secret.secret_id).where(Secret.domain_id == domain, Secret.name == name)).first():
                raise bad(f"a secret named {name} already exists (it may be pending deletion)", NAME_TAKEN)
            # at most `quota` index entries are counted: constant time at any number of secrets
            first = select(Secret.secret_id).where(Secret.domain_id == domain).limit(st.secret_quota)
            if s.exec(select(func.count()).select_from(first.subquery())).one() >= st.secret_quota:
                raise bad(f"secret quota reached: {st.secret_quota} of {st.secret_quota} secrets", SECRET_QUOTA)
            key = key_for_secret(call, kms_key_id)
            row = Secret(secret_id=self.ctx.rng.uuid(), domain_id=domain, name=name, secret_type=stype,
                         kms_key_id=key.key_id, description=desc, enterprise_project_id=project,
                         create_time=call.now, update_time=call.now, event_subscriptions=event)
            call.resource(row.secret_id, name)
            if rot:
                apply_rotation(self.ctx.hsm, row, call.now, rot.get("rotation_period"),
                               rot.get("generator"), rot.get("enabled", True))
            s.add(row)
            s.flush()
            for k, v in items:
                s.add(SecretTag(secret_id=row.secret_id, tag_key=k, tag_value=v))
            version = add_version(call, row, value, kind)
            fire(call, row, "SECRET_VERSION_CREATED", version.version_id)
            call.response = {"secret_id": row.secret_id, "state": row.state, "kms_key_id": key.key_id}
            return secret_result(s, row)

    def show_secret(self, name: str):
        with self._on_secret("showSecret", name, "csms:secret:get") as (call, row):
            return secret_result(call.s, row)

    def list_secrets(self, *, search: str | None = None, state: str | None = None,
                     enterprise_project_id: str | None = None, tags=None,
                     event_name: str | None = None, limit: int = 50, offset: int = 0) -> SecretList:
        """A page of the account's secrets, filtered and paged in the database (newest first).
        `search`: substring of the name (any case); `tags`: every given pair must match."""
        request = {"search": search, "state": state, "enterprise_project_id": enterprise_project_id,
                   "event_name": event_name, "limit": limit, "offset": offset}
        with self._reading("listSecrets", RESOURCE, request=request) as call:
            call.authorize("csms:secret:list")
            s = call.s
            where = self._filters(search, state, enterprise_project_id, tags, event_name)
            if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE:
                raise bad(f"limit must be 1-{MAX_PAGE}, got {limit!r}")
            if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
                raise bad(f"offset must be 0 or more, got {offset!r}")
            total = s.exec(select(func.count()).select_from(Secret).where(*where)).one()
            rows = s.exec(select(Secret).where(*where).order_by(
                col(Secret.create_time).desc(), col(Secret.name)).offset(offset).limit(limit)).all()
            return SecretList(self._page(s, rows), int(total), limit, offset)

    def _filters(self, search, state, project, tags, event_name) -> list:
        where: list = [Secret.domain_id == self.ctx.principal.domain_id]
        if search:
            if not isinstance(search, str):
                raise bad("search must be text")
            where.append(func.lower(Secret.name).contains(search.lower(), autoescape=True))
        if state is not None:
            if state not in (ENABLED, PENDING_DELETE):
                raise bad(f"state must be {ENABLED} or {PENDING_DELETE}, got {state!r}")
            where.append(Secret.state == state)
        if project is not None:
            where.append(Secret.enterprise_project_id == project)
        if event_name is not None:
            where.append(Secret.event_subscriptions == event_name)
        for k, v in tag_items(tags, self.ctx.settings.tags_per_resource):
            where.append(exists().where(col(SecretTag.secret_id) == col(Secret.secret_id),
                                        col(SecretTag.tag_key) == k, col(SecretTag.tag_value) == v))
        return where

    def _page(self, s, rows: Sequence[Secret]) -> tuple:
        ids = [r.secret_id for r in rows]
        if not ids:
            return ()
        tags: dict[str, list] = {}
        for t in s.exec(select(SecretTag).where(col(SecretTag.secret_id).in_(ids))
                        .order_by(SecretTag.tag_key)).all():
            tags.setdefault(t.secret_id, []).append(t)
        counts = dict(s.exec(select(SecretVersion.secret_id, func.count()).where(
            col(SecretVersion.secret_id).in_(ids)).group_by(SecretVersion.secret_id)).all())
        return tuple(to_result(r, tuple(Tag(t.tag_key, t.tag_value) for t in tags.get(r.secret_id, [])),
                               int(counts.get(r.secret_id, 0))) for r in rows)

    def update_secret(self, name: str, *, kms_key_id: Any = _UNSET, description: Any = _UNSET,
                      event_subscriptions: Any = _UNSET):
        """Change description, the key for NEW versions (None: csms/default), or the event."""
        request = {k: v for k, v in (("kms_key_id", kms_key_id), ("description", description),
                                     ("event_subscriptions", event_subscriptions)) if v is not _UNSET}
        with self._on_secret("updateSecret", name, "csms:secret:update", request,
                             frozen_when_pending="changing metadata") as (call, row):
            if description is not _UNSET:
                row.description = check_description(description)
            if event_subscriptions is not _UNSET:
                row.event_subscriptions = require_event(call.s, row.domain_id,
                                                        check_event_subscriptions(event_subscriptions))
            if kms_key_id is not _UNSET:
                row.kms_key_id = key_for_secret(call, kms_key_id).key_id
            row.update_time = call.now
            call.s.add(row)
            call.response = {"secret_id": row.secret_id, "kms_key_id": row.kms_key_id}
            return secret_result(call.s, row)

    def schedule_secret_deletion(self, name: str, recovery_window_in_days: int = 30):
        with self._on_secret("scheduleDelSecret", name, "csms:secret:delete",
                             {"recovery_window_in_days": recovery_window_in_days}) as (call, row):
            if row.state == PENDING_DELETE:
                raise bad(f"secret {row.name} is already pending deletion", ALREADY_PENDING)
            days = check_window(recovery_window_in_days)
            row.state, row.scheduled_delete_time = PENDING_DELETE, call.now + timedelta(days=days)
            row.update_time = call.now
            call.s.add(row)
            call.response = {"state": row.state, "scheduled_delete_time": row.scheduled_delete_time}
            return secret_result(call.s, row)

    def restore_secret(self, name: str):
        """Cancel a scheduled deletion: the secret is Enabled again."""
        with self._on_secret("restoreSecretFromDeletedStatus", name, "csms:secret:delete") as (call, row):
            if row.state != PENDING_DELETE:
                raise bad(f"secret {row.name} is not pending deletion", NOT_PENDING)
            row.state, row.scheduled_delete_time, row.update_time = ENABLED, None, call.now
            call.s.add(row)
            call.response = {"state": row.state}
            return secret_result(call.s, row)

    def delete_secret(self, name: str) -> None:
        """Delete now: every version, stage and tag, irreversibly."""
        with self._on_secret("forceDeleteSecret", name, "csms:secret:delete") as (call, row):
            fire(call, row, "SECRET_DELETED", "")
            purge(call.s, row)

    def _run_due_deletions(self, now: datetime) -> int:
        """Delete every secret whose recovery window has ended, in one claiming transaction."""
        where = (Secret.state == PENDING_DELETE,  # index ix_csms_secret_state_delete
                 col(Secret.scheduled_delete_time) != None, col(Secret.scheduled_delete_time) <= now)  # noqa: E711
        if not self._anything_due(select(Secret.secret_id).where(*where)):
            return 0
        with self._job("forceDeleteSecret", RESOURCE, now) as job:
            due: SelectOfScalar[Secret] = self.ctx.db.for_update(select(Secret).where(*where)
                                                                 .order_by(col(Secret.scheduled_delete_time)))
            rows = job.s.exec(due).all()
            for row in rows:
                fire(job, row, "SECRET_DELETED", "")
                purge(job.s, row)
                job.trace(resource_id=row.secret_id, resource_name=row.name, domain_id=row.domain_id,
                          request={"secret_name": row.name, "scheduled": True}, response={})
            return len(rows)
