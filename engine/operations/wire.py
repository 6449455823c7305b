"""Encoders from the engine's frozen results to the cloud's response bodies.

The cloud's quirks live here, once: KMS sends numbers and booleans as strings
(`"key_state": "2"`, `"truncated": "false"`), times as millisecond epoch strings, the default
enterprise project as `"0"`; CSMS sends times as integers (milliseconds, as in the cloud's
examples). Binary values are base64; data keys hex, as the cloud sends them.
"""
from __future__ import annotations

import base64
from datetime import datetime, timezone
from typing import Any

DEFAULT_PROJECT = "default"  # the engine's name for the cloud's enterprise project "0"


def ms(when: datetime | None) -> int | None:
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return int(when.timestamp() * 1000)


def ms_text(when: datetime | None) -> str:
    value = ms(when)
    return "" if value is None else str(value)


def seconds(when: datetime | None) -> int | None:
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return int(when.timestamp())


def flag(value: bool) -> str:
    return "true" if value else "false"


def wire_project(project: str) -> str:
    return "0" if project == DEFAULT_PROJECT else project


def engine_project(project: Any) -> Any:
    return DEFAULT_PROJECT if project == "0" else project


def b64(data: bytes | None) -> str | None:
    return None if data is None else base64.b64encode(data).decode("ascii")


# --- KMS ------------------------------------------------------------------------------
def key_details(k: Any) -> dict[str, Any]:
    """The cloud's `KeyDetails`: every value a string."""
    return {
        "key_id": k.key_id, "domain_id": k.domain_id, "key_alias": k.key_alias, "realm": "",
        "key_spec": k.key_spec, "key_usage": k.key_usage, "key_description": k.key_description,
        "creation_date": ms_text(k.creation_date),
        "scheduled_deletion_date": ms_text(k.scheduled_deletion_date),
        "key_state": str(k.key_state.value if hasattr(k.key_state, "value") else k.key_state),
        "default_key_flag": "1" if k.default_key_flag else "0",
        "key_type": "1" if k.key_spec in ("AES_256", "SM4") or k.key_spec.startswith("HMAC") else "2",
        "expiration_time": ms_text(k.expiration_time), "origin": k.origin,
        "key_rotation_enabled": flag(k.key_rotation_enabled),
        "sys_enterprise_project_id": wire_project(k.enterprise_project_id),
        "keystore_id": "0", "partition_type": "1",
    }


def key_state_info(k: Any) -> dict[str, Any]:
    return {"key_info": {"key_id": k.key_id, "key_state": str(k.key_state.value)}}


def grant(g: Any) -> dict[str, Any]:
    return {"key_id": g.key_id, "grant_id": g.grant_id, "grantee_principal": g.grantee_principal,
            "grantee_principal_type": g.grantee_principal_type, "operations": list(g.operations),
            "issuing_principal": g.issuing_principal, "creation_date": ms_text(g.creation_date),
            "name": g.name or "", "retiring_principal": g.retiring_principal or ""}


def tags(items: Any) -> list[dict[str, str]]:
    return [{"key": t.key, "value": t.value} for t in items]


# --- CSMS -----------------------------------------------------------------------------
def secret(s: Any) -> dict[str, Any]:
    """The cloud's `Secret` object."""
    return {
        "id": s.id, "name": s.name, "state": s.state, "kms_key_id": s.kms_key_id,
        "description": s.description, "create_time": ms(s.create_time), "update_time": ms(s.update_time),
        "scheduled_delete_time": ms(s.scheduled_delete_time), "secret_type": s.secret_type,
        "auto_rotation": bool(s.auto_rotation), "rotation_period": s.rotation_period or "",
        "rotation_config": "", "rotation_time": ms(s.rotation_time),
        "next_rotation_time": ms(s.next_rotation_time),
        "event_subscriptions": list(s.event_subscriptions),
        "enterprise_project_id": wire_project(s.enterprise_project_id), "rotation_func_urn": "",
    }


def version_metadata(v: Any) -> dict[str, Any]:
    return {"id": v.id, "create_time": ms(v.create_time), "expire_time": ms(v.expire_time),
            "kms_key_id": v.kms_key_id, "secret_name": v.secret_name,
            "version_stages": list(v.version_stages)}


def stage(st: Any) -> dict[str, Any]:
    return {"stage": {"name": st.name, "update_time": ms(st.update_time),
                      "secret_name": st.secret_name, "version_id": st.version_id}}


def event(e: Any) -> dict[str, Any]:
    n = e.notification
    return {"name": e.name, "event_id": e.event_id, "event_types": list(e.event_types),
            "state": e.state, "create_time": ms(e.create_time), "update_time": ms(e.update_time),
            "notification": {"target_type": n.target_type, "target_id": n.target_id,
                             "target_name": n.target_name}}


def record(r: Any) -> dict[str, Any]:
    return {"event_name": r.event_name, "trigger_event_type": r.trigger_event_type,
            "create_time": ms(r.create_time), "secret_name": r.secret_name,
            "secret_type": r.secret_type, "notification_target_name": r.notification_target_name,
            "notification_target_id": r.notification_target_id,
            "notification_content": r.notification_content,
            "notification_status": r.notification_status}


def page_info(items: list, next_marker: str | None, previous_marker: str | None = None) -> dict[str, Any]:
    return {"next_marker": next_marker, "previous_marker": previous_marker, "current_count": len(items)}
