"""The CSMS operations of the table: secrets, versions, stages, secret tags, events and the
resource_instances and project-tags reads, with their encoders.

Paths and fields follow the official SDK (huaweicloudsdkcsms v1): secrets are addressed by
name, secret tags by the secret's id. Where the wire and the engine differ the entry's call
is in `csms_calls`; lists the engine returns whole are paged here by the cloud's markers
(a version id, an event name).
"""
from __future__ import annotations

from typing import Any, Mapping

from engine.operations import wire
from engine.operations.csms_calls import (MAX_PAGE, after_marker, bad, batch_secret_tags, create_event,
                                          create_secret, list_secrets, notification_records, on_tagged_secret,
                                          project_tags, resource_instances, update_event, update_secret)
from engine.operations.model import BOOL, EPOCH, INT, LIST, OBJECT, OBJECTS, PATH, QUERY, Field, Operation

S = "/v1/{project_id}/secrets"
C = "/v1/{project_id}/csms"
NAME = Field("secret_name", where=PATH, required=True, arg="name", help="the secret's name")
SECRET_ID = Field("secret_id", where=PATH, required=True, arg="", help="the secret's id")
LIMIT = Field("limit", INT, QUERY, arg="", help="page size (default 50)")
MARKER = Field("marker", where=QUERY, arg="", help="where the page starts: next_marker of the previous page")
EVENT_TYPES = ("SECRET_VERSION_CREATED", "SECRET_VERSION_EXPIRED", "SECRET_ROTATED", "SECRET_DELETED",
               "SECRET_ROTATED_FAILED")


def op(name: str, method: str, path: str, engine: str, fields: tuple[Field, ...], encode: Any,
       action: str, trace: str, sdk: str, help: str, *, status: int = 200, call: Any = None) -> Operation:
    return Operation(name=name, service="csms", method=method, paths=(path,), engine=engine,
                     fields=fields, encode=encode, action=action, trace=trace, sdk=sdk, help=help,
                     status=status, call=call)


def empty(_result: Any, _args: Mapping[str, Any]) -> None:
    return None


# --- encoders ---------------------------------------------------------------------------
def enc_secret(s: Any, _a: Mapping[str, Any]) -> dict:
    return {"secret": wire.secret(s)}


def enc_secrets(r: Any, _a: Mapping[str, Any]) -> dict:
    more = r.offset + len(r.secrets) < r.total
    info = wire.page_info(list(r.secrets), r.secrets[-1].name if more and r.secrets else None,
                          r.secrets[0].name if r.offset and r.secrets else None)
    return {"secrets": [wire.secret(s) for s in r.secrets], "page_info": info}


def enc_instances(secrets: list, a: Mapping[str, Any]) -> dict:
    if a.get("action") == "count":
        return {"total_count": len(secrets)}
    limit, offset = a.get("limit"), a.get("offset")
    limit = 10 if limit in (None, "") else limit
    offset = 0 if offset in (None, "") else offset
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE:
        raise bad(f"limit must be 1-{MAX_PAGE}, got {limit!r}")
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise bad(f"offset must be 0 or more, got {offset!r}")
    return {"resources": [{"resource_id": s.id, "resource_detail": wire.secret(s), "resource_name": s.name,
                           "tags": wire.tags(s.tags), "sys_tags": []} for s in secrets[offset:offset + limit]],
            "total_count": len(secrets)}


def enc_versions(versions: list, a: Mapping[str, Any]) -> dict:
    chunk, info = after_marker(list(versions), lambda v: v.id, a)
    return {"version_metadatas": [wire.version_metadata(v) for v in chunk], "page_info": info}


def enc_version_value(v: Any, _a: Mapping[str, Any]) -> dict:
    body: dict[str, Any] = {"version_metadata": wire.version_metadata(v.version_metadata)}
    if v.secret_binary is not None:
        body["secret_binary"] = wire.b64(v.secret_binary)
    else:
        body["secret_string"] = v.secret_string
    return {"version": body}


def enc_events(events: list, a: Mapping[str, Any]) -> dict:
    chunk, info = after_marker(list(events), lambda e: e.name, a)
    return {"events": [wire.event(e) for e in chunk], "page_info": info}


def enc_records(records: list, _a: Mapping[str, Any]) -> dict:
    return {"records": [wire.record(r) for r in records], "page_info": wire.page_info(records, None)}


SECRET_VALUE = (Field("secret_string", secret=True, binary=True, help="the secret value as text"),
                Field("secret_binary", secret=True, binary=True, help="the secret value, base64"))
NOTIFICATION = Field("notification", OBJECT, help='{"target_type", "target_id", "target_name"}: the topic notified')

OPERATIONS: tuple[Operation, ...] = (
    op("create-secret", "POST", S, "csms.create_secret",
       (Field("name", required=True, help="the secret's name, 1-64 of letters, digits, _ and -"),
        *SECRET_VALUE, Field("kms_key_id", help="the key sealing the values (default csms/default)"),
        Field("description", help="description, up to 2048 bytes"),
        Field("secret_type", choices=("COMMON",), help="COMMON"),
        Field("auto_rotation", BOOL, help="rotate on a schedule"),
        Field("rotation_period", help="how often, e.g. 30d or 12h (6h-8760h)"),
        Field("rotation_config", arg=""), Field("rotation_func_urn", arg=""),
        Field("event_subscriptions", LIST, help="the event notified (at most one)"),
        Field("enterprise_project_id", help="enterprise project (\"0\" is the default one)")),
       enc_secret, "csms:secret:create", "createSecret", "create_secret", "Create a secret and its first version.",
       call=create_secret),
    op("list-secrets", "GET", S, "csms.list_secrets",
       (LIMIT, MARKER, Field("event_name", where=QUERY, help="only secrets subscribed to this event")),
       enc_secrets, "csms:secret:list", "listSecrets", "list_secrets", "List the account's secrets, newest first.",
       call=list_secrets),
    op("show-secret", "GET", S + "/{secret_name}", "csms.show_secret", (NAME,), enc_secret,
       "csms:secret:get", "showSecret", "show_secret", "Show a secret's metadata."),
    op("update-secret", "PUT", S + "/{secret_name}", "csms.update_secret",
       (NAME, Field("kms_key_id", help="the key for new versions"), Field("description", help="description"),
        Field("auto_rotation", BOOL, help="rotate on a schedule"), Field("rotation_period", help="e.g. 30d"),
        Field("event_subscriptions", LIST, help="the event notified (at most one)"),
        Field("rotation_func_urn", arg="")),
       enc_secret, "csms:secret:update", "updateSecret", "update_secret", "Change a secret's metadata.",
       call=update_secret),
    op("delete-secret", "DELETE", S + "/{secret_name}", "csms.delete_secret", (NAME,), empty,
       "csms:secret:delete", "forceDeleteSecret", "delete_secret", "Delete a secret now (final)."),
    op("delete-secret-for-schedule", "POST", S + "/{secret_name}/scheduled-deleted-tasks/create",
       "csms.schedule_secret_deletion",
       (NAME, Field("recovery_window_in_days", INT, required=True, help="days until deletion, 7-30")),
       enc_secret, "csms:secret:delete", "scheduleDelSecret", "delete_secret_for_schedule",
       "Schedule a secret's deletion."),
    op("restore-secret", "POST", S + "/{secret_name}/scheduled-deleted-tasks/cancel", "csms.restore_secret",
       (NAME,), enc_secret, "csms:secret:delete", "restoreSecretFromDeletedStatus", "restore_secret",
       "Cancel a secret's scheduled deletion."),
    op("download-secret-blob", "POST", S + "/{secret_name}/backup", "csms.download_secret_blob", (NAME,),
       lambda blob, a: {"secret_blob": blob}, "csms:secret:backup", "backupSecret", "download_secret_blob",
       "Back a secret up as an opaque blob."),
    op("upload-secret-blob", "POST", S + "/restore", "csms.upload_secret_blob",
       (Field("secret_blob", required=True, binary=True, help="a blob from download-secret-blob"),),
       enc_secret, "csms:secret:restore", "restoreSecretFromBackupBlob", "upload_secret_blob",
       "Restore a secret from its backup blob."),
    op("rotate-secret", "POST", S + "/{secret_name}/rotate", "csms.rotate_secret", (NAME,),
       lambda r, a: {"version_id": r.version_id, "secret_name": r.secret_name, "rotation_task_id": ""},
       "csms:secret:rotate", "rotateSecret", "rotate_secret", "Rotate a secret now: a new generated version."),
    op("create-secret-version", "POST", S + "/{secret_name}/versions", "csms.create_secret_version",
       (NAME, *SECRET_VALUE, Field("version_stages", LIST, help="stages of the new version (default SYSCURRENT)"),
        Field("expire_time", EPOCH, help="when the version expires, epoch seconds")),
       lambda v, a: {"version_metadata": wire.version_metadata(v)}, "csms:secret:createVersion",
       "createSecretVersion", "create_secret_version", "Add a version to a secret."),
    op("list-secret-versions", "GET", S + "/{secret_name}/versions", "csms.list_secret_versions",
       (NAME, MARKER, Field("limit", INT, QUERY, arg="", help="page size (default 50)")), enc_versions,
       "csms:secret:listVersion", "listSecretVersions", "list_secret_versions", "List a secret's versions."),
    op("show-secret-version", "GET", S + "/{secret_name}/versions/{version_id}", "csms.show_secret_version",
       (NAME, Field("version_id", where=PATH, required=True, help="a version id, or latest")),
       enc_version_value, "csms:secret:getVersion", "showSecretVersion", "show_secret_version",
       "Show a version and its value."),
    op("update-version", "PUT", S + "/{secret_name}/versions/{version_id}", "csms.update_version",
       (NAME, Field("version_id", where=PATH, required=True, help="the version id"),
        Field("expire_time", EPOCH, required=True, help="when the version expires, epoch seconds")),
       lambda v, a: {"version_metadata": wire.version_metadata(v)}, "csms:secret:updateVersion",
       "updateSecretVersion", "update_version", "Change when a version expires."),
    op("update-secret-stage", "PUT", S + "/{secret_name}/stages/{stage_name}", "csms.update_secret_stage",
       (NAME, Field("stage_name", where=PATH, required=True, help="the stage's name"),
        Field("version_id", required=True, help="the version the stage labels")),
       lambda st, a: wire.stage(st), "csms:secret:updateStage", "updateSecretStage", "update_secret_stage",
       "Point a stage at a version (creating the stage)."),
    op("show-secret-stage", "GET", S + "/{secret_name}/stages/{stage_name}", "csms.show_secret_stage",
       (NAME, Field("stage_name", where=PATH, required=True, help="the stage's name")),
       lambda st, a: wire.stage(st), "csms:secret:getStage", "showSecretStage", "show_secret_stage",
       "Show which version a stage labels."),
    op("delete-secret-stage", "DELETE", S + "/{secret_name}/stages/{stage_name}", "csms.delete_secret_stage",
       (NAME, Field("stage_name", where=PATH, required=True, help="the stage's name")), empty,
       "csms:secret:deleteStage", "deleteSecretStage", "delete_secret_stage", "Delete a custom stage.",
       status=204),
    op("create-secret-tag", "POST", C + "/{secret_id}/tags", "csms.create_secret_tag",
       (SECRET_ID, Field("tag", OBJECT, required=True, help='the tag, {"key": ..., "value": ...}')),
       empty, "csms:secret:createTag", "createSecretTag", "create_secret_tag", "Add a tag to a secret.",
       status=204, call=on_tagged_secret("create_secret_tag")),
    op("delete-secret-tag", "DELETE", C + "/{secret_id}/tags/{key}", "csms.delete_secret_tag",
       (SECRET_ID, Field("key", where=PATH, required=True, help="the tag key")), empty,
       "csms:secret:deleteTag", "deleteSecretTag", "delete_secret_tag", "Remove a tag from a secret.",
       status=204, call=on_tagged_secret("delete_secret_tag")),
    op("batch-create-or-delete-tags", "POST", C + "/{secret_id}/tags/action", "csms.create_secret_tag",
       (SECRET_ID, Field("tags", OBJECTS, required=True, help='tags, [{"key": ..., "value": ...}]'),
        Field("action", required=True, choices=("create", "delete"), help="add or remove the tags"),
        Field("sequence", arg="")),
       empty, "csms:secret:createTag", "createSecretTag", "batch_create_or_delete_tags",
       "Add or remove several tags of a secret.", status=204, call=batch_secret_tags),
    op("list-secret-tags", "GET", C + "/{secret_id}/tags", "csms.list_secret_tags", (SECRET_ID,),
       lambda t, a: {"tags": wire.tags(t), "sys_tags": []}, "csms:secret:listTags", "listSecretTags",
       "list_secret_tags", "List a secret's tags.", call=on_tagged_secret("list_secret_tags")),
    op("list-resource-instances", "POST", C + "/resource_instances/action", "csms.list_secrets",
       (Field("action", required=True, choices=("filter", "count"), help="list the secrets, or count them"),
        Field("limit", INT, help="page size, 1-1000 (default 10)"), Field("offset", INT, help="where the page starts"),
        Field("tags", OBJECTS, help='[{"key": ..., "values": [...]}]: every key, any of its values'),
        Field("matches", OBJECTS, help='[{"key": "resource_name", "value": ...}]: name contains'),
        Field("sequence", arg="")),
       enc_instances, "csms:secret:list", "listSecrets", "list_resource_instances",
       "Find secrets by tags and name.", call=resource_instances),
    op("list-project-secrets-tags", "GET", C + "/tags", "csms.list_secrets", (),
       lambda values, a: {"tags": [{"key": k, "values": sorted(v)} for k, v in sorted(values.items())]},
       "csms:secret:list", "listSecrets", "list_project_secrets_tags",
       "Every tag key on the account's secrets, with its values.", call=project_tags),
    op("create-secret-event", "POST", C + "/events", "events.create_secret_event",
       (Field("name", required=True, help="the event's name"),
        Field("event_types", LIST, required=True, choices=EVENT_TYPES, help="what triggers it (1-12)"),
        Field("state", required=True, choices=("ENABLED", "DISABLED"), help="ENABLED or DISABLED"),
        NOTIFICATION),
       lambda e, a: {"event": wire.event(e)}, "csms:event:create", "createSecretEvent", "create_secret_event",
       "Create an event that notifies a topic.", call=create_event),
    op("list-secret-events", "GET", C + "/events", "events.list_secret_events", (LIMIT, MARKER), enc_events,
       "csms:event:list", "listSecretEvents", "list_secret_events", "List the account's events."),
    op("show-secret-event", "GET", C + "/events/{event_name}", "events.show_secret_event",
       (Field("event_name", where=PATH, required=True, arg="name", help="the event's name"),),
       lambda e, a: {"event": wire.event(e)}, "csms:event:get", "showSecretEvent", "show_secret_event",
       "Show an event."),
    op("update-secret-event", "PUT", C + "/events/{event_name}", "events.update_secret_event",
       (Field("event_name", where=PATH, required=True, arg="name", help="the event's name"),
        Field("event_types", LIST, choices=EVENT_TYPES, help="what triggers it"),
        Field("state", choices=("ENABLED", "DISABLED"), help="ENABLED or DISABLED"), NOTIFICATION),
       lambda e, a: {"event": wire.event(e)}, "csms:event:update", "updateSecretEvent", "update_secret_event",
       "Change an event.", call=update_event),
    op("delete-secret-event", "DELETE", C + "/events/{event_name}", "events.delete_secret_event",
       (Field("event_name", where=PATH, required=True, arg="name", help="the event's name"),), empty,
       "csms:event:delete", "deleteSecretEvent", "delete_secret_event", "Delete an event no secret uses."),
    op("list-notification-records", "GET", C + "/notification-records", "events.list_notification_records", (),
       enc_records, "csms:event:list", "listNotificationRecords", "list_notification_records",
       "The notifications events have sent.", call=notification_records),
)
