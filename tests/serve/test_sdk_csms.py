"""The official CSMS SDK (huaweicloudsdkcsms v1) against `dewtui serve`: secrets, versions,
stages, secret tags (addressed by id), backup/restore, rotation, events and notification
records; refusals reach the SDK's exception with our code (flat CSMS error bodies)."""
from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkcsms.v1 import (BatchCreateOrDeleteTagsRequest, BatchCreateOrDeleteTagsRequestBody,
                                   CreateSecretEventRequest, CreateSecretEventRequestBody, CreateSecretRequest,
                                   CreateSecretRequestBody, CreateSecretTagRequest, CreateSecretTagRequestBody,
                                   CreateSecretVersionRequest, CreateSecretVersionRequestBody,
                                   DeleteSecretEventRequest, DeleteSecretForScheduleRequest,
                                   DeleteSecretForScheduleRequestBody, DeleteSecretRequest,
                                   DeleteSecretStageRequest, DeleteSecretTagRequest, DownloadSecretBlobRequest,
                                   ListNotificationRecordsRequest, ListSecretEventsRequest, ListSecretsRequest,
                                   ListSecretTagsRequest, ListSecretVersionsRequest, Notification,
                                   RestoreSecretRequest, RotateSecretRequest, ShowSecretEventRequest,
                                   ShowSecretRequest, ShowSecretStageRequest, ShowSecretVersionRequest, TagItem,
                                   UpdateSecretEventRequest, UpdateSecretEventRequestBody, UpdateSecretRequest,
                                   UpdateSecretRequestBody, UpdateSecretStageRequest, UpdateSecretStageRequestBody,
                                   UpdateVersionRequest, UpdateVersionRequestBody, UploadSecretBlobRequest,
                                   UploadSecretBlobRequestBody)


def refused(call) -> ClientRequestException:
    with pytest.raises(ClientRequestException) as info:
        call()
    return info.value


def create(client, name: str, **kw):
    return client.create_secret(CreateSecretRequest(body=CreateSecretRequestBody(name=name, **kw))).secret


def test_secret_lifecycle(sdk):
    c = sdk.csms()
    s = create(c, "db", secret_string="pw1", description="the database")
    assert (s.name, s.state, s.description, s.enterprise_project_id) == ("db", "ENABLED", "the database", "0")
    assert s.kms_key_id == sdk.eng.kms.get_default_key("csms").key_id and isinstance(s.create_time, int)
    shown = c.show_secret(ShowSecretRequest(secret_name="db")).secret
    assert shown.id == s.id
    updated = c.update_secret(UpdateSecretRequest(secret_name="db", body=UpdateSecretRequestBody(
        description="changed"))).secret
    assert updated.description == "changed"
    value = c.show_secret_version(ShowSecretVersionRequest(secret_name="db", version_id="latest")).version
    assert (value.secret_string, value.version_metadata.id, value.version_metadata.version_stages) == \
        ("pw1", "v1", ["SYSCURRENT"])
    pending = c.delete_secret_for_schedule(DeleteSecretForScheduleRequest(
        secret_name="db", body=DeleteSecretForScheduleRequestBody(recovery_window_in_days=7))).secret
    assert pending.state == "PENDING_DELETE" and pending.scheduled_delete_time
    frozen = refused(lambda: c.show_secret_version(ShowSecretVersionRequest(secret_name="db", version_id="latest")))
    assert frozen.error_code == "CSMS.0103"
    assert c.restore_secret(RestoreSecretRequest(secret_name="db")).secret.state == "ENABLED"
    c.delete_secret(DeleteSecretRequest(secret_name="db"))
    gone = refused(lambda: c.show_secret(ShowSecretRequest(secret_name="db")))
    assert (gone.status_code, gone.error_code) == (400, "CSMS.0106") and gone.request_id
    bad_name = refused(lambda: create(c, "no spaces", secret_string="x"))
    assert bad_name.error_code == "CSMS.0002"


def test_list_secrets_pages_with_markers(sdk):
    c = sdk.csms()
    for i in range(5):
        create(c, f"s{i}", secret_string="v")
    names, marker = [], None
    while True:
        page = c.list_secrets(ListSecretsRequest(limit="2", marker=marker))
        names += [s.name for s in page.secrets]
        assert page.page_info.current_count == len(page.secrets)
        marker = page.page_info.next_marker
        if not marker:
            break
        assert marker == page.secrets[-1].name  # the cloud's marker: the page's last secret name
    assert sorted(names) == [f"s{i}" for i in range(5)] and len(names) == 5
    unknown = refused(lambda: c.list_secrets(ListSecretsRequest(marker="no-such-secret")))
    assert unknown.error_code == "CSMS.0002"


def test_versions_stages_binary_and_expiry(sdk):
    c = sdk.csms()
    create(c, "app", secret_binary=base64.b64encode(b"\x00\x01binary").decode())
    value = c.show_secret_version(ShowSecretVersionRequest(secret_name="app", version_id="v1")).version
    assert base64.b64decode(value.secret_binary) == b"\x00\x01binary"
    expires = int((sdk.eng.now() + timedelta(days=1)).timestamp())
    v2 = c.create_secret_version(CreateSecretVersionRequest(secret_name="app", body=CreateSecretVersionRequestBody(
        secret_string="second", expire_time=expires))).version_metadata
    assert (v2.id, v2.version_stages, v2.expire_time) == ("v2", ["SYSCURRENT"], expires * 1000)
    c.create_secret_version(CreateSecretVersionRequest(secret_name="app", body=CreateSecretVersionRequestBody(
        secret_string="third", version_stages=["STAGED"])))
    first = c.list_secret_versions(ListSecretVersionsRequest(secret_name="app", limit=2))
    rest = c.list_secret_versions(ListSecretVersionsRequest(secret_name="app", limit=2,
                                                            marker=first.page_info.next_marker))
    ids = [v.id for v in first.version_metadatas + rest.version_metadatas]
    assert sorted(ids) == ["v1", "v2", "v3"] and rest.page_info.next_marker is None
    later = int((sdk.eng.now() + timedelta(days=2)).timestamp())
    assert c.update_version(UpdateVersionRequest(secret_name="app", version_id="v2", body=UpdateVersionRequestBody(
        expire_time=later))).version_metadata.expire_time == later * 1000
    stage = c.update_secret_stage(UpdateSecretStageRequest(secret_name="app", stage_name="blue",
                                                           body=UpdateSecretStageRequestBody(version_id="v1"))).stage
    assert (stage.name, stage.version_id, stage.secret_name) == ("blue", "v1", "app")
    assert c.show_secret_stage(ShowSecretStageRequest(secret_name="app", stage_name="STAGED")).stage.version_id == "v3"
    assert c.delete_secret_stage(DeleteSecretStageRequest(secret_name="app", stage_name="blue")).status_code == 204
    builtin = refused(lambda: c.delete_secret_stage(DeleteSecretStageRequest(secret_name="app",
                                                                             stage_name="SYSCURRENT")))
    assert builtin.error_code == "CSMS.0105"
    no_version = refused(lambda: c.show_secret_version(ShowSecretVersionRequest(secret_name="app", version_id="v9")))
    assert no_version.error_code == "CSMS.0005"


def test_secret_tags_by_id(sdk):
    c = sdk.csms()
    sid = create(c, "tagged", secret_string="v").id
    assert c.create_secret_tag(CreateSecretTagRequest(secret_id=sid, body=CreateSecretTagRequestBody(
        tag=TagItem(key="env", value="prod")))).status_code == 204
    c.batch_create_or_delete_tags(BatchCreateOrDeleteTagsRequest(secret_id=sid, body=BatchCreateOrDeleteTagsRequestBody(
        tags=[TagItem(key="team", value="a"), TagItem(key="x", value="y")], action="create")))
    c.delete_secret_tag(DeleteSecretTagRequest(secret_id=sid, key="x"))
    # a key that must be escaped in the path (and so in the signature's canonical URI)
    c.create_secret_tag(CreateSecretTagRequest(secret_id=sid, body=CreateSecretTagRequestBody(
        tag=TagItem(key="环境 a-b@c", value="v"))))
    assert c.delete_secret_tag(DeleteSecretTagRequest(secret_id=sid, key="环境 a-b@c")).status_code == 204
    tags = c.list_secret_tags(ListSecretTagsRequest(secret_id=sid)).tags
    assert {(t.key, t.value) for t in tags} == {("env", "prod"), ("team", "a")}
    unknown = refused(lambda: c.list_secret_tags(ListSecretTagsRequest(secret_id="00000000-0000-0000-0000-000000000000")))
    assert unknown.error_code == "CSMS.0106"


def test_backup_restore_and_rotation(sdk):
    c = sdk.csms()
    create(c, "kept", secret_string="v1")
    blob = c.download_secret_blob(DownloadSecretBlobRequest(secret_name="kept")).secret_blob
    c.delete_secret(DeleteSecretRequest(secret_name="kept"))
    restored = c.upload_secret_blob(UploadSecretBlobRequest(body=UploadSecretBlobRequestBody(secret_blob=blob)))
    assert restored.secret.name == "kept"
    again = refused(lambda: c.upload_secret_blob(UploadSecretBlobRequest(body=UploadSecretBlobRequestBody(
        secret_blob=blob))))
    assert again.error_code == "CSMS.0002"
    on = c.update_secret(UpdateSecretRequest(secret_name="kept", body=UpdateSecretRequestBody(
        auto_rotation=True, rotation_period="30d"))).secret
    assert (on.auto_rotation, on.rotation_period) == (True, "30d") and on.next_rotation_time
    longer = c.update_secret(UpdateSecretRequest(secret_name="kept", body=UpdateSecretRequestBody(
        rotation_period="60d"))).secret
    assert (longer.auto_rotation, longer.rotation_period) == (True, "60d")
    auto = create(c, "auto", secret_string="v", auto_rotation=True, rotation_period="12h")
    assert (auto.auto_rotation, auto.rotation_period) == (True, "12h")
    rotated = c.rotate_secret(RotateSecretRequest(secret_name="kept"))
    assert (rotated.secret_name, rotated.version_id) == ("kept", "v2")
    current = c.show_secret_version(ShowSecretVersionRequest(secret_name="kept", version_id="latest")).version
    assert current.version_metadata.id == "v2" and current.secret_string != "v1"


def test_events_and_notification_records(sdk):
    c = sdk.csms()
    sdk.eng.events.create_topic("ops")
    target = Notification(target_type="SMN", target_id="ops", target_name="ops")
    ev = c.create_secret_event(CreateSecretEventRequest(body=CreateSecretEventRequestBody(
        name="on-change", event_types=["SECRET_VERSION_CREATED"], state="ENABLED", notification=target))).event
    assert (ev.name, ev.state, ev.event_types, ev.notification.target_name) == \
        ("on-change", "ENABLED", ["SECRET_VERSION_CREATED"], "ops")
    for name in ("e1", "e2"):
        c.create_secret_event(CreateSecretEventRequest(body=CreateSecretEventRequestBody(
            name=name, event_types=["SECRET_DELETED"], state="DISABLED", notification=target)))
    first = c.list_secret_events(ListSecretEventsRequest(limit="2"))
    rest = c.list_secret_events(ListSecretEventsRequest(limit="2", marker=first.page_info.next_marker))
    assert sorted(e.name for e in first.events + rest.events) == ["e1", "e2", "on-change"]
    assert c.show_secret_event(ShowSecretEventRequest(event_name="on-change")).event.event_id == ev.event_id
    updated = c.update_secret_event(UpdateSecretEventRequest(event_name="e1", body=UpdateSecretEventRequestBody(
        state="ENABLED"))).event
    assert updated.state == "ENABLED"
    create(c, "watched", secret_string="v1", event_subscriptions=["on-change"])
    c.create_secret_version(CreateSecretVersionRequest(secret_name="watched", body=CreateSecretVersionRequestBody(
        secret_string="v2")))
    records = c.list_notification_records(ListNotificationRecordsRequest()).records
    assert [(r.event_name, r.secret_name) for r in records][:1] == [("on-change", "watched")]
    in_use = refused(lambda: c.delete_secret_event(DeleteSecretEventRequest(event_name="on-change")))
    assert in_use.error_code == "CSMS.0003"
    c.delete_secret_event(DeleteSecretEventRequest(event_name="e2"))
    gone = refused(lambda: c.show_secret_event(ShowSecretEventRequest(event_name="e2")))
    assert gone.error_code == "CSMS.0005"


def test_find_secrets_by_tags_and_list_the_accounts_tags(sdk):
    from huaweicloudsdkcsms.v1 import (ListProjectSecretsTagsRequest, ListResourceInstancesRequest,
                                       ListResourceInstancesRequestBody, Tag, TagItem as Match)
    c = sdk.csms()
    for name, env in (("web-a", "prod"), ("web-b", "test"), ("db", "prod"), ("plain", None)):
        sid = create(c, name, secret_string="v").id
        if env:
            c.create_secret_tag(CreateSecretTagRequest(secret_id=sid, body=CreateSecretTagRequestBody(
                tag=TagItem(key="env", value=env))))

    def find(action="filter", **kw):
        return c.list_resource_instances(ListResourceInstancesRequest(
            resource_instances="resource_instances", body=ListResourceInstancesRequestBody(action=action, **kw)))
    prod = find(tags=[Tag(key="env", values=["prod"])])
    assert sorted(r.resource_name for r in prod.resources) == ["db", "web-a"] and prod.total_count == 2
    assert all(r.resource_detail.id == r.resource_id for r in prod.resources)
    either = find(tags=[Tag(key="env", values=["prod", "test"])], matches=[Match(key="resource_name", value="web")])
    assert sorted(r.resource_name for r in either.resources) == ["web-a", "web-b"]
    assert find(action="count", tags=[Tag(key="env", values=[])]).total_count == 3
    page = find(limit="1", offset="3")
    assert (len(page.resources), page.total_count) == (1, 4)
    assert refused(lambda: find(action="sum")).error_code == "CSMS.0002"
    tags = c.list_project_secrets_tags(ListProjectSecretsTagsRequest()).tags
    assert [(t.key, t.values) for t in tags] == [("env", ["prod", "test"])]
