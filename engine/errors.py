"""Errors the engine raises: one type, carrying the cloud API's codes.

Every refusal is a `DewError` with the cloud service's error code (`KMS.0209`), a message
naming what is wrong, and the HTTP status the cloud would answer. Anything else escaping a
service call is a bug. Messages never carry plaintext, key material or secret values.
"""
from __future__ import annotations


class DewError(Exception):
    """A refused or failed call: `code`, `message`, `http_status`."""

    def __init__(self, code: str, message: str, http_status: int = 400) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.http_status = http_status

    def __repr__(self) -> str:
        return f"DewError({self.code!r}, {self.message!r}, {self.http_status})"


class KmsError(DewError):
    """A refusal from the key management service."""


class CsmsError(DewError):
    """A refusal from the secret manager."""


class IamError(DewError):
    """A refusal from the permission model."""


class SealedError(DewError):
    """The root key is passphrase-sealed and the engine has not been unsealed."""

    def __init__(self) -> None:
        super().__init__("DEW.0001", "the engine is sealed: unseal it with the root key passphrase", 403)


CANNOT_DECRYPT = "the ciphertext cannot be decrypted"


def invalid(code: str, message: str) -> DewError:
    """A 400 refusal for a malformed parameter (family taken from the code)."""
    family = code.split(".", 1)[0]
    cls = {"KMS": KmsError, "CSMS": CsmsError, "IAM": IamError}.get(family, DewError)
    return cls(code, message, 400)
