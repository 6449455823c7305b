"""Import parameters (BYOK): the wrapping key pairs handed out by get-parameters-for-import.

One row per issued import token. The wrapping private key is stored only sealed under the
root key; the row is deleted (so the private key destroyed) when its token is used or by
the clean-up job once it has expired.
"""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from engine.db import UTCDateTime


class ImportParams(SQLModel, table=True):
    __tablename__ = "kms_import_params"
    token_id: str = Field(primary_key=True, max_length=64)  # random id embedded in the token
    key_id: str = Field(foreign_key="cmk.key_id", index=True, ondelete="CASCADE")
    wrapping_algorithm: str = Field(max_length=32)
    wrapping_key_spec: str = Field(max_length=16)
    sealed_private_key: bytes  # DER PKCS#8, sealed (AAD: purpose, token id, key id)
    created: datetime = Field(sa_type=UTCDateTime)
    expires: datetime = Field(sa_type=UTCDateTime, index=True)
