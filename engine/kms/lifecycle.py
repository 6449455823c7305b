"""Creating and describing keys; default keys. (States, listing and deletion: see keystate.py.)"""
from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from engine.errors import DewError
from engine.hsm.keygen import generate_material
from engine.kms.defaults import ensure_default_key, find_default_key
from engine.kms.keyrows import add_version, details, find_by_alias, key_tags, load_key
from engine.kms.results import KeyDetails
from engine.kms.rules import (ALIAS_TAKEN, KEY_QUOTA, TAG_QUOTA, check_alias, check_description,
                              check_spec_usage)
from engine.kms.states import initial_state
from engine.models.kms import Cmk, KeyTag
from engine.projects import require_project
from engine.tags import normalize_tags
from engine.service import Service


def custom_keys_at_least(s: Session, domain: str, n: int) -> bool:
    """Does the account hold `n` or more custom keys? Counts at most `n` index entries of
    (account, default flag), so the check costs the same at 100 keys or 100,000."""
    first_n = select(Cmk.key_id).where(Cmk.domain_id == domain, Cmk.default_key == False)  # noqa: E712
    return s.exec(select(func.count()).select_from(first_n.limit(n).subquery())).one() >= n

class KeyLifecycle(Service):
    def create_key(self, key_alias: str, key_spec: str = "AES_256", key_usage: str | None = None,
                   key_description: str = "", origin: str = "kms",
                   enterprise_project_id: str = "default", tags=None) -> KeyDetails:
        material = None
        try:  # generate outside the write lock (RSA-4096 takes up to ~1 s)
            spec, _, org = check_spec_usage(key_spec, key_usage, origin)
            if org == "kms":
                material = generate_material(spec, self.ctx.rng)
        except DewError:
            pass  # refused again, audited, below
        request = {"key_alias": key_alias, "key_spec": key_spec, "key_usage": key_usage,
                   "key_description": key_description, "origin": origin,
                   "enterprise_project_id": enterprise_project_id}
        with self._call("createKey", "cmk", request=request) as call:
            call.resource("", key_alias if isinstance(key_alias, str) else "")
            call.authorize("kms:cmk:create")
            domain = call.principal.domain_id
            alias = check_alias(key_alias)
            description = check_description(key_description)
            spec, usage, org = check_spec_usage(key_spec, key_usage, origin)
            project = require_project(call.s, domain, enterprise_project_id)
            tag_items = normalize_tags(tags)
            if len(tag_items) > self.ctx.settings.tags_per_resource:
                raise DewError(TAG_QUOTA, f"at most {self.ctx.settings.tags_per_resource} tags per key", 400)
            if find_by_alias(call.s, domain, alias) is not None:
                raise DewError(ALIAS_TAKEN, f"key alias {alias!r} already exists", 400)
            quota = self.ctx.settings.key_quota
            if custom_keys_at_least(call.s, domain, quota):
                raise DewError(KEY_QUOTA, f"key quota reached: {quota} of {quota} custom keys", 400)
            row = Cmk(key_id=self.ctx.rng.uuid(), domain_id=domain, key_alias=alias,
                      key_description=description, key_spec=spec, key_usage=usage,
                      key_state=initial_state(org).value,
                      origin=org, enterprise_project_id=project, creation_date=call.now)
            call.s.add(row)
            call.s.flush()
            call.resource(row.key_id, alias)
            if org == "kms":
                add_version(call.s, self.ctx.hsm, row, material or generate_material(spec, self.ctx.rng), call.now)
            for k, v in tag_items:
                call.s.add(KeyTag(key_id=row.key_id, tag_key=k, tag_value=v))
            call.s.flush()
            result = details(row, key_tags(call.s, row.key_id))
            call.response = {"key_id": row.key_id, "key_state": row.key_state}
            return result

    def describe_key(self, key_id: str) -> KeyDetails:
        with self._call("describeKey", "cmk", request={"key_id": key_id}) as call:
            call.resource(key_id if isinstance(key_id, str) else "")
            row = load_key(call.s, key_id)
            call.resource(row.key_id, row.key_alias)
            call.authorize("kms:cmk:get", key=row, grant_op="describe-key")
            return details(row, key_tags(call.s, row.key_id))

    def get_default_key(self, service: str) -> KeyDetails:
        """`<service>/default`, created on the first call (its one `createKey` trace); a call
        that finds it writes no trace and takes no write lock."""
        request = {"key_alias": f"{service}/default" if isinstance(service, str) else ""}
        with self._reading("createKey", "cmk", request=request) as call:
            call.resource("", request["key_alias"])
            call.authorize("kms:cmk:create")
            row = find_default_key(call.s, call.principal.domain_id, service)
            if row is not None:
                return details(row, key_tags(call.s, row.key_id))
        with self._call("createKey", "cmk", request=request) as call:
            call.resource("", request["key_alias"])
            call.authorize("kms:cmk:create")
            row = ensure_default_key(call, service)  # traces the creation (none if found now)
            call.own_trace = False
            call.resource(row.key_id, row.key_alias)
            return details(row, key_tags(call.s, row.key_id))
