"""The KMS operations of the table: one `Operation` per cloud operation the engine has.

Paths, field names and wire types follow the official SDK (huaweicloudsdkkms v2); each entry
names the engine method it calls, the permission action the engine checks and the trace name
the audit trail records. Where the wire and the engine differ (`marker` is an offset, the
default enterprise project is "0", list-keys filters AES_256 unless asked for ALL) the
difference is handled here and nowhere else.
"""
from __future__ import annotations

from typing import Any, Mapping

from engine.errors import DewError
from engine.operations import wire
from engine.operations.model import BASE64, INT, LIST, OBJECT, OBJECTS, PATH, TEXT, Field, Operation

P = "/v1.0/{project_id}/kms/"
KEY_ID = Field("key_id", required=True, help="the key's id (36 characters)")
SEQUENCE = Field("sequence", arg="", help="request serial number (accepted, not used)")
LIMIT = Field("limit", INT, arg="", help="page size")
MARKER = Field("marker", INT, arg="", help="where the page starts: next_marker of the previous page")
AAD = Field("additional_authenticated_data", help="non-secret context bound to the ciphertext")
SIGNING = ("RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512", "RSASSA_PKCS1_V1_5_SHA_256",
           "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512", "ECDSA_SHA_256", "ECDSA_SHA_384",
           "ECDSA_SHA_512", "SM2DSA_SM3", "ED25519_SHA_512", "ED25519_PH_SHA_512")
MACS = ("HMAC_SHA_256", "HMAC_SHA_384", "HMAC_SHA_512", "HMAC_SM3")
KEY_SPECS = ("AES_256", "SM4", "RSA_2048", "RSA_3072", "RSA_4096", "EC_P256", "EC_P384", "SECP256K1",
             "SM2", "ED25519", "HMAC_256", "HMAC_384", "HMAC_512", "HMAC_SM3")
GRANT_OPS = ("create-datakey", "create-datakey-without-plaintext", "encrypt-datakey", "decrypt-datakey",
             "describe-key", "create-grant", "retire-grant", "encrypt-data", "decrypt-data")
ENCRYPTION = ("SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_256", "SM2_ENCRYPT")
DEFAULT_PAGE = 50


def op(name: str, engine: str, fields: tuple[Field, ...], encode: Any, action: str, trace: str,
       sdk: str, help: str, *, method: str = "POST", path: str | None = None, status: int = 200,
       call: Any = None, extra: Mapping[str, Any] | None = None) -> Operation:
    return Operation(name=name, service="kms", method=method, paths=(P + (path or name),),
                     engine=engine, fields=fields, encode=encode, action=action, trace=trace,
                     sdk=sdk, help=help, status=status, call=call, extra=dict(extra or {}))


def empty(_result: Any, _args: Mapping[str, Any]) -> None:
    return None


def page(items: list, args: Mapping[str, Any]) -> tuple[list, dict[str, Any]]:
    """A page of a list the engine returns whole; `marker` is the offset, as the cloud's."""
    limit, offset = args.get("limit"), args.get("marker")
    limit = DEFAULT_PAGE if limit in (None, "") else limit
    offset = 0 if offset in (None, "") else offset
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 1000:
        raise DewError("KMS.1601", f"limit must be 1-1000, got {limit!r}", 400)
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise DewError("KMS.1602", f"marker must be 0 or more, got {offset!r}", 400)
    chunk = items[offset:offset + limit]
    more = offset + len(chunk) < len(items)
    return chunk, {"next_marker": str(offset + len(chunk)) if more else "",
                   "truncated": wire.flag(more), "total": len(items)}


# --- calls where the wire and the engine differ ----------------------------------------
def list_keys(eng: Any, a: Mapping[str, Any]) -> Any:
    spec = a.get("key_spec") or "AES_256"  # the cloud lists only AES_256 keys unless asked for ALL
    project = a.get("enterprise_project_id")
    return eng.kms.list_keys(key_state=a.get("key_state"), key_spec=None if spec == "ALL" else spec,
                             enterprise_project_id=None if project in (None, "", "all") else wire.engine_project(project),
                             limit=DEFAULT_PAGE if a.get("limit") is None else a["limit"],
                             offset=0 if a.get("marker") in (None, "") else a["marker"])


def create_key(eng: Any, a: Mapping[str, Any]) -> Any:
    kwargs = {k: a[k] for k in ("key_alias", "key_spec", "key_usage", "key_description", "origin")
              if a.get(k) is not None}
    project = a.get("enterprise_project_id")
    if project is not None:
        kwargs["enterprise_project_id"] = wire.engine_project(project)
    return eng.kms.create_key(**kwargs)


def batch_tags(eng: Any, a: Mapping[str, Any]) -> Any:
    return eng.kms.batch_key_tags(a.get("key_id"), a.get("tags"), a.get("action"))


def create_tag(eng: Any, a: Mapping[str, Any]) -> Any:
    tag = a.get("tag")
    if not isinstance(tag, Mapping):
        raise DewError("KMS.0414", "tag must be an object with key and value", 400)
    return eng.kms.create_key_tag(a.get("key_id"), tag.get("key"), tag.get("value") or "")


def by_tags(eng: Any, a: Mapping[str, Any]) -> Any:
    """resource_instances/action: tags (values OR'ed within a key, keys AND'ed) and a
    resource_name match, as a list-keys query over every key (count: its total only)."""
    action = a.get("action")
    if action not in ("filter", "count"):
        raise DewError("KMS.0404", f"action must be filter or count, got {action!r}", 400)
    tags: dict[Any, Any] = {}  # the engine refuses a key that is not a non-empty string
    for item in a.get("tags") or ():
        if not isinstance(item, Mapping) or not isinstance(item.get("key"), str) \
                or not isinstance(item.get("values") or [], list):
            raise DewError("KMS.0414", 'tags must be a list of {"key": ..., "values": [...]}', 400)
        values = item.get("values") or []
        tags[item.get("key")] = None if not values else values[0] if len(values) == 1 else tuple(values)
    search = None
    for match in a.get("matches") or ():
        if not isinstance(match, Mapping) or match.get("key") != "resource_name" or not match.get("value"):
            raise DewError("KMS.0415", 'matches must be [{"key": "resource_name", "value": ...}]', 400)
        search = match["value"]
    counting = action == "count"
    return eng.kms.list_keys(tags=tags or None, search=search,
                             limit=1 if counting else (10 if a.get("limit") in (None, "") else a["limit"]),
                             offset=0 if counting or a.get("offset") in (None, "") else a["offset"])


def user_instances(eng: Any, _a: Mapping[str, Any]) -> Any:
    return eng.kms.user_quotas()


# --- encoders ---------------------------------------------------------------------------
def enc_create_key(k: Any, _a: Mapping[str, Any]) -> dict:
    return {"key_info": {"key_id": k.key_id, "domain_id": k.domain_id, "region_id": ""}}


def enc_list_keys(r: Any, _a: Mapping[str, Any]) -> dict:
    more = r.offset + len(r.keys) < r.total
    return {"keys": [k.key_id for k in r.keys], "key_details": [wire.key_details(k) for k in r.keys],
            "next_marker": str(r.offset + len(r.keys)) if more else "", "truncated": wire.flag(more),
            "total": r.total}


def enc_grants(grants: list, a: Mapping[str, Any]) -> dict:
    chunk, info = page(list(grants), a)
    return {"grants": [wire.grant(g) for g in chunk], **info}


def enc_decrypt(r: Any, _a: Mapping[str, Any]) -> dict:
    return {"key_id": r.key_id, "plain_text": r.plain_text.decode("utf-8", errors="replace"),
            "plain_text_base64": wire.b64(r.plain_text)}


def enc_rotation(r: Any, _a: Mapping[str, Any]) -> dict:
    return {"key_rotation_enabled": r.key_rotation_enabled, "rotation_interval": r.rotation_interval,
            "last_rotation_time": wire.ms_text(r.last_rotation_time),
            "number_of_rotations": r.number_of_rotations,
            "key_materials": [{"material_id": f"{r.key_id}:{m.version}", "charge_id": "",
                               "create_time": wire.ms_text(m.create_time), "expiration_time": "",
                               "state": 2 if m.current else 0} for m in r.key_materials]}


def enc_by_tags(r: Any, a: Mapping[str, Any]) -> dict:
    if a.get("action") == "count":
        return {"total_count": r.total}
    return {"resources": [{"resource_id": k.key_id, "resource_detail": wire.key_details(k),
                           "resource_name": k.key_alias, "tags": wire.tags(k.tags)} for k in r.keys],
            "total_count": r.total}


def enc_quotas(quotas: list, _a: Mapping[str, Any]) -> dict:
    return {"quotas": {"resources": [{"type": q.type, "used": q.used, "quota": q.quota} for q in quotas]}}


def enc_project_tags(r: Any, _a: Mapping[str, Any]) -> dict:
    return {"tags": [{"key": t.key, "values": list(t.values)} for t in r.tags]}


OPERATIONS: tuple[Operation, ...] = (
    op("create-key", "kms.create_key",
       (Field("key_alias", required=True, help="alias, 1-255 of letters, digits and :/_-"),
        Field("key_spec", choices=KEY_SPECS, help="key algorithm (default AES_256)"),
        Field("key_usage", choices=("ENCRYPT_DECRYPT", "SIGN_VERIFY", "GENERATE_VERIFY_MAC"),
              help="what the key is for (default from the spec)"),
        Field("key_description", help="description, up to 255 characters"),
        Field("origin", choices=("kms", "external"), help="kms generates the material, external imports it"),
        Field("enterprise_project_id", help="enterprise project (\"0\" is the default one)"),
        Field("keystore_id", arg=""), Field("vm_id", arg=""), SEQUENCE),
       enc_create_key, "kms:cmk:create", "createKey", "create_key", "Create a customer master key.",
       call=create_key),
    op("describe-key", "kms.describe_key", (KEY_ID, SEQUENCE),
       lambda k, a: {"key_info": wire.key_details(k)}, "kms:cmk:get", "describeKey", "list_key_detail",
       "Show a key's details."),
    op("list-keys", "kms.list_keys",
       (LIMIT, MARKER, Field("key_state", choices=("1", "2", "3", "4", "5"), help="only keys in this state"),
        Field("key_spec", choices=("AES_256", "SM4", "RSA_2048", "RSA_3072", "RSA_4096", "EC_P256",
                                    "EC_P384", "SM2", "ALL"),
              help="only keys of this spec (default AES_256; ALL lists every key)"),
        Field("enterprise_project_id", help="only keys of this enterprise project"), SEQUENCE),
       enc_list_keys, "kms:cmk:list", "listKeys", "list_keys", "List the account's keys, a page at a time.",
       call=list_keys),
    op("enable-key", "kms.enable_key", (KEY_ID, SEQUENCE), lambda k, a: wire.key_state_info(k),
       "kms:cmk:enable", "enableKey", "enable_key", "Enable a disabled key."),
    op("disable-key", "kms.disable_key", (KEY_ID, SEQUENCE), lambda k, a: wire.key_state_info(k),
       "kms:cmk:disable", "disableKey", "disable_key", "Disable an enabled key."),
    op("schedule-key-deletion", "kms.schedule_key_deletion",
       (KEY_ID, Field("pending_days", INT, required=True, help="days until deletion, 7-1096"), SEQUENCE),
       lambda k, a: {"key_id": k.key_id, "key_state": str(k.key_state.value)},
       "kms:cmk:delete", "scheduleKeyDeletion", "delete_key", "Schedule a key's deletion."),
    op("cancel-key-deletion", "kms.cancel_key_deletion", (KEY_ID, SEQUENCE),
       lambda k, a: {"key_id": k.key_id, "key_state": str(k.key_state.value)},
       "kms:cmk:delete", "cancelKeyDeletion", "cancel_key_deletion", "Cancel a scheduled deletion."),
    op("update-key-alias", "kms.update_key_alias",
       (KEY_ID, Field("key_alias", required=True, help="the new alias"), SEQUENCE),
       lambda k, a: {"key_info": {"key_id": k.key_id, "key_alias": k.key_alias}},
       "kms:cmk:update", "updateKeyAlias", "update_key_alias", "Rename a key."),
    op("update-key-description", "kms.update_key_description",
       (KEY_ID, Field("key_description", required=True, help="the new description"), SEQUENCE),
       lambda k, a: {"key_info": {"key_id": k.key_id, "key_description": k.key_description}},
       "kms:cmk:update", "updateKeyDescription", "update_key_description", "Change a key's description."),
    op("encrypt-data", "kms.encrypt_data",
       (KEY_ID, Field("plain_text", TEXT, required=True, help="the text to encrypt, 1-4096 bytes",
                      secret=True, binary=True),
        Field("encryption_algorithm", choices=ENCRYPTION, help="SYMMETRIC_DEFAULT unless the key is asymmetric"),
        AAD, SEQUENCE),
       lambda r, a: {"key_id": r.key_id, "cipher_text": r.cipher_text},
       "kms:cmk:crypto", "encryptData", "encrypt_data", "Encrypt up to 4 KiB with a key."),
    op("decrypt-data", "kms.decrypt_data",
       (Field("cipher_text", required=True, help="the base64 ciphertext from encrypt-data", binary=True),
        Field("encryption_algorithm", choices=ENCRYPTION, help="needed for asymmetric keys"),
        Field("key_id", help="needed for asymmetric keys"), AAD, SEQUENCE),
       enc_decrypt, "kms:cmk:crypto", "decryptData", "decrypt_data", "Decrypt encrypt-data's ciphertext."),
    op("create-datakey", "kms.create_datakey",
       (KEY_ID, Field("key_spec", choices=("AES_256", "AES_128"), help="data key size (default AES_256)"),
        Field("datakey_length", INT, help="data key bits, 8-8192, a multiple of 8 (wins over key_spec)"),
        AAD, Field("pin", arg=""), Field("pin_type", arg=""), SEQUENCE),
       lambda r, a: {"key_id": r.key_id, "plain_text": r.plain_text.hex().upper(), "cipher_text": r.cipher_text},
       "kms:dek:crypto", "createDataKey", "create_datakey", "Make a data key: plaintext and ciphertext, hex."),
    op("create-datakey-without-plaintext", "kms.create_datakey_without_plaintext",
       (KEY_ID, Field("key_spec", choices=("AES_256", "AES_128"), help="data key size (default AES_256)"),
        Field("datakey_length", INT, help="data key bits, 8-8192, a multiple of 8"),
        AAD, Field("pin", arg=""), Field("pin_type", arg=""), SEQUENCE),
       lambda r, a: {"key_id": r.key_id, "cipher_text": r.cipher_text},
       "kms:dek:crypto", "createDataKeyWithoutPlaintext", "create_datakey_without_plaintext",
       "Make a data key and return only its ciphertext."),
    op("encrypt-datakey", "kms.encrypt_datakey",
       (KEY_ID, Field("plain_text", required=True, secret=True,
                      help="hex of the data key followed by its SHA-256 digest"),
        Field("datakey_plain_length", INT, arg="", required=True, help="the data key's bytes, 1-1024"),
        AAD, Field("pin", arg=""), Field("pin_type", arg=""), Field("key_spec", arg=""), SEQUENCE),
       lambda r, a: {"key_id": r.key_id, "cipher_text": r.cipher_text, "datakey_length": str(r.datakey_length)},
       "kms:dek:crypto", "encryptDatakey", "encrypt_datakey", "Encrypt a data key you bring."),
    op("decrypt-datakey", "kms.decrypt_datakey",
       (KEY_ID, Field("cipher_text", required=True, help="the data key's ciphertext, hex"),
        Field("datakey_cipher_length", INT, arg="", required=True, help="the data key's plaintext bytes"),
        AAD, SEQUENCE),
       lambda r, a: {"data_key": r.data_key.hex().upper(), "datakey_length": str(r.datakey_length),
                     "datakey_dgst": r.datakey_dgst.upper()},
       "kms:dek:crypto", "decryptDatakey", "decrypt_datakey", "Decrypt a data key."),
    op("sign", "kms.sign",
       (KEY_ID, Field("message", BASE64, required=True, help="message or digest, base64", binary=True),
        Field("signing_algorithm", required=True, choices=SIGNING, help="signature algorithm"),
        Field("message_type", choices=("DIGEST", "RAW"), help="DIGEST (default) or RAW"), SEQUENCE),
       lambda r, a: {"key_id": r.key_id, "signature": r.signature},
       "kms:cmk:crypto", "sign", "sign", "Sign a message or digest with an asymmetric key.",
       extra={"message_type": "DIGEST"}),  # the cloud's default; the engine's is RAW
    op("verify", "kms.verify",
       (KEY_ID, Field("message", BASE64, required=True, help="message or digest, base64", binary=True),
        Field("signature", required=True, help="the signature, base64"),
        Field("signing_algorithm", required=True, choices=SIGNING, help="signature algorithm"),
        Field("message_type", choices=("DIGEST", "RAW"), help="DIGEST (default) or RAW"), SEQUENCE),
       lambda ok, a: {"key_id": a.get("key_id"), "signature_valid": wire.flag(ok)},
       "kms:cmk:crypto", "validateSignature", "validate_signature", "Verify a signature.",
       extra={"message_type": "DIGEST"}),
    op("generate-mac", "kms.generate_mac",
       (KEY_ID, Field("mac_algorithm", required=True, choices=MACS, help="MAC algorithm"),
        Field("message", BASE64, required=True, help="the message, base64", binary=True)),
       lambda r, a: {"key_id": r.key_id, "mac_algorithm": r.mac_algorithm, "mac": r.mac},
       "kms:cmk:crypto", "generateMac", "generate_mac", "Compute a MAC with an HMAC key."),
    op("verify-mac", "kms.verify_mac",
       (KEY_ID, Field("mac_algorithm", required=True, choices=MACS, help="MAC algorithm"),
        Field("message", BASE64, required=True, help="the message, base64", binary=True),
        Field("mac", required=True, help="the MAC to check, hex")),
       lambda ok, a: {"key_id": a.get("key_id"), "mac_algorithm": a.get("mac_algorithm"), "mac_valid": bool(ok)},
       "kms:cmk:crypto", "verifyMac", "verify_mac", "Check a MAC."),
    op("get-publickey", "kms.get_publickey", (KEY_ID, SEQUENCE),
       lambda pem, a: {"key_id": a.get("key_id"), "public_key": pem},
       "kms:cmk:get", "getPublicKey", "show_public_key", "Show an asymmetric key's public key (PEM)."),
    op("gen-random", "kms.gen_random",
       (Field("random_data_length", INT, required=True, help="bits of random data, 8-8192, a multiple of 8"),
        SEQUENCE),
       lambda r, a: {"random_data": r}, "kms:cmk:generate", "genRandom", "create_random",
       "Random bytes, hex."),
    op("get-parameters-for-import", "kms.get_parameters_for_import",
       (KEY_ID, Field("wrapping_algorithm", required=True, choices=("RSAES_OAEP_SHA_256", "SM2_ENCRYPT"),
                      help="how the material will be wrapped"), SEQUENCE),
       lambda r, a: {"key_id": r.key_id, "import_token": r.import_token,
                     "expiration_time": wire.seconds(r.expiration_time), "public_key": r.public_key},
       "kms:cmk:getMaterial", "getParametersForImport", "create_parameters_for_import",
       "Get a wrapping public key and an import token (valid 24 h)."),
    op("import-key-material", "kms.import_key_material",
       (KEY_ID, Field("import_token", required=True, help="the token from get-parameters-for-import"),
        Field("encrypted_key_material", required=True, help="the wrapped material, base64", binary=True),
        Field("encrypted_privatekey", help="asymmetric keys: the wrapped private key, base64", binary=True),
        Field("expiration_time", INT, help="when the material expires, epoch seconds (none: never)"),
        SEQUENCE),
       empty, "kms:cmk:importMaterial", "importKeyMaterial", "import_key_material",
       "Import wrapped key material into an external key."),
    op("delete-imported-key-material", "kms.delete_imported_key_material", (KEY_ID, SEQUENCE),
       empty, "kms:cmk:deleteMaterial", "deleteImportedKeyMaterial", "delete_imported_key_material",
       "Delete an external key's imported material."),
    op("create-grant", "kms.create_grant",
       (KEY_ID, Field("grantee_principal", required=True, help="the user (or account) id granted to"),
        Field("operations", LIST, required=True, choices=GRANT_OPS, help="the operations granted"),
        Field("name", help="grant name"), Field("retiring_principal", help="who may retire the grant"),
        Field("grantee_principal_type", choices=("user", "domain"), help="user (default) or domain"),
        SEQUENCE),
       lambda gid, a: {"grant_id": gid}, "kms:grant:create", "createGrant", "create_grant",
       "Let another principal use a key."),
    op("list-grants", "kms.list_grants", (KEY_ID, LIMIT, MARKER, SEQUENCE), enc_grants,
       "kms:grant:list", "listGrants", "list_grants", "List a key's grants."),
    op("list-retirable-grants", "kms.list_retirable_grants", (LIMIT, MARKER, SEQUENCE), enc_grants,
       "kms:grant:list", "listRetirableGrants", "list_retirable_grants", "List the grants you may retire."),
    op("revoke-grant", "kms.revoke_grant",
       (KEY_ID, Field("grant_id", required=True, help="the grant's id (64 hex)"), SEQUENCE),
       empty, "kms:grant:revoke", "revokeGrant", "cancel_grant", "Revoke a grant."),
    op("retire-grant", "kms.retire_grant",
       (KEY_ID, Field("grant_id", required=True, help="the grant's id (64 hex)"), SEQUENCE),
       empty, "", "retireGrant", "cancel_self_grant", "Retire a grant."),
    op("enable-key-rotation", "kms.enable_key_rotation", (KEY_ID, SEQUENCE), empty,
       "kms:cmk:enableRotation", "enableKeyRotation", "enable_key_rotation", "Turn on yearly rotation."),
    op("disable-key-rotation", "kms.disable_key_rotation", (KEY_ID, SEQUENCE), empty,
       "kms:cmk:disableRotation", "disableKeyRotation", "disable_key_rotation", "Turn rotation off."),
    op("update-key-rotation-interval", "kms.update_key_rotation_interval",
       (KEY_ID, Field("rotation_interval", INT, required=True, help="days between rotations, 30-365"), SEQUENCE),
       empty, "kms:cmk:updateRotation", "updateKeyRotationInterval", "update_key_rotation_interval",
       "Change the rotation interval."),
    op("get-key-rotation-status", "kms.get_key_rotation_status", (KEY_ID, SEQUENCE), enc_rotation,
       "kms:cmk:getRotation", "getKeyRotationStatus", "show_key_rotation_status", "Show a key's rotation."),
    op("rotate-on-demand", "kms.rotate_key", (KEY_ID,), lambda r, a: {"key_id": r.key_id},
       "kms:cmk:rotate", "rotateKey", "rotate_on_demand", "Rotate a key now."),
    op("create-kms-tag", "kms.create_key_tag",
       (Field("key_id", where=PATH, required=True, help="the key's id"),
        Field("tag", OBJECT, required=True, help='the tag, {"key": ..., "value": ...}'), SEQUENCE),
       empty, "kms:cmkTag:create", "createKeyTag", "create_kms_tag", "Add a tag to a key.",
       path="{key_id}/tags", status=204, call=create_tag),
    op("delete-kms-tag", "kms.delete_key_tag",
       (Field("key_id", where=PATH, required=True, help="the key's id"),
        Field("key", where=PATH, required=True, help="the tag key")),
       empty, "kms:cmkTag:delete", "deleteKeyTag", "delete_tag", "Remove a tag from a key.",
       method="DELETE", path="{key_id}/tags/{key}", status=204),
    op("batch-kms-tags", "kms.batch_key_tags",
       (Field("key_id", where=PATH, required=True, help="the key's id"),
        Field("tags", OBJECTS, required=True, help='tags, [{"key": ..., "value": ...}]'),
        Field("action", required=True, choices=("create", "delete"), help="add or remove the tags"), SEQUENCE),
       empty, "kms:cmkTag:batch", "batchCreateKeyTags", "batch_create_kms_tags",
       "Add or remove several tags of a key.", path="{key_id}/tags/action", status=204, call=batch_tags),
    op("show-kms-tags", "kms.list_key_tags", (Field("key_id", where=PATH, required=True, help="the key's id"),),
       lambda t, a: {"tags": wire.tags(t), "existTagsNum": len(t)}, "kms:cmkTag:list", "listKeyTags",
       "show_kms_tags", "List a key's tags.", method="GET", path="{key_id}/tags"),
    op("list-kms-tags", "kms.list_project_tags", (), enc_project_tags, "kms:cmkTag:list", "listProjectTags",
       "list_kms_tags", "Every tag key on the account's keys, with its values.", method="GET", path="tags",
       call=lambda eng, a: eng.kms.list_project_tags(limit=1000)),
    op("list-kms-by-tags", "kms.list_keys",
       (Field("action", required=True, choices=("filter", "count"), help="list the keys, or count them"),
        Field("limit", INT, help="page size, 1-1000 (default 10)"), Field("offset", INT, help="where the page starts"),
        Field("tags", OBJECTS, help='[{"key": ..., "values": [...]}]: every key, any of its values'),
        Field("matches", OBJECTS, help='[{"key": "resource_name", "value": ...}]: alias contains'), SEQUENCE),
       enc_by_tags, "kms:cmk:list", "listKeys", "list_kms_by_tags", "Find keys by tags and name.",
       path="resource_instances/action", call=by_tags),
    op("show-user-quotas", "kms.user_quotas", (), enc_quotas, "kms:cmk:getQuota", "showUserQuotas",
       "show_user_quotas", "Key and grant quotas and their use.", method="GET", path="user-quotas"),
    op("show-user-instances", "kms.user_quotas", (),
       lambda q, a: {"instance_num": next((x.used for x in q if x.type == "CMK"), 0)},
       "kms:cmk:getQuota", "showUserQuotas", "show_user_instances", "How many custom keys the account has.",
       method="GET", path="user-instances", call=user_instances),
)

__all__ = ["OPERATIONS"]
