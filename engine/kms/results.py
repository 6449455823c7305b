"""Frozen results of KMS calls (never ORM rows). Field names follow the cloud API."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from engine.tags import Tag  # noqa: F401  (results carry tags)
from engine.kms.states import KeyState


@dataclass(frozen=True)
class KeyDetails:
    key_id: str
    domain_id: str
    key_alias: str
    key_spec: str
    key_usage: str
    key_description: str
    key_state: KeyState
    origin: str
    default_key_flag: bool
    enterprise_project_id: str
    creation_date: datetime
    scheduled_deletion_date: datetime | None = None
    expiration_time: datetime | None = None
    key_rotation_enabled: bool = False
    rotation_interval: int = 365
    last_rotation_time: datetime | None = None
    number_of_rotations: int = 0
    key_version: int = 0
    tags: tuple[Tag, ...] = ()

    @property
    def state_label(self) -> str:
        return self.key_state.label


@dataclass(frozen=True)
class KeyList:
    keys: tuple[KeyDetails, ...]
    total: int
    limit: int
    offset: int

    @property
    def truncated(self) -> bool:
        return self.offset + len(self.keys) < self.total


@dataclass(frozen=True)
class ProjectTag:
    """A tag key in use on the account's keys and every value it has (the cloud's `list_kms_tags`)."""
    key: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class ProjectTags:
    """One page of the account's tag keys, by key; `total` tag keys in use over all pages."""
    tags: tuple[ProjectTag, ...]
    total: int
    limit: int
    offset: int

    @property
    def truncated(self) -> bool:
        return self.offset + len(self.tags) < self.total


@dataclass(frozen=True)
class EncryptResult:
    key_id: str
    cipher_text: str  # base64


@dataclass(frozen=True)
class DecryptResult:
    key_id: str
    plain_text: bytes = field(repr=False)


@dataclass(frozen=True)
class DataKey:
    key_id: str
    plain_text: bytes = field(repr=False)
    cipher_text: str = ""  # hex


@dataclass(frozen=True)
class DataKeyCipher:
    key_id: str
    cipher_text: str  # hex
    datakey_length: int = 0  # bytes


@dataclass(frozen=True)
class DecryptedDataKey:
    data_key: bytes = field(repr=False)
    datakey_length: int = 0  # bytes
    datakey_dgst: str = ""  # hex SHA-256 of the data key


@dataclass(frozen=True)
class SignResult:
    key_id: str
    signature: str  # base64


@dataclass(frozen=True)
class MacResult:
    key_id: str
    mac_algorithm: str
    mac: str  # hex


@dataclass(frozen=True)
class ImportParameters:
    key_id: str
    public_key: str  # base64 DER SubjectPublicKeyInfo
    import_token: str  # base64
    expiration_time: datetime


@dataclass(frozen=True)
class GrantInfo:
    key_id: str
    grant_id: str
    grantee_principal: str
    grantee_principal_type: str
    operations: tuple[str, ...]
    issuing_principal: str
    creation_date: datetime
    name: str = ""
    retiring_principal: str = ""


@dataclass(frozen=True)
class KeyMaterialVersion:
    version: int
    create_time: datetime
    current: bool


@dataclass(frozen=True)
class RotationStatus:
    key_id: str
    key_rotation_enabled: bool
    rotation_interval: int
    last_rotation_time: datetime | None
    number_of_rotations: int
    next_rotation_time: datetime | None
    key_materials: tuple[KeyMaterialVersion, ...] = ()


@dataclass(frozen=True)
class DeletionRisk:
    key_id: str
    grants: tuple[GrantInfo, ...]
    secrets: tuple[str, ...]  # names of secrets whose versions are sealed by the key
    recent_uses: tuple[tuple[datetime, str, str], ...]  # (time, trace_name, user)


@dataclass(frozen=True)
class Quota:
    type: str  # "CMK" or "grant_per_CMK"
    used: int
    quota: int
