"""Tags on secrets: add or edit (one value per key), delete, list — rules of `engine.tags`."""
from __future__ import annotations

from sqlmodel import select

from engine.csms.results import Tag
from engine.csms.rows import SecretBase, secret_tags
from engine.csms.rules import NOT_FOUND, bad
from engine.errors import DewError
from engine.models.csms import SecretTag
from engine.tags import validate_tag


class SecretTagging(SecretBase):
    def create_secret_tag(self, name: str, key: str, value: str = "") -> tuple[Tag, ...]:
        """Add a tag, or change the value of an existing key; at most 20 tags per secret."""
        with self._on_secret("createSecretTag", name, "csms:secret:createTag",
                             {"key": key, "value": value},
                             frozen_when_pending="changing tags") as (call, row):
            k, v = validate_tag(key, value, "CSMS")
            tag = call.s.get(SecretTag, (row.secret_id, k))
            if tag is None:
                limit = self.ctx.settings.tags_per_resource
                n = len(call.s.exec(select(SecretTag.tag_key).where(SecretTag.secret_id == row.secret_id)).all())
                if n >= limit:
                    raise bad(f"secret {row.name} already has {limit} tags, the most allowed")
                tag = SecretTag(secret_id=row.secret_id, tag_key=k)
            tag.tag_value = v
            call.s.add(tag)
            call.s.flush()
            return secret_tags(call.s, row.secret_id)

    def delete_secret_tag(self, name: str, key: str) -> tuple[Tag, ...]:
        with self._on_secret("deleteSecretTag", name, "csms:secret:deleteTag", {"key": key},
                             frozen_when_pending="changing tags") as (call, row):
            tag = call.s.get(SecretTag, (row.secret_id, key)) if isinstance(key, str) else None
            if tag is None:
                raise bad(f"secret {row.name} has no tag {key!r}", NOT_FOUND)
            call.s.delete(tag)
            call.s.flush()
            return secret_tags(call.s, row.secret_id)

    def list_secret_tags(self, name: str) -> tuple[Tag, ...]:
        with self._reading_secret("listSecretTags", name, "csms:secret:listTags") as (call, row):
            return secret_tags(call.s, row.secret_id)
