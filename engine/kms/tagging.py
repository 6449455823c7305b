"""Key tags: add (or edit the value of) one tag, delete one, batch add/delete, list; and the
account's tags in use on any key with their values (the guide's "Query project tags").

The rules (characters, lengths) live in `engine/tags.py`, shared with secrets; the cap is
`settings.tags_per_resource` (20). Default keys cannot be tagged (KMS.0211). A batch is all
or nothing: it runs in one transaction and any refusal rolls every change of it back.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from engine.errors import DewError
from engine.kms.keyrows import key_tags, load_key
from engine.kms.keystate import on_key, refuse_default
from engine.kms.results import ProjectTag, ProjectTags, Tag
from engine.kms.rules import (NO_TAG, TAG_ACTION, TAG_KEY, TAG_LIST_EMPTY, TAG_QUOTA,
                              check_tag_page)
from engine.models.kms import Cmk, KeyTag
from engine.tags import normalize_tags, validate_tag
from engine.service import Service

BATCH_TRACES = {"create": "batchCreateKeyTags", "delete": "batchDeleteKeyTags"}


def _existing(s: Session, key_id: str) -> dict[str, KeyTag]:
    return {r.tag_key: r for r in s.exec(select(KeyTag).where(KeyTag.key_id == key_id)).all()}


def _upsert(s: Session, key_id: str, items: list[tuple[str, str]], cap: int) -> None:
    """Add tags or change the value of existing ones; refuse (KMS.0409) past the cap."""
    have = _existing(s, key_id)
    new = [k for k, _ in items if k not in have]
    if len(have) + len(new) > cap:
        raise DewError(TAG_QUOTA, f"tag quota reached: a key has at most {cap} tags "
                                  f"({len(have)} present, {len(new)} new)", 400)
    for k, v in items:
        row = have.get(k) or KeyTag(key_id=key_id, tag_key=k)
        row.tag_value = v
        s.add(row)
    s.flush()


def _remove(s: Session, key_id: str, keys: list[str]) -> None:
    have = _existing(s, key_id)
    missing = [k for k in keys if k not in have]
    if missing:
        raise DewError(NO_TAG, f"tag {missing[0]!r} does not exist on key {key_id}", 404)
    for k in keys:
        s.delete(have[k])
    s.flush()


def _delete_items(tags: Any) -> list[tuple[str, str]]:
    """For deletion the value is optional: accept plain tag keys as well as key/value forms."""
    if isinstance(tags, (list, tuple)) and all(isinstance(t, str) for t in tags):
        tags = [(t, "") for t in tags]
    return normalize_tags(tags)


class KeyTagging(Service):
    def create_key_tag(self, key_id: str, key: str, value: str = "") -> tuple[Tag, ...]:
        """Add a tag, or change the value of the key's existing tag `key`. → all its tags."""
        with on_key(self, "createKeyTag", key_id, "kms:cmkTag:create",
                    {"tag": {"key": key, "value": value}}) as (call, row):
            refuse_default(row, "tagging")
            k, v = validate_tag(key, value)
            _upsert(call.s, row.key_id, [(k, v)], self.ctx.settings.tags_per_resource)
            return key_tags(call.s, row.key_id)

    def delete_key_tag(self, key_id: str, key: str) -> tuple[Tag, ...]:
        with on_key(self, "deleteKeyTag", key_id, "kms:cmkTag:delete", {"tag_key": key}) as (call, row):
            refuse_default(row, "tagging")
            if not isinstance(key, str):
                raise DewError(TAG_KEY, f"invalid tag key {key!r}", 400)
            _remove(call.s, row.key_id, [key])
            return key_tags(call.s, row.key_id)

    def batch_key_tags(self, key_id: str, tags: Any, action: str) -> tuple[Tag, ...]:
        """action "create" (add or edit values) or "delete"; all or nothing. → all its tags."""
        trace = BATCH_TRACES["delete"] if action == "delete" else BATCH_TRACES["create"]
        request = {"action": action, "tags": tags if isinstance(tags, (list, tuple, dict)) else str(tags)}
        with on_key(self, trace, key_id, "kms:cmkTag:batch", request) as (call, row):
            if action not in BATCH_TRACES:
                raise DewError(TAG_ACTION, f"invalid tag action {action!r}; create or delete", 400)
            refuse_default(row, "tagging")
            items = _delete_items(tags) if action == "delete" else normalize_tags(tags)
            if not items:
                raise DewError(TAG_LIST_EMPTY, "the tag list is empty", 400)
            if action == "create":
                _upsert(call.s, row.key_id, items, self.ctx.settings.tags_per_resource)
            else:
                _remove(call.s, row.key_id, [k for k, _ in items])
            return key_tags(call.s, row.key_id)

    def list_key_tags(self, key_id: str) -> tuple[Tag, ...]:
        """The key's tags, sorted by tag key (read-only, unaudited; refusals audited)."""
        with self._reading("listKeyTags", "cmk", request={"key_id": key_id}) as call:
            call.resource(key_id if isinstance(key_id, str) else "")
            row = load_key(call.s, key_id)
            call.resource(row.key_id, row.key_alias)
            call.authorize("kms:cmkTag:list", key=row)
            return key_tags(call.s, row.key_id)

    def list_project_tags(self, limit: int = 100, offset: int = 0) -> ProjectTags:
        """Every tag key in use on the account's keys with all its values, by tag key (values
        sorted): a page of at most `limit` (1-1000) tag keys; `total` counts them all.
        Read-only, unaudited; refusals audited. Needs `kms:cmkTag:list` on the account."""
        with self._reading("listProjectTags", "cmk",
                           request={"limit": limit, "offset": offset}) as call:
            call.authorize("kms:cmkTag:list")
            limit, offset = check_tag_page(limit, offset)
            return project_tags(call.s, call.principal.domain_id, limit, offset)


def project_tags(s: Session, domain_id: str, limit: int, offset: int) -> ProjectTags:
    """One page of the account's tag keys and their distinct values, all in the database."""
    on_account_keys = (col(KeyTag.key_id).in_(select(Cmk.key_id).where(Cmk.domain_id == domain_id)),)
    keys = select(KeyTag.tag_key).where(*on_account_keys).distinct().subquery()
    total = s.exec(select(func.count()).select_from(keys)).one()
    page = list(s.exec(select(keys.c.tag_key).order_by(keys.c.tag_key).limit(limit).offset(offset)).all())
    values: dict[str, list[str]] = {k: [] for k in page}
    if page:
        pairs = select(KeyTag.tag_key, KeyTag.tag_value).where(*on_account_keys,
                                                               col(KeyTag.tag_key).in_(page))
        for k, v in s.exec(pairs.distinct().order_by(KeyTag.tag_key, KeyTag.tag_value)).all():
            values[k].append(v)
    return ProjectTags(tags=tuple(ProjectTag(k, tuple(values[k])) for k in page),
                       total=int(total), limit=limit, offset=offset)
