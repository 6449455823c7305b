"""Validation of KMS inputs, one function per rule, and the error codes KMS refuses with.

Every public KMS call validates here at its entry (the UI reuses these through
`engine.catalog`, for comfort only). The codes are the cloud API's (cloud-api-notes, "KMS
error codes"); KMS answers 400 for every refusal except a missing key or tag (404) and a
permission refusal (403). Everything here is pure: no database, clock or randomness.
Messages name the field and the rule, never a plaintext, a data key or a MAC.
"""
from __future__ import annotations

import base64
import binascii
import re

from engine.errors import DewError
from engine.kms.specs import SPECS

# --- codes --------------------------------------------------------------------------------
INTERNAL = "KMS.0101"                # KMS internal error (a material version that is gone)
MISSING_PARAMETER = "KMS.0204"       # a required parameter is missing
INVALID_KEY_ID = "KMS.0205"          # a malformed key_id
NO_KEY = "KMS.0207"                  # the key does not exist (HTTP 404)
INVALID_CONTEXT = "KMS.0208"         # invalid encryption context (additional_authenticated_data)
KEY_DISABLED = "KMS.0209"            # the key is disabled
KEY_PENDING_DELETION = "KMS.0210"    # the key is pending deletion and cannot be used or changed
DEFAULT_KEY = "KMS.0211"             # not allowed on a default (service) key
NO_PERMISSION = "KMS.0306"           # no permission for the key (HTTP 403)
INVALID = "KMS.0308"                 # generic invalid parameter (and "cannot be decrypted")
NOT_EXTERNAL = "KMS.0309"            # the key's origin must be external
NOT_PENDING_IMPORT = "KMS.0310"      # the key is not pending import / has no key material
RSA_CANNOT_DECRYPT = "KMS.0311"      # RSA decryption (or unwrapping) failed
EXTERNAL_NOT_ROTATABLE = "KMS.0312"  # keys with imported material cannot be rotated
ROTATION_NOT_ENABLED = "KMS.0313"    # key rotation is not enabled
ASYMMETRIC_NOT_ROTATABLE = "KMS.0324"  # RSA (and EC) keys cannot be rotated
DIGEST_LENGTH = "KMS.0329"           # the hash algorithm does not match the digest's length
TAG_LIST_EMPTY = "KMS.0401"          # the tag list is empty
TAG_ACTION = "KMS.0404"              # invalid tag action (create or delete)
TAG_KEY = "KMS.0406"                 # invalid tag key
TAG_QUOTA = "KMS.0409"               # the key has reached its tag quota
NO_TAG = "KMS.0416"                  # the tag does not exist (HTTP 404)
INVALID_ALIAS = "KMS.1101"           # invalid key_alias (or default-key service name)
INVALID_DESCRIPTION = "KMS.1103"     # invalid key_description
ALIAS_TAKEN = "KMS.1104"             # the key alias already exists in the account
KEY_QUOTA = "KMS.1105"               # the account's custom-key quota is reached
NOT_DISABLED = "KMS.1201"            # enable: the key is not disabled
NOT_ENABLED = "KMS.1301"             # disable: the key is not enabled
PENDING_DAYS = "KMS.1401"            # pending_days out of range
ALREADY_PENDING_DELETION = "KMS.1402"  # the key is already pending deletion
NOT_PENDING_DELETION = "KMS.1501"    # cancel: the key is not pending deletion
LIMIT_RANGE = "KMS.1601"             # list limit out of range
OFFSET_RANGE = "KMS.1602"            # list offset (marker) must be >= 0
RANDOM_LENGTH = "KMS.1801"           # random_data_length out of range
RANDOM_MULTIPLE = "KMS.1802"         # random_data_length must be a multiple of 8
DATAKEY_LENGTH = "KMS.1901"          # datakey_length out of range
DATAKEY_SPEC = "KMS.1902"            # a data key's key_spec must be AES_128 or AES_256
DATAKEY_MULTIPLE = "KMS.1903"        # datakey_length must be a multiple of 8
DATAKEY_PLAIN = "KMS.2101"           # encrypt-datakey: invalid plain_text
DATAKEY_HASH = "KMS.2103"            # encrypt-datakey: the data key does not match its SHA-256
DATAKEY_CIPHER = "KMS.2201"          # decrypt-datakey: invalid cipher_text / cannot be decrypted
GRANT_ONLY_CREATE = "KMS.2401"       # a grant's operations cannot be only create-grant
GRANT_PRINCIPAL = "KMS.2402"         # invalid grantee or retiring principal
GRANT_QUOTA = "KMS.2404"             # the key has reached its grant quota
NO_GRANT = "KMS.2501"                # the grant does not exist
GRANT_OTHER_KEY = "KMS.2502"         # the grant is not a grant on this key
TOKEN_EXPIRED = "KMS.2601"           # the import token has expired
EXPIRATION_PAST = "KMS.2602"         # expiration_time must be later than now
TOKEN_OTHER_KEY = "KMS.2603"         # the import token was issued for another key
MATERIAL_LENGTH = "KMS.2604"         # imported (temporary) key material must be 32 bytes
TOKEN_INVALID = "KMS.2605"           # the import token cannot be verified (forged, unknown, used)
MATERIAL_DIFFERS = "KMS.2606"        # re-imported material differs from the first import
MATERIAL_STATE = "KMS.2701"          # material can only be deleted from an Enabled or Disabled key
ROTATION_ENABLED = "KMS.2901"        # key rotation is not disabled (already enabled)
ROTATION_INTERVAL = "KMS.3001"       # rotation_interval out of range

# --- limits and patterns ------------------------------------------------------------------
KEY_ID_RE = re.compile(r"^[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}\Z")
ALIAS_RE = re.compile(r"^[a-zA-Z0-9:/_-]{1,255}\Z")
MAX_DESCRIPTION = 255               # characters
ORIGINS = ("kms", "external")
MIN_PENDING_DAYS, MAX_PENDING_DAYS = 7, 1096
PROJECT_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}\Z")
SERVICE_RE = re.compile(r"^[a-z0-9_-]{1,32}\Z")   # the <service> of <service>/default
MIN_INTERVAL, MAX_INTERVAL = 30, 365               # rotation interval, days
GRANT_OPERATIONS = ("create-datakey", "create-datakey-without-plaintext", "encrypt-datakey",
                    "decrypt-datakey", "describe-key", "create-grant", "retire-grant",
                    "encrypt-data", "decrypt-data")
PRINCIPAL_TYPES = ("user", "domain")
GRANT_NAME_RE = re.compile(r"^[a-zA-Z0-9:/_-]{1,255}\Z")
PROJECT_TAG_PAGE = 1000                            # most tag keys in one page of project tags
AAD_MAX = 128                                      # bytes of encryption context


def bad(message: str, code: str = INVALID) -> DewError:
    """A 400 refusal (every KMS refusal but a missing key or tag, or a permission)."""
    return DewError(code, message, 400)


# --- keys ---------------------------------------------------------------------------------
def check_key_id(key_id: object) -> str:
    if not isinstance(key_id, str) or not KEY_ID_RE.match(key_id):
        raise bad(f"invalid key id {key_id!r}", INVALID_KEY_ID)
    return key_id


def check_alias(alias: object) -> str:
    if not isinstance(alias, str) or not ALIAS_RE.match(alias):
        raise bad(f"invalid key alias {alias!r}: 1-255 of letters, digits, _ - : /", INVALID_ALIAS)
    if alias.endswith("/default"):
        raise bad(f"key alias {alias!r} is reserved: only default keys end in /default", INVALID_ALIAS)
    return alias


def check_description(description: object) -> str:
    if description is None:
        return ""
    if not isinstance(description, str) or len(description) > MAX_DESCRIPTION:
        raise bad(f"key description must be at most {MAX_DESCRIPTION} characters", INVALID_DESCRIPTION)
    return description


def check_spec_usage(key_spec: object, key_usage: object, origin: object) -> tuple[str, str, str]:
    """(spec, usage, origin) of a new key; the usage defaults to the spec's first."""
    info = SPECS.get(key_spec) if isinstance(key_spec, str) else None
    if info is None:
        raise bad(f"invalid key_spec {key_spec!r}; one of {', '.join(SPECS)}")
    usage = key_usage or info.usages[0]
    if usage not in info.usages:
        raise bad(f"key_usage {usage} does not fit key_spec {key_spec} (allowed: {', '.join(info.usages)})")
    if origin not in ORIGINS:
        raise bad(f"invalid origin {origin!r}; kms or external")
    if origin == "external" and not info.importable:
        raise bad(f"key_spec {key_spec} cannot have imported material")
    return str(key_spec), str(usage), str(origin)


def check_pending_days(value: object) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) \
            or not MIN_PENDING_DAYS <= value <= MAX_PENDING_DAYS:
        raise bad(f"pending_days must be {MIN_PENDING_DAYS}-{MAX_PENDING_DAYS}, got {value!r}", PENDING_DAYS)
    return value


def check_project_name(name: object) -> str:
    if not isinstance(name, str) or not PROJECT_RE.match(name):
        raise bad(f"invalid enterprise project name {name!r}: 1-64 of letters, digits, _ -")
    return name


def check_tag_page(limit: object, offset: object) -> tuple[int, int]:
    """A page of project tags: limit 1-PROJECT_TAG_PAGE tag keys (KMS.1601), offset >= 0 (KMS.1602)."""
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= PROJECT_TAG_PAGE:
        raise bad(f"limit must be an integer 1-{PROJECT_TAG_PAGE}, got {limit!r}", LIMIT_RANGE)
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise bad(f"offset must be an integer >= 0, got {offset!r}", OFFSET_RANGE)
    return limit, offset


def default_alias(service: object) -> str:
    """`<service>/default` for a service name of 1-32 of a-z, digits, _ -."""
    if not isinstance(service, str) or not SERVICE_RE.match(service):
        raise bad(f"invalid service name {service!r} for a default key", INVALID_ALIAS)
    return f"{service}/default"


def check_interval(rotation_interval: object) -> int:
    if isinstance(rotation_interval, bool) or not isinstance(rotation_interval, int) \
            or not MIN_INTERVAL <= rotation_interval <= MAX_INTERVAL:
        raise bad(f"rotation_interval must be a whole number of days from {MIN_INTERVAL} to {MAX_INTERVAL}",
                  ROTATION_INTERVAL)
    return rotation_interval


# --- grants -------------------------------------------------------------------------------
def check_operations(operations: object) -> tuple[str, ...]:
    """The grant's operations in canonical order, without repeats."""
    if isinstance(operations, str) or not isinstance(operations, (list, tuple, set, frozenset)) \
            or not operations:
        raise bad("operations must be a non-empty list of grant operations")
    unknown = [str(op) for op in operations if op not in GRANT_OPERATIONS]
    if unknown:
        raise bad(f"unknown grant operation(s) {', '.join(unknown)}; allowed: {', '.join(GRANT_OPERATIONS)}")
    ops = tuple(op for op in GRANT_OPERATIONS if op in operations)
    if ops == ("create-grant",):
        raise bad("operations cannot be only create-grant", GRANT_ONLY_CREATE)
    return ops


def check_principal_type(principal_type: object) -> str:
    if principal_type not in PRINCIPAL_TYPES:
        raise bad("grantee_principal_type must be user or domain")
    return str(principal_type)


def check_grant_name(name: object) -> str:
    """A grant's optional name ("" when none)."""
    if name is None:
        return ""
    if not isinstance(name, str) or not GRANT_NAME_RE.match(name):
        raise bad("grant name must be 1-255 of letters, digits, : / _ -")
    return name


# --- cryptographic arguments ---------------------------------------------------------------
def as_bytes(value: object, field: str, code: str = INVALID) -> bytes:
    """bytes as given; str as UTF-8 (the cloud API's plain_text is a string)."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, str):
        return value.encode("utf-8")
    raise bad(f"{field} must be bytes", code)


def check_size(data: bytes, lo: int, hi: int, field: str, code: str = INVALID) -> bytes:
    if not lo <= len(data) <= hi:
        raise bad(f"{field} must be {lo}-{hi} bytes, got {len(data)}", code)
    return data


def aad_bytes(aad: object) -> bytes | None:
    """The encryption context as bytes (≤ 128), or None. Empty means none at all."""
    if aad is None:
        return None
    if isinstance(aad, str):
        aad = aad.encode("utf-8")
    if not isinstance(aad, (bytes, bytearray, memoryview)):
        raise bad("additional_authenticated_data must be str or bytes", INVALID_CONTEXT)
    data = bytes(aad)
    if len(data) > AAD_MAX:
        raise bad(f"additional_authenticated_data must be at most {AAD_MAX} bytes, got {len(data)}",
                  INVALID_CONTEXT)
    return data or None


def int_param(value: object, field: str, code: str) -> int:
    """An integer given as int or as a decimal string (the cloud sends strings)."""
    if isinstance(value, bool):
        raise bad(f"{field} must be an integer", code)
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise bad(f"{field} must be an integer", code)


def bits_param(value: object, field: str, lo: int, hi: int, range_code: str, multiple_code: str) -> int:
    n = int_param(value, field, range_code)
    if not lo <= n <= hi:
        raise bad(f"{field} must be {lo}-{hi} bits, got {n}", range_code)
    if n % 8:
        raise bad(f"{field} must be a multiple of 8 bits, got {n}", multiple_code)
    return n


def b64_or_none(text: object) -> bytes | None:
    """Strict base64 decoding; None when the text is not base64."""
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("ascii")
        except UnicodeDecodeError:
            return None
    if not isinstance(text, str):
        return None
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None


def hex_or_none(text: object) -> bytes | None:
    if not isinstance(text, str):
        return None
    try:
        return bytes.fromhex(text.strip())
    except ValueError:
        return None
