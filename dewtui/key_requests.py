"""Typed requests of the issue-3 key dialogs (import wizard, rotation, grants, principal).

Plain frozen dataclasses, no Textual: a dialog validates for comfort and returns one of these
through `dismiss()`; the flow or pane that opened it makes the engine call, which re-checks
everything.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ImportTarget:
    """The Pending-import key the wizard imports into (from step 1 or from a key's row)."""
    key_id: str
    alias: str
    key_spec: str

    @property
    def symmetric(self) -> bool:
        return self.key_spec == "AES_256"


@dataclass(frozen=True)
class WrappingRequest:
    """Step 2: how to wrap, and where to save the wrapping key and the token."""
    wrapping_algorithm: str
    wrapping_key_spec: str
    directory: str


@dataclass(frozen=True)
class SavedItems:
    """What step 2 produced: files on disk and the token kept in memory for step 4."""
    target: ImportTarget
    wrapping_algorithm: str
    directory: str
    public_key_file: str
    token_file: str
    import_token: str
    expires: datetime


@dataclass(frozen=True)
class ImportMaterialRequest:
    """Step 4: the wrapped material file(s) and the expiry mode (None = never expires)."""
    material_file: str
    private_key_file: str | None
    expiration_time: datetime | None


@dataclass(frozen=True)
class GrantRequest:
    grantee_principal: str
    grantee_principal_type: str  # "user" or "domain" (an account)
    operations: tuple[str, ...]
    name: str = ""
    retiring_principal: str = ""

    def kwargs(self) -> dict:
        kw: dict = {"grantee_principal": self.grantee_principal, "operations": list(self.operations),
                    "grantee_principal_type": self.grantee_principal_type}
        if self.name:
            kw["name"] = self.name
        if self.retiring_principal:
            kw["retiring_principal"] = self.retiring_principal
        return kw


@dataclass(frozen=True)
class PrincipalRequest:
    """Act as user `name`; `create` first creates it (in the local account)."""
    name: str
    create: bool = False
