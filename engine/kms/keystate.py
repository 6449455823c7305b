"""Key lifecycle after creation: enable, disable, scheduled deletion and its cancellation,
alias and description, listing, deletion risk, enterprise projects and quotas.

Every state change reads the one transition table (`states.next_state`). Default keys are
refused here (KMS.0211) before the table is consulted: their state and names never change.
Batch helpers run each key as its own audited call, so one key's refusal neither hides nor
undoes another key's change. The actual deletion at the due date is `deletion.py`.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Callable, Iterable, Iterator

from sqlalchemy import func
from sqlmodel import col, select

from engine.errors import DewError
from engine.kms.grants import grant_info
from engine.kms.keyquery import key_filters, query_keys
from engine.kms.keyrows import details, find_by_alias, key_tags, load_key
from engine.kms.keyuse import secrets_using_key
from engine.kms.results import DeletionRisk, KeyDetails, KeyList, Quota
from engine.kms.rules import (ALIAS_TAKEN, DEFAULT_KEY, KEY_PENDING_DELETION, bad, check_alias,
                              check_description, check_pending_days, check_project_name)
from engine.kms.states import KeyState, next_state
from engine.models.core import AuditTrace, EnterpriseProject
from engine.models.grants import Grant
from engine.models.kms import Cmk
from engine.projects import list_projects, project_exists, require_project
from engine.service import Call, Service

RECENT_USES = 20
MAX_BATCH = 100  # keys per batch call


@dataclass(frozen=True)
class BatchOutcome:
    """What happened to one key of a batch call (each key is its own audited call)."""
    key_id: str
    ok: bool
    key_state: KeyState | None = None
    error_code: str = ""
    error_msg: str = ""


@contextmanager
def on_key(svc: Any, trace: str, key_id: object, action: str,
           request: dict | None = None) -> Iterator[tuple[Call, Cmk]]:
    """An audited call on one key: loads it (KMS.0207), names it in the trace, authorizes."""
    with svc._call(trace, "cmk", request={"key_id": key_id, **(request or {})}) as call:
        call.resource(key_id if isinstance(key_id, str) else "")
        row = load_key(call.s, key_id, svc.ctx.db)
        call.resource(row.key_id, row.key_alias)
        call.authorize(action, key=row)
        yield call, row


def refuse_default(row: Cmk, what: str) -> None:
    if row.default_key:
        raise DewError(DEFAULT_KEY, f"{what} is not allowed on default key {row.key_alias}", 400)


def refuse_pending_deletion(row: Cmk, what: str) -> None:
    if KeyState(row.key_state) is KeyState.PENDING_DELETION:
        raise DewError(KEY_PENDING_DELETION, f"key {row.key_id} is pending deletion: {what} is not allowed", 400)


class KeyStateOps(Service):
    # --- state changes -----------------------------------------------------------------
    def _change(self, call: Call, row: Cmk, action: str) -> KeyDetails:
        row.key_state = next_state(row.key_state, action, row.key_id).value
        call.s.add(row)
        call.s.flush()
        call.response = {"key_id": row.key_id, "key_state": row.key_state}
        return details(row, key_tags(call.s, row.key_id))

    def enable_key(self, key_id: str) -> KeyDetails:
        with on_key(self, "enableKey", key_id, "kms:cmk:enable") as (call, row):
            return self._change(call, row, "enable")

    def disable_key(self, key_id: str) -> KeyDetails:
        with on_key(self, "disableKey", key_id, "kms:cmk:disable") as (call, row):
            refuse_default(row, "disabling")
            return self._change(call, row, "disable")

    def schedule_key_deletion(self, key_id: str, pending_days: int = 7) -> KeyDetails:
        with on_key(self, "scheduleKeyDeletion", key_id, "kms:cmk:delete",
                    {"pending_days": pending_days}) as (call, row):
            refuse_default(row, "scheduling deletion")
            days = check_pending_days(pending_days)
            row.scheduled_deletion_date = call.now + timedelta(days=days)
            return self._change(call, row, "schedule_deletion")

    def cancel_key_deletion(self, key_id: str) -> KeyDetails:
        with on_key(self, "cancelKeyDeletion", key_id, "kms:cmk:delete") as (call, row):
            # a key without material (current_version 0) goes back to Pending import
            action = "cancel_deletion" if row.current_version > 0 else "cancel_deletion_without_material"
            row.scheduled_deletion_date = None
            return self._change(call, row, action)

    # --- batches (the keys screen's multi-select) --------------------------------------
    def _batch(self, fn: Callable[..., KeyDetails], key_ids: Iterable[str], **kw: Any) -> list[BatchOutcome]:
        if not isinstance(key_ids, (list, tuple)) or not 1 <= len(key_ids) <= MAX_BATCH:
            err = bad(f"key_ids must be a list of 1-{MAX_BATCH} key ids")
            self._refuse_early(f"batch_{fn.__name__}", {"key_ids": key_ids}, err)
            raise err
        out = []
        for key_id in key_ids:
            try:
                d = fn(key_id, **kw)
                out.append(BatchOutcome(key_id, True, d.key_state))
            except DewError as e:  # refused and audited; the other keys go on
                out.append(BatchOutcome(key_id, False, None, e.code, e.message))
        return out

    def batch_enable_keys(self, key_ids: Iterable[str]) -> list[BatchOutcome]:
        return self._batch(self.enable_key, key_ids)

    def batch_disable_keys(self, key_ids: Iterable[str]) -> list[BatchOutcome]:
        return self._batch(self.disable_key, key_ids)

    def batch_schedule_key_deletion(self, key_ids: Iterable[str],
                                    pending_days: int = 7) -> list[BatchOutcome]:
        return self._batch(self.schedule_key_deletion, key_ids, pending_days=pending_days)

    def batch_cancel_key_deletion(self, key_ids: Iterable[str]) -> list[BatchOutcome]:
        return self._batch(self.cancel_key_deletion, key_ids)

    # --- alias, description, project ---------------------------------------------------
    def update_key_alias(self, key_id: str, key_alias: str) -> KeyDetails:
        with on_key(self, "updateKeyAlias", key_id, "kms:cmk:update",
                    {"key_alias": key_alias}) as (call, row):
            refuse_default(row, "renaming")
            refuse_pending_deletion(row, "renaming")
            alias = check_alias(key_alias)
            other = find_by_alias(call.s, row.domain_id, alias)
            if other is not None and other.key_id != row.key_id:
                raise DewError(ALIAS_TAKEN, f"key alias {alias!r} already exists", 400)
            row.key_alias = alias
            call.s.add(row)
            call.resource(row.key_id, alias)
            call.response = {"key_id": row.key_id, "key_alias": alias}
            return details(row, key_tags(call.s, row.key_id))

    def update_key_description(self, key_id: str, key_description: str) -> KeyDetails:
        with on_key(self, "updateKeyDescription", key_id, "kms:cmk:update",
                    {"key_description": key_description}) as (call, row):
            refuse_default(row, "changing the description")
            refuse_pending_deletion(row, "changing the description")
            row.key_description = check_description(key_description)
            call.s.add(row)
            call.response = {"key_id": row.key_id, "key_description": row.key_description}
            return details(row, key_tags(call.s, row.key_id))

    def move_key(self, key_id: str, enterprise_project_id: str) -> KeyDetails:
        with on_key(self, "moveKey", key_id, "kms:cmk:update",
                    {"enterprise_project_id": enterprise_project_id}) as (call, row):
            refuse_default(row, "moving between projects")
            refuse_pending_deletion(row, "moving between projects")
            row.enterprise_project_id = require_project(call.s, row.domain_id, enterprise_project_id)
            call.s.add(row)
            call.response = {"key_id": row.key_id, "enterprise_project_id": row.enterprise_project_id}
            return details(row, key_tags(call.s, row.key_id))

    def create_enterprise_project(self, name: str) -> str:
        with self._call("createEnterpriseProject", "project", request={"name": name}) as call:
            call.resource("", name if isinstance(name, str) else "")
            call.authorize("eps:enterpriseProject:create")
            name = check_project_name(name)
            domain = call.principal.domain_id
            if project_exists(call.s, domain, name):
                raise bad(f"enterprise project {name!r} already exists")
            row = EnterpriseProject(project_id=self.ctx.rng.uuid(), domain_id=domain, name=name,
                                    created=call.now)
            call.s.add(row)
            call.resource(row.project_id, name)
            return name

    def list_enterprise_projects(self) -> list[str]:
        """Project names, `default` first."""
        with self._listing("listEnterpriseProjects", {}) as s:
            return list_projects(s, self.ctx.principal.domain_id)

    # --- reading -----------------------------------------------------------------------
    @contextmanager
    def _listing(self, trace: str, request: dict, action: str = "kms:cmk:list") -> Iterator[Any]:
        """An authorized read over the caller's account (refusals audited)."""
        with self._reading(trace, "cmk", request=request) as call:
            call.authorize(action)
            yield call.s

    def list_keys(self, *, key_state=None, key_spec=None, key_usage=None, origin=None,
                  enterprise_project_id=None, search=None, created_after=None,
                  created_before=None, tags=None, default_keys: bool | None = None,
                  sort: str = "creation_date", descending: bool = False, limit: int = 50,
                  offset: int = 0) -> KeyList:
        """A page of the account's keys. `default_keys`: None all, True only default keys,
        False only custom keys. `search`: substring of alias (any case) or key id."""
        request = {"key_state": key_state, "key_spec": key_spec, "key_usage": key_usage,
                   "origin": origin, "enterprise_project_id": enterprise_project_id,
                   "search": search, "limit": limit, "offset": offset, "sort": sort}
        with self._listing("listKeys", request) as s:
            where = key_filters(self.ctx.principal.domain_id, key_state=key_state,
                                key_spec=key_spec, key_usage=key_usage, origin=origin,
                                enterprise_project_id=enterprise_project_id, search=search,
                                created_after=created_after, created_before=created_before,
                                tags=tags, default_keys=default_keys)
            return query_keys(s, where, sort=sort, descending=descending, limit=limit, offset=offset)

    def user_quotas(self) -> list[Quota]:
        """Custom keys used (pending deletion counted) and the most grants on one key."""
        with self._listing("showUserQuotas", {}, "kms:cmk:getQuota") as s:
            domain = self.ctx.principal.domain_id
            used = s.exec(select(func.count()).select_from(Cmk).where(
                Cmk.domain_id == domain, Cmk.default_key == False)).one()  # noqa: E712
            per_key = select(func.count().label("n")).select_from(Grant) \
                .join(Cmk, col(Cmk.key_id) == col(Grant.key_id)).where(Cmk.domain_id == domain) \
                .group_by(Grant.key_id).subquery()
            most = s.exec(select(func.coalesce(func.max(per_key.c.n), 0))).one()
            st = self.ctx.settings
            return [Quota("CMK", int(used), st.key_quota),
                    Quota("grant_per_CMK", int(most), st.grants_per_key)]

    def deletion_risk(self, key_id: str) -> DeletionRisk:
        """What deleting the key would break: its grants, secrets sealed with it, recent use."""
        # it lists the key's grants: the same permission as listing them
        with on_key(self, "deleteKeyRiskTips", key_id, "kms:grant:list") as (call, row):
            grants = call.s.exec(select(Grant).where(Grant.key_id == row.key_id)
                                 .order_by(col(Grant.creation_date), col(Grant.grant_id))).all()
            since = call.now - timedelta(days=self.ctx.settings.recent_use_days)
            # refused attempts count too: an application failing on a disabled key is a risk
            uses = call.s.exec(select(AuditTrace.time, AuditTrace.trace_name, AuditTrace.user).where(
                AuditTrace.resource_id == row.key_id, AuditTrace.time >= since,
                AuditTrace.trace_name != "deleteKeyRiskTips")
                .order_by(col(AuditTrace.time).desc(), col(AuditTrace.seq).desc()).limit(RECENT_USES)).all()
            risk = DeletionRisk(key_id=row.key_id, grants=tuple(grant_info(g) for g in grants),
                                secrets=tuple(secrets_using_key(call.s, row.key_id)),
                                recent_uses=tuple((t, n, u) for t, n, u in uses))
            call.response = {"key_id": row.key_id, "grants": len(risk.grants),
                             "secrets": len(risk.secrets), "recent_uses": len(risk.recent_uses)}
            return risk
