"""Removes plaintext, key material and secret values from what goes into a trace.

Services pass only safe fields, and this is the second line: any field whose name says it
carries a secret is replaced by a marker, at any depth, before it is stored.
"""
from __future__ import annotations

from typing import Any

SENSITIVE_FIELDS = frozenset({
    "plain_text", "plaintext", "plain_text_base64", "data_key", "datakey", "secret_string",
    "secret_binary", "secret_blob", "encrypted_key_material", "encrypted_privatekey",
    "import_token", "material", "key_material", "private_key", "message", "password",
    "passphrase", "value_plain", "random_data", "mac", "signature", "cipher_text",
})
REDACTED = "***"


def sanitize(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: (REDACTED if str(k).lower() in SENSITIVE_FIELDS else sanitize(v))
                for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [sanitize(v) for v in value]
    if isinstance(value, bytes):
        return REDACTED
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)
