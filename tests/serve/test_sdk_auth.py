"""Authentication is real: every request needs an SDK-HMAC-SHA256 signature from an active
access key of the path's project; each refusal answers the gateway's code and writes
nothing. An authenticated request runs as the key's owner: IAM applies and the trail names
the user, the `api` source and the client's address."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkcsms.v1 import ListSecretsRequest
from huaweicloudsdkkms.v2 import CreateKeyRequest, CreateKeyRequestBody, ListKeysRequest, ListKeysRequestBody
from sqlmodel import select

from engine.models.core import AuditTrace


def create_key(client, alias: str = "k"):
    return client.create_key(CreateKeyRequest(body=CreateKeyRequestBody(key_alias=alias)))


def assert_nothing_written(sdk, call, code: str, status: int) -> None:
    before = sdk.traces()
    with pytest.raises(ClientRequestException) as info:
        call()
    assert (info.value.status_code, info.value.error_code) == (status, code)
    assert info.value.request_id
    assert sdk.traces() == before
    assert sdk.eng.kms.list_keys(key_spec="ALL").total == 0


def test_a_signed_request_runs_as_the_key_owner_with_source_and_address(sdk):
    create_key(sdk.kms(), "mine")
    with sdk.eng.context.db.session(write=False) as s:
        row = s.exec(select(AuditTrace).where(AuditTrace.trace_name == "createKey")).one()
    assert (row.user, row.source, row.source_ip) == ("admin", "api", "127.0.0.1")


def test_wrong_secret_key_is_refused(sdk):
    assert_nothing_written(sdk, lambda: create_key(sdk.kms(sk="x" * 40)), "APIGW.0301", 401)


def test_unknown_access_key_is_refused(sdk):
    assert_nothing_written(sdk, lambda: create_key(sdk.kms(ak="A" * 20)), "APIGW.0301", 401)


def test_inactive_access_key_is_refused(sdk):
    sdk.eng.iam.update_access_key(sdk.ak, "inactive")
    assert_nothing_written(sdk, lambda: create_key(sdk.kms()), "APIGW.0301", 401)


def test_stale_date_is_refused(sdk, real_clock):
    real_clock.advance(timedelta(minutes=16))  # the server's clock runs ahead of the SDK's date
    assert_nothing_written(sdk, lambda: create_key(sdk.kms()), "APIGW.0301", 401)


def test_another_project_id_is_refused(sdk):
    assert_nothing_written(sdk, lambda: create_key(sdk.kms(project_id="0" * 32)), "APIGW.0302", 403)


def test_csms_refusals_are_the_gateway_codes_too(sdk):
    before = sdk.traces()
    with pytest.raises(ClientRequestException) as info:
        sdk.csms(sk="y" * 40).list_secrets(ListSecretsRequest())
    assert (info.value.status_code, info.value.error_code) == (401, "APIGW.0301")
    assert sdk.traces() == before


def test_tampered_body_is_refused(sdk, raw):
    signed = json.dumps({"key_alias": "honest"}).encode()
    reply = raw("POST", "/v1.0/{project_id}/kms/create-key", body=json.dumps({"key_alias": "evil"}).encode(),
                sign_body=signed)
    assert (reply.status, reply.json()["error_code"]) == (401, "APIGW.0301")
    assert reply.headers["x-request-id"]
    assert sdk.eng.kms.list_keys(key_spec="ALL").total == 0
    honest = raw("POST", "/v1.0/{project_id}/kms/create-key", body=signed)
    assert honest.status == 200 and honest.json()["key_info"]["key_id"]


def test_unsigned_payload_is_not_honoured(sdk, raw):
    # the SDK's UNSIGNED-PAYLOAD marker would leave the body unsigned: the server hashes the body anyway
    body = json.dumps({"key_alias": "x"}).encode()
    reply = raw("POST", "/v1.0/{project_id}/kms/create-key", body=body, sign_body=body,
                headers={"Content-Type": "text/plain"})
    assert (reply.status, reply.json()["error_code"]) == (401, "APIGW.0301")
    assert sdk.eng.kms.list_keys(key_spec="ALL").total == 0


def test_missing_authorization_is_refused(sdk, raw):
    before = sdk.traces()
    reply = raw("POST", "/v1.0/{project_id}/kms/create-key", body=b'{"key_alias": "x"}', sign=False)
    assert (reply.status, reply.json()["error_code"]) == (401, "APIGW.0301")
    assert sdk.traces() == before


def test_signed_query_string_is_checked(sdk, raw):
    ok = raw("GET", "/v1/{project_id}/secrets", query=(("limit", "5"),))
    assert ok.status == 200 and ok.json()["secrets"] == []


def test_a_user_without_policies_is_refused_and_audited_as_that_user(sdk):
    sdk.eng.iam.create_user("carol")
    key = sdk.eng.as_user("carol").iam.create_access_key(user_name="carol")
    carol = sdk.kms(ak=key.access, sk=key.secret)
    with pytest.raises(ClientRequestException) as info:
        create_key(carol, "carols")
    assert (info.value.status_code, info.value.error_code) == (403, "KMS.0306")
    with pytest.raises(ClientRequestException) as listing:
        carol.list_keys(ListKeysRequest(body=ListKeysRequestBody()))
    assert listing.value.error_code == "KMS.0306"
    refusals = sdk.eng.audit.list_traces(user="carol", trace_name="createKey")
    assert [(t.user, t.source, t.code) for t in refusals] == [("carol", "api", "KMS.0306")]
    assert sdk.eng.kms.list_keys(key_spec="ALL").total == 0


def test_a_grant_lets_a_user_without_policies_use_a_key_through_the_api(sdk):
    from huaweicloudsdkkms.v2 import (CreateGrantRequest, CreateGrantRequestBody, DecryptDataRequest,
                                      DecryptDataRequestBody, EncryptDataRequest, EncryptDataRequestBody)
    admin = sdk.kms()
    kid = create_key(admin, "shared").key_info.key_id
    sdk.eng.iam.create_user("dave")
    dave_id = next(u.user_id for u in sdk.eng.iam.list_users() if u.name == "dave")
    admin.create_grant(CreateGrantRequest(body=CreateGrantRequestBody(
        key_id=kid, grantee_principal=dave_id, operations=["encrypt-data"])))
    key = sdk.eng.as_user("dave").iam.create_access_key(user_name="dave")
    dave = sdk.kms(ak=key.access, sk=key.secret)
    sealed = dave.encrypt_data(EncryptDataRequest(body=EncryptDataRequestBody(key_id=kid, plain_text="hi")))
    with pytest.raises(ClientRequestException) as info:
        dave.decrypt_data(DecryptDataRequest(body=DecryptDataRequestBody(cipher_text=sealed.cipher_text)))
    assert (info.value.status_code, info.value.error_code) == (403, "KMS.0306")
    used = sdk.eng.audit.list_traces(user="dave", trace_name="encryptData")
    assert [(t.source, t.code) for t in used] == [("api", "200")]
