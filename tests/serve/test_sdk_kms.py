"""The official KMS SDK (huaweicloudsdkkms v2) against `dewtui serve`: every KMS operation the
engine has, through the SDK's own request models, signing and response parsing; refusals
reach the SDK's exception with our code."""
from __future__ import annotations

import base64
import hashlib
import subprocess
from pathlib import Path

import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkkms.v2 import (BatchCreateKmsTagsRequest, BatchCreateKmsTagsRequestBody, CancelGrantRequest,
                                  CancelKeyDeletionRequest, CancelSelfGrantRequest, CreateDatakeyRequest,
                                  CreateDatakeyRequestBody, CreateDatakeyWithoutPlaintextRequest,
                                  CreateGrantRequest, CreateGrantRequestBody, CreateKeyRequest,
                                  CreateKeyRequestBody, CreateKmsTagRequest, CreateKmsTagRequestBody,
                                  CreateParametersForImportRequest, CreateRandomRequest, DecryptDataRequest,
                                  DecryptDataRequestBody, DecryptDatakeyRequest, DecryptDatakeyRequestBody,
                                  DeleteImportedKeyMaterialRequest, DeleteKeyRequest, DeleteTagRequest,
                                  DisableKeyRequest, DisableKeyRotationRequest, EnableKeyRequest,
                                  EnableKeyRotationRequest, EncryptDataRequest, EncryptDataRequestBody,
                                  EncryptDatakeyRequest, EncryptDatakeyRequestBody, GenerateMacRequest,
                                  GenerateMacRequestBody, GenRandomRequestBody, GetParametersForImportRequestBody,
                                  ImportKeyMaterialRequest, ImportKeyMaterialRequestBody, ListGrantsRequest,
                                  ListGrantsRequestBody, ListKeyDetailRequest, ListKeysRequest,
                                  ListKeysRequestBody, ListKmsTagsRequest, ListRetirableGrantsRequest,
                                  ListRetirableGrantsRequestBody, OperateKeyRequestBody, RevokeGrantRequestBody,
                                  RotateOnDemandRequest, RotateOnDemandRequestBody, ScheduleKeyDeletionRequestBody,
                                  ShowKeyRotationStatusRequest, ShowKmsTagsRequest, ShowPublicKeyRequest,
                                  ShowUserInstancesRequest, ShowUserQuotasRequest, SignRequest, SignRequestBody,
                                  TagItem, UpdateKeyAliasRequest, UpdateKeyAliasRequestBody,
                                  UpdateKeyDescriptionRequest, UpdateKeyDescriptionRequestBody,
                                  UpdateKeyRotationIntervalRequest, UpdateKeyRotationIntervalRequestBody,
                                  ValidateSignatureRequest, VerifyMacRequest, VerifyMacRequestBody,
                                  VerifyRequestBody)


def refused(call) -> ClientRequestException:
    with pytest.raises(ClientRequestException) as info:
        call()
    return info.value


def create(client, alias: str, **kw) -> str:
    return client.create_key(CreateKeyRequest(body=CreateKeyRequestBody(key_alias=alias, **kw))).key_info.key_id


def key_body(key_id: str) -> OperateKeyRequestBody:
    return OperateKeyRequestBody(key_id=key_id)


def test_key_lifecycle_through_the_sdk(sdk):
    c = sdk.kms()
    created = c.create_key(CreateKeyRequest(body=CreateKeyRequestBody(key_alias="app", key_description="d")))
    kid = created.key_info.key_id
    assert created.key_info.domain_id == sdk.eng.principal.domain_id
    info = c.list_key_detail(ListKeyDetailRequest(body=key_body(kid))).key_info
    assert (info.key_alias, info.key_state, info.key_spec, info.default_key_flag) == ("app", "2", "AES_256", "0")
    assert info.sys_enterprise_project_id == "0" and info.key_rotation_enabled == "false"
    assert c.disable_key(DisableKeyRequest(body=key_body(kid))).key_info.key_state == "3"
    assert c.enable_key(EnableKeyRequest(body=key_body(kid))).key_info.key_state == "2"
    assert c.update_key_alias(UpdateKeyAliasRequest(body=UpdateKeyAliasRequestBody(
        key_id=kid, key_alias="app2"))).key_info.key_alias == "app2"
    assert c.update_key_description(UpdateKeyDescriptionRequest(body=UpdateKeyDescriptionRequestBody(
        key_id=kid, key_description="new"))).key_info.key_description == "new"
    deleting = c.delete_key(DeleteKeyRequest(body=ScheduleKeyDeletionRequestBody(key_id=kid, pending_days="7")))
    assert (deleting.key_id, deleting.key_state) == (kid, "4")
    assert c.list_key_detail(ListKeyDetailRequest(body=key_body(kid))).key_info.scheduled_deletion_date != ""
    assert c.cancel_key_deletion(CancelKeyDeletionRequest(body=key_body(kid))).key_state == "3"
    # refusals carry the engine's codes
    assert refused(lambda: c.disable_key(DisableKeyRequest(body=key_body(kid)))).error_code == "KMS.1301"
    e = refused(lambda: c.delete_key(DeleteKeyRequest(body=ScheduleKeyDeletionRequestBody(key_id=kid,
                                                                                          pending_days="3"))))
    assert (e.status_code, e.error_code) == (400, "KMS.1401")
    missing = refused(lambda: c.list_key_detail(ListKeyDetailRequest(body=key_body(
        "00000000-0000-0000-0000-000000000000"))))
    assert (missing.status_code, missing.error_code) == (404, "KMS.0207") and missing.request_id
    taken = refused(lambda: create(c, "app2"))
    assert taken.error_code == "KMS.1104"


def test_list_keys_pages_with_markers_and_filters_aes_by_default(sdk):
    c = sdk.kms()
    ids = [create(c, f"k{i}") for i in range(5)]
    create(c, "signer", key_spec="EC_P256", key_usage="SIGN_VERIFY")
    seen, marker = [], None
    while True:
        page = c.list_keys(ListKeysRequest(body=ListKeysRequestBody(limit="2", marker=marker)))
        assert page.total == 5  # the EC key is not AES_256: the cloud's default filter
        seen += page.keys
        assert [d.key_id for d in page.key_details] == page.keys
        if page.truncated == "false":
            assert page.next_marker == ""
            break
        assert page.truncated == "true"
        marker = page.next_marker
    assert sorted(seen) == sorted(ids)
    every = c.list_keys(ListKeysRequest(body=ListKeysRequestBody(key_spec="ALL", limit="50")))
    assert every.total == 6
    disabled = c.list_keys(ListKeysRequest(body=ListKeysRequestBody(key_state="3")))
    assert disabled.total == 0
    assert refused(lambda: c.list_keys(ListKeysRequest(body=ListKeysRequestBody(limit="0")))).error_code == "KMS.1601"


def test_data_encryption_and_data_keys(sdk):
    c = sdk.kms()
    kid = create(c, "data")
    enc = c.encrypt_data(EncryptDataRequest(body=EncryptDataRequestBody(
        key_id=kid, plain_text="hello world", additional_authenticated_data="ctx")))
    assert len(base64.b64decode(enc.cipher_text)) == 124 + 16
    dec = c.decrypt_data(DecryptDataRequest(body=DecryptDataRequestBody(
        cipher_text=enc.cipher_text, additional_authenticated_data="ctx")))
    assert (dec.key_id, dec.plain_text, base64.b64decode(dec.plain_text_base64)) == (kid, "hello world", b"hello world")
    wrong_aad = refused(lambda: c.decrypt_data(DecryptDataRequest(body=DecryptDataRequestBody(
        cipher_text=enc.cipher_text, additional_authenticated_data="other"))))
    assert wrong_aad.error_code == "KMS.0308"

    dk = c.create_datakey(CreateDatakeyRequest(body=CreateDatakeyRequestBody(key_id=kid, datakey_length="512")))
    plain = bytes.fromhex(dk.plain_text)
    assert len(plain) == 64
    back = c.decrypt_datakey(DecryptDatakeyRequest(body=DecryptDatakeyRequestBody(
        key_id=kid, cipher_text=dk.cipher_text, datakey_cipher_length="64")))
    assert bytes.fromhex(back.data_key) == plain and back.datakey_length == "64"
    assert back.datakey_dgst.lower() == hashlib.sha256(plain).hexdigest()
    only = c.create_datakey_without_plaintext(CreateDatakeyWithoutPlaintextRequest(
        body=CreateDatakeyRequestBody(key_id=kid, key_spec="AES_128")))
    assert only.key_id == kid and len(bytes.fromhex(only.cipher_text)) > 16
    mine = bytes(range(32))
    wrapped = c.encrypt_datakey(EncryptDatakeyRequest(body=EncryptDatakeyRequestBody(
        key_id=kid, plain_text=(mine + hashlib.sha256(mine).digest()).hex(), datakey_plain_length="32")))
    assert wrapped.datakey_length == "32"
    opened = c.decrypt_datakey(DecryptDatakeyRequest(body=DecryptDatakeyRequestBody(
        key_id=kid, cipher_text=wrapped.cipher_text, datakey_cipher_length="32")))
    assert bytes.fromhex(opened.data_key) == mine
    bad_digest = refused(lambda: c.encrypt_datakey(EncryptDatakeyRequest(body=EncryptDatakeyRequestBody(
        key_id=kid, plain_text=(mine + bytes(32)).hex(), datakey_plain_length="32"))))
    assert bad_digest.error_code == "KMS.2103"
    bad_length = refused(lambda: c.create_datakey(CreateDatakeyRequest(body=CreateDatakeyRequestBody(
        key_id=kid, datakey_length="12"))))
    assert bad_length.error_code == "KMS.1903"
    rnd = c.create_random(CreateRandomRequest(body=GenRandomRequestBody(random_data_length="128")))
    assert len(bytes.fromhex(rnd.random_data)) == 16
    c.disable_key(DisableKeyRequest(body=key_body(kid)))
    assert refused(lambda: c.encrypt_data(EncryptDataRequest(body=EncryptDataRequestBody(
        key_id=kid, plain_text="x")))).error_code == "KMS.0209"


def test_sign_verify_and_public_key(sdk):
    c = sdk.kms()
    kid = create(c, "signer", key_spec="EC_P256", key_usage="SIGN_VERIFY")
    digest = base64.b64encode(hashlib.sha256(b"message").digest()).decode()
    sig = c.sign(SignRequest(body=SignRequestBody(key_id=kid, message=digest, signing_algorithm="ECDSA_SHA_256")))
    ok = c.validate_signature(ValidateSignatureRequest(body=VerifyRequestBody(
        key_id=kid, message=digest, signature=sig.signature, signing_algorithm="ECDSA_SHA_256")))
    assert ok.signature_valid == "true"
    other = base64.b64encode(hashlib.sha256(b"other").digest()).decode()
    bad = c.validate_signature(ValidateSignatureRequest(body=VerifyRequestBody(
        key_id=kid, message=other, signature=sig.signature, signing_algorithm="ECDSA_SHA_256")))
    assert bad.signature_valid == "false"
    raw = base64.b64encode(b"the raw message").decode()
    raw_sig = c.sign(SignRequest(body=SignRequestBody(key_id=kid, message=raw, message_type="RAW",
                                                      signing_algorithm="ECDSA_SHA_256")))
    assert c.validate_signature(ValidateSignatureRequest(body=VerifyRequestBody(
        key_id=kid, message=raw, message_type="RAW", signature=raw_sig.signature,
        signing_algorithm="ECDSA_SHA_256"))).signature_valid == "true"
    pem = c.show_public_key(ShowPublicKeyRequest(body=key_body(kid))).public_key
    assert pem.startswith("-----BEGIN PUBLIC KEY-----")
    not_base64 = refused(lambda: c.sign(SignRequest(body=SignRequestBody(
        key_id=kid, message="%%%", signing_algorithm="ECDSA_SHA_256"))))
    assert not_base64.error_code == "KMS.0308"


def test_mac(sdk):
    c = sdk.kms()
    kid = create(c, "mac", key_spec="HMAC_256", key_usage="GENERATE_VERIFY_MAC")
    msg = base64.b64encode(b"payload").decode()
    mac = c.generate_mac(GenerateMacRequest(body=GenerateMacRequestBody(key_id=kid, mac_algorithm="HMAC_SHA_256",
                                                                         message=msg)))
    assert mac.mac_algorithm == "HMAC_SHA_256" and len(bytes.fromhex(mac.mac)) == 32
    good = c.verify_mac(VerifyMacRequest(body=VerifyMacRequestBody(key_id=kid, mac_algorithm="HMAC_SHA_256",
                                                                  message=msg, mac=mac.mac)))
    assert good.mac_valid is True
    bad = c.verify_mac(VerifyMacRequest(body=VerifyMacRequestBody(key_id=kid, mac_algorithm="HMAC_SHA_256",
                                                                 message=msg, mac="00" * 32)))
    assert bad.mac_valid is False


def openssl(cwd: Path, *args: str) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def test_import_parameters_and_import_with_openssl(sdk, tmp_path):
    c = sdk.kms()
    kid = create(c, "byok", origin="external")
    assert c.list_key_detail(ListKeyDetailRequest(body=key_body(kid))).key_info.key_state == "5"
    params = c.create_parameters_for_import(CreateParametersForImportRequest(
        body=GetParametersForImportRequestBody(key_id=kid, wrapping_algorithm="RSAES_OAEP_SHA_256")))
    assert params.key_id == kid and isinstance(params.expiration_time, int)
    (tmp_path / "PublicKey.b64").write_text(params.public_key)
    openssl(tmp_path, "enc", "-d", "-base64", "-A", "-in", "PublicKey.b64", "-out", "PublicKey.bin")
    openssl(tmp_path, "rand", "-out", "PlaintextKeyMaterial.bin", "32")
    openssl(tmp_path, "pkeyutl", "-in", "PlaintextKeyMaterial.bin", "-inkey", "PublicKey.bin",
            "-out", "EncryptedKeyMaterial.bin", "-keyform", "der", "-pubin", "-encrypt",
            "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha256")
    wrapped = base64.b64encode((tmp_path / "EncryptedKeyMaterial.bin").read_bytes()).decode()
    c.import_key_material(ImportKeyMaterialRequest(body=ImportKeyMaterialRequestBody(
        key_id=kid, import_token=params.import_token, encrypted_key_material=wrapped)))
    assert c.list_key_detail(ListKeyDetailRequest(body=key_body(kid))).key_info.key_state == "2"
    enc = c.encrypt_data(EncryptDataRequest(body=EncryptDataRequestBody(key_id=kid, plain_text="byok")))
    assert c.decrypt_data(DecryptDataRequest(body=DecryptDataRequestBody(
        cipher_text=enc.cipher_text))).plain_text == "byok"
    again = refused(lambda: c.import_key_material(ImportKeyMaterialRequest(body=ImportKeyMaterialRequestBody(
        key_id=kid, import_token=params.import_token, encrypted_key_material=wrapped))))
    assert again.error_code == "KMS.0310"
    c.delete_imported_key_material(DeleteImportedKeyMaterialRequest(body=key_body(kid)))
    assert c.list_key_detail(ListKeyDetailRequest(body=key_body(kid))).key_info.key_state == "5"


def test_grants(sdk):
    c = sdk.kms()
    sdk.eng.iam.create_user("bob")
    bob_id = next(u.user_id for u in sdk.eng.iam.list_users() if u.name == "bob")
    kid = create(c, "granted")
    grant_ids = [c.create_grant(CreateGrantRequest(body=CreateGrantRequestBody(
        key_id=kid, grantee_principal=bob_id, operations=["describe-key", "encrypt-data"], name=f"g{i}",
        retiring_principal=bob_id))).grant_id for i in range(3)]
    assert all(len(g) == 64 for g in grant_ids)
    first = c.list_grants(ListGrantsRequest(body=ListGrantsRequestBody(key_id=kid, limit="2")))
    assert (first.total, first.truncated, len(first.grants)) == (3, "true", 2)
    rest = c.list_grants(ListGrantsRequest(body=ListGrantsRequestBody(key_id=kid, limit="2",
                                                                      marker=first.next_marker)))
    assert (rest.truncated, rest.next_marker) == ("false", "")
    assert sorted(g.grant_id for g in first.grants + rest.grants) == sorted(grant_ids)
    g = first.grants[0]
    assert g.grantee_principal == bob_id and g.operations == ["describe-key", "encrypt-data"]
    assert g.creation_date.isdigit()
    c.cancel_grant(CancelGrantRequest(body=RevokeGrantRequestBody(key_id=kid, grant_id=grant_ids[0])))
    c.cancel_self_grant(CancelSelfGrantRequest(body=RevokeGrantRequestBody(key_id=kid, grant_id=grant_ids[1])))
    assert c.list_grants(ListGrantsRequest(body=ListGrantsRequestBody(key_id=kid))).total == 1
    retirable = c.list_retirable_grants(ListRetirableGrantsRequest(body=ListRetirableGrantsRequestBody()))
    assert [x.grant_id for x in retirable.grants] == [grant_ids[2]]  # the admin issued it
    gone = refused(lambda: c.cancel_grant(CancelGrantRequest(body=RevokeGrantRequestBody(
        key_id=kid, grant_id=grant_ids[0]))))
    assert gone.error_code == "KMS.2501"
    only_create = refused(lambda: c.create_grant(CreateGrantRequest(body=CreateGrantRequestBody(
        key_id=kid, grantee_principal=bob_id, operations=["create-grant"]))))
    assert only_create.error_code == "KMS.2401"


def test_rotation(sdk):
    c = sdk.kms()
    kid = create(c, "rotating")
    c.enable_key_rotation(EnableKeyRotationRequest(body=key_body(kid)))
    c.update_key_rotation_interval(UpdateKeyRotationIntervalRequest(body=UpdateKeyRotationIntervalRequestBody(
        key_id=kid, rotation_interval=90)))
    c.rotate_on_demand(RotateOnDemandRequest(body=RotateOnDemandRequestBody(key_id=kid)))
    status = c.show_key_rotation_status(ShowKeyRotationStatusRequest(body=key_body(kid)))
    assert (status.key_rotation_enabled, status.rotation_interval, status.number_of_rotations) == (True, 90, 1)
    assert [m.state for m in status.key_materials] == [0, 2]
    assert c.list_key_detail(ListKeyDetailRequest(body=key_body(kid))).key_info.key_rotation_enabled == "true"
    c.disable_key_rotation(DisableKeyRotationRequest(body=key_body(kid)))
    assert refused(lambda: c.disable_key_rotation(DisableKeyRotationRequest(body=key_body(kid)))).error_code == "KMS.0313"
    e = refused(lambda: c.update_key_rotation_interval(UpdateKeyRotationIntervalRequest(
        body=UpdateKeyRotationIntervalRequestBody(key_id=kid, rotation_interval=10))))
    assert e.error_code == "KMS.3001"


def test_tags_and_quotas(sdk):
    c = sdk.kms()
    kid = create(c, "tagged")
    created = c.create_kms_tag(CreateKmsTagRequest(key_id=kid, body=CreateKmsTagRequestBody(
        tag=TagItem(key="env", value="prod"))))
    assert created.status_code == 204
    c.batch_create_kms_tags(BatchCreateKmsTagsRequest(key_id=kid, body=BatchCreateKmsTagsRequestBody(
        tags=[TagItem(key="team", value="a"), TagItem(key="tier", value="1")], action="create")))
    shown = c.show_kms_tags(ShowKmsTagsRequest(key_id=kid))
    assert {(t.key, t.value) for t in shown.tags} == {("env", "prod"), ("team", "a"), ("tier", "1")}
    assert shown.exist_tags_num == 3
    assert c.delete_tag(DeleteTagRequest(key_id=kid, key="tier")).status_code == 204
    c.batch_create_kms_tags(BatchCreateKmsTagsRequest(key_id=kid, body=BatchCreateKmsTagsRequestBody(
        tags=[TagItem(key="team")], action="delete")))
    project = c.list_kms_tags(ListKmsTagsRequest())
    assert [(t.key, t.values) for t in project.tags] == [("env", ["prod"])]
    no_tag = refused(lambda: c.delete_tag(DeleteTagRequest(key_id=kid, key="nope")))
    assert (no_tag.status_code, no_tag.error_code) == (404, "KMS.0416")
    quotas = c.show_user_quotas(ShowUserQuotasRequest()).quotas.resources
    assert {q.type: q.used for q in quotas}["CMK"] == 1
    assert c.show_user_instances(ShowUserInstancesRequest()).instance_num == 1


def test_find_keys_by_tags_and_name(sdk):
    from huaweicloudsdkkms.v2 import ListKmsByTagsRequest, ListKmsByTagsRequestBody, Tag, TagItem as Match
    c = sdk.kms()
    tagged = {}
    for alias, env in (("web-a", "prod"), ("web-b", "test"), ("db", "prod"), ("plain", None)):
        kid = create(c, alias)
        tagged[alias] = kid
        if env:
            c.create_kms_tag(CreateKmsTagRequest(key_id=kid, body=CreateKmsTagRequestBody(
                tag=TagItem(key="env", value=env))))

    def find(action="filter", **kw):
        return c.list_kms_by_tags(ListKmsByTagsRequest(resource_instances="resource_instances",
                                                       body=ListKmsByTagsRequestBody(action=action, **kw)))
    prod = find(tags=[Tag(key="env", values=["prod"])])
    assert sorted(r.resource_name for r in prod.resources) == ["db", "web-a"] and prod.total_count == 2
    assert prod.resources[0].resource_detail.key_id == prod.resources[0].resource_id
    either = find(tags=[Tag(key="env", values=["prod", "test"])], matches=[Match(key="resource_name", value="web")])
    assert sorted(r.resource_name for r in either.resources) == ["web-a", "web-b"]
    assert find(action="count", tags=[Tag(key="env", values=[])]).total_count == 3
    page = find(limit="1", offset="1")
    assert (len(page.resources), page.total_count) == (1, 4)
    bad = refused(lambda: find(action="sum"))
    assert bad.error_code == "KMS.0404"
