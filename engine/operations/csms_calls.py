"""The CSMS calls where the cloud's wire and the engine differ: secrets addressed by id (tags),
the cloud's markers turned into the engine's offsets, rotation fields through
configure_rotation, and the resource_instances and project-tags reads composed from the
account's secret list.

The id and marker lookups read only the caller's own account's rows; the engine's audited
call that follows authorizes as usual.
"""
from __future__ import annotations

from typing import Any, Mapping

from sqlmodel import select

from engine.errors import DewError
from engine.operations import wire

DEFAULT_PAGE = 50
MAX_PAGE = 1000


def bad(message: str) -> DewError:
    return DewError("CSMS.0002", message, 400)


def page_size(args: Mapping[str, Any]) -> int:
    limit = args.get("limit")
    if limit in (None, ""):
        return DEFAULT_PAGE
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE:
        raise bad(f"limit must be 1-{MAX_PAGE}, got {limit!r}")
    return limit


def after_marker(items: list, key: Any, args: Mapping[str, Any]) -> tuple[list, dict[str, Any]]:
    """The page after the item whose key is `marker` (the cloud's markers name the last item
    of the previous page); an unknown marker is refused."""
    limit, marker = page_size(args), args.get("marker")
    start = 0
    if marker not in (None, ""):
        keys = [key(i) for i in items]
        if marker not in keys:
            raise bad(f"marker {marker!r} names nothing in this list")
        start = keys.index(marker) + 1
    chunk = items[start:start + limit]
    more = start + len(chunk) < len(items)
    return chunk, wire.page_info(chunk, key(chunk[-1]) if more and chunk else None,
                                 key(items[start - 1]) if start else None)


def secret_name_of(eng: Any, secret_id: object) -> str:
    """The name of the caller's account's secret with this id (the cloud's tag API addresses
    secrets by id, the engine by name); CSMS.0106 when the account has none."""
    from engine.models.csms import Secret
    if not isinstance(secret_id, str) or not secret_id or len(secret_id) > 64:
        raise bad("secret_id must be a secret's id")
    with eng.context.db.session(write=False) as s:
        name = s.exec(select(Secret.name).where(Secret.secret_id == secret_id,
                                                Secret.domain_id == eng.principal.domain_id)).first()
    if name is None:
        raise DewError("CSMS.0106", f"secret {secret_id} does not exist", 400)
    return name


# --- calls where the wire and the engine differ ----------------------------------------
def create_secret(eng: Any, a: Mapping[str, Any]) -> Any:
    kwargs = {k: a[k] for k in ("name", "secret_string", "secret_binary", "kms_key_id", "description",
                                "secret_type") if a.get(k) is not None}
    if a.get("event_subscriptions") is not None:
        kwargs["event_subscriptions"] = a["event_subscriptions"]
    if a.get("enterprise_project_id") is not None:
        kwargs["enterprise_project_id"] = wire.engine_project(a["enterprise_project_id"])
    if a.get("auto_rotation") is not None or a.get("rotation_period") is not None:
        rotation: dict[str, Any] = {"enabled": a.get("auto_rotation") is True}
        if a.get("rotation_period") is not None:
            rotation["rotation_period"] = a["rotation_period"]
        kwargs["rotation"] = rotation
    return eng.csms.create_secret(**kwargs)


def update_secret(eng: Any, a: Mapping[str, Any]) -> Any:
    """Metadata through update_secret, rotation (auto_rotation, rotation_period) through
    configure_rotation; a period alone keeps rotation on or off as it is."""
    name = a.get("secret_name")
    changes = {k: a[k] for k in ("kms_key_id", "description", "event_subscriptions") if a.get(k) is not None}
    rotating = a.get("auto_rotation") is not None or a.get("rotation_period") is not None
    result = None
    if changes or not rotating:
        result = eng.csms.update_secret(name, **changes)
    if rotating:
        enabled = a.get("auto_rotation")
        if enabled is None:
            enabled = eng.csms.show_secret(name).auto_rotation
        result = eng.csms.configure_rotation(name, rotation_period=a.get("rotation_period"), enabled=enabled)
    return result


def list_secrets(eng: Any, a: Mapping[str, Any]) -> Any:
    """A page of secrets after the one the marker names (the cloud's marker is the last
    secret name of the previous page; the engine pages newest first by offset)."""
    marker = a.get("marker")
    offset = 0 if marker in (None, "") else position_after(eng, marker)
    return eng.csms.list_secrets(event_name=a.get("event_name") or None, limit=page_size(a), offset=offset)


def position_after(eng: Any, marker: object) -> int:
    """How many of the caller's secrets come up to and including `marker` in the engine's
    order (newest first, then by name); an unknown marker is refused."""
    from sqlalchemy import and_, func, or_

    from engine.models.csms import Secret
    if not isinstance(marker, str) or len(marker) > 64:
        raise bad("marker must name a secret")
    domain = eng.principal.domain_id
    with eng.context.db.session(write=False) as s:
        row = s.exec(select(Secret.create_time, Secret.name).where(Secret.domain_id == domain,
                                                                   Secret.name == marker)).first()
        if row is None:
            raise bad(f"marker {marker!r} names no secret")
        created, name = row
        before = s.exec(select(func.count()).select_from(Secret).where(
            Secret.domain_id == domain,
            or_(Secret.create_time > created, and_(Secret.create_time == created, Secret.name <= name)))).one()
    return int(before)


def on_tagged_secret(method: str) -> Any:
    def run(eng: Any, a: Mapping[str, Any]) -> Any:
        name = secret_name_of(eng, a.get("secret_id"))
        fn = getattr(eng.csms, method)
        if method == "create_secret_tag":
            tag = a.get("tag")
            if not isinstance(tag, Mapping):
                raise bad('tag must be an object {"key": ..., "value": ...}')
            return fn(name, tag.get("key"), tag.get("value") or "")
        if method == "delete_secret_tag":
            return fn(name, a.get("key"))
        return fn(name)
    return run


def batch_secret_tags(eng: Any, a: Mapping[str, Any]) -> Any:
    """The cloud's batch tag call, as one engine call per tag (each audited)."""
    name = secret_name_of(eng, a.get("secret_id"))
    action, tags = a.get("action"), a.get("tags")
    if action not in ("create", "delete"):
        raise bad(f"action must be create or delete, got {action!r}")
    if not isinstance(tags, list) or not tags or not all(isinstance(t, Mapping) for t in tags):
        raise bad('tags must be a non-empty list of {"key": ..., "value": ...}')
    for t in tags:
        if action == "create":
            eng.csms.create_secret_tag(name, t.get("key"), t.get("value") or "")
        else:
            eng.csms.delete_secret_tag(name, t.get("key"))
    return None


def all_secrets(eng: Any, search: str | None = None) -> list:
    """Every secret of the caller's account (matching `search`), a database page at a time."""
    found: list = []
    while True:
        page = eng.csms.list_secrets(search=search, limit=MAX_PAGE, offset=len(found))
        found += page.secrets
        if not page.secrets or len(found) >= page.total:
            return found


def tag_filters(tags: Any) -> list[tuple[str, set]]:
    """The cloud's `[{"key", "values"}]` (values OR'ed, none = any value, keys AND'ed)."""
    filters: list[tuple[str, set]] = []
    for item in tags or ():
        values = item.get("values") or [] if isinstance(item, Mapping) else None
        if not isinstance(item, Mapping) or not isinstance(item.get("key"), str) or not isinstance(values, list) \
                or not all(isinstance(v, str) for v in values):
            raise bad('tags must be a list of {"key": ..., "values": [...]}')
        filters.append((item["key"], set(values)))
    return filters


def resource_instances(eng: Any, a: Mapping[str, Any]) -> Any:
    """resource_instances/action over the account's secrets: tag filters and a resource_name
    match (substring of the name); the page is cut by the encoder."""
    if a.get("action") not in ("filter", "count"):
        raise bad(f"action must be filter or count, got {a.get('action')!r}")
    search = None
    for match in a.get("matches") or ():
        if not isinstance(match, Mapping) or match.get("key") != "resource_name" or not isinstance(match.get("value"), str):
            raise bad('matches must be [{"key": "resource_name", "value": ...}]')
        search = match["value"] or None
    filters = tag_filters(a.get("tags"))
    return [s for s in all_secrets(eng, search)
            if all(any(t.key == k and (not values or t.value in values) for t in s.tags) for k, values in filters)]


def project_tags(eng: Any, _a: Mapping[str, Any]) -> Any:
    values: dict[str, set] = {}
    for secret in all_secrets(eng):
        for t in secret.tags:
            values.setdefault(t.key, set()).add(t.value)
    return values


def create_event(eng: Any, a: Mapping[str, Any]) -> Any:
    return eng.events.create_secret_event(a.get("name"), a.get("event_types"), state=a.get("state") or "ENABLED",
                                          notification=a.get("notification"))


def update_event(eng: Any, a: Mapping[str, Any]) -> Any:
    return eng.events.update_secret_event(a.get("event_name"), event_types=a.get("event_types"),
                                          state=a.get("state"), notification=a.get("notification"))


def notification_records(eng: Any, a: Mapping[str, Any]) -> Any:
    return eng.events.list_notification_records(limit=MAX_PAGE)
