"""Typed requests of the keys area: what its dialogs return through `dismiss()` and what its
list shows (`KeyQuery`); screens and flows turn them into engine calls.

Plain frozen dataclasses (no Textual): a dialog validates for comfort, the engine re-checks.
Import wizard steps return `ImportTarget`, `WrappingRequest` and `ImportMaterialRequest`;
the Grants tab's dialog returns a `GrantRequest`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class KeyRef:
    key_id: str
    alias: str


@dataclass(frozen=True)
class CreateKeyRequest:
    key_alias: str
    key_spec: str
    key_usage: str
    key_description: str = ""
    origin: str = "kms"
    enterprise_project_id: str = "default"
    tags: tuple[tuple[str, str], ...] = ()

    def kwargs(self) -> dict:
        return {"key_alias": self.key_alias, "key_spec": self.key_spec, "key_usage": self.key_usage,
                "key_description": self.key_description, "origin": self.origin,
                "enterprise_project_id": self.enterprise_project_id,
                "tags": [{"key": k, "value": v} for k, v in self.tags]}


@dataclass(frozen=True)
class StateChangeRequest:
    """enable / disable / cancel_deletion over some keys (confirmed by the user)."""
    action: str
    keys: tuple[KeyRef, ...]


@dataclass(frozen=True)
class ScheduleDeletionRequest:
    keys: tuple[KeyRef, ...]
    pending_days: int = 7


@dataclass(frozen=True)
class KeyQuery:
    """What the keys list shows: filters, sort and the page window (all done in the database)."""
    search: str = ""
    key_state: str | None = None
    key_usage: str | None = None
    origin: str | None = None
    enterprise_project_id: str | None = None
    created_after: datetime | None = None   # creation time range (UTC), both ends included
    created_before: datetime | None = None
    tag_key: str = ""                       # keys with this tag (any value, or tag_value)
    tag_value: str | None = None
    sort: str = "key_alias"
    descending: bool = False
    limit: int = 40
    offset: int = 0
    extra: dict = field(default_factory=dict, compare=False)

    def kwargs(self) -> dict:
        kw: dict = {"sort": self.sort, "descending": self.descending,
                    "limit": self.limit, "offset": self.offset}
        if self.search:
            kw["search"] = self.search
        for name in ("key_state", "key_usage", "origin", "enterprise_project_id", "created_after", "created_before"):
            value = getattr(self, name)
            if value:
                kw[name] = value
        if self.tag_key:
            kw["tags"] = {self.tag_key: self.tag_value}
        kw.update(self.extra)
        return kw


@dataclass(frozen=True)
class KeyFilters:
    """The "more filters" dialog's answer: creation time range and one tag."""
    created_after: datetime | None = None
    created_before: datetime | None = None
    tag_key: str = ""
    tag_value: str | None = None

    def describe(self) -> str:
        """For the status line: what narrows the list besides the filter bar ('' for nothing)."""
        parts = []
        if self.created_after or self.created_before:
            fmt = "%Y-%m-%d %H:%M"
            start = self.created_after.strftime(fmt) if self.created_after else "…"
            end = self.created_before.strftime(fmt) if self.created_before else "…"
            parts.append(f"created {start} – {end}")
        if self.tag_key:
            parts.append(f"tag {self.tag_key}" + (f"={self.tag_value}" if self.tag_value is not None else ""))
        return ", ".join(parts)


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
