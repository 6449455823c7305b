"""KMS importing key material (BYOK): import parameters, import, deletion of material.

The user wraps material with standard tools (openssl, as the guide shows) under a fresh
RSA wrapping key we hand out with an opaque, authenticated import token. Security
decisions:
- the wrapping private key is sealed under the root key and destroyed when its token is
  used (or by the clean-up job once expired); a token works once, for its key only;
- the token is authenticated with an HMAC under a key derived from the root key, so a
  forged or altered token is refused before anything else is looked at;
- a key is bound to its first material forever: only a keyed digest of it is kept
  (`Cmk.material_digest`), never the material, and a different later import is refused.
"""
from __future__ import annotations

import base64
import binascii
import hmac
import struct
from datetime import datetime, timedelta, timezone

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap_with_padding
from sqlmodel import Session, col, delete, select
from sqlmodel.sql.expression import SelectOfScalar

from engine.codec import canonical
from engine.errors import DewError
from engine.events.kms_port import post_key_material_expired
from engine.hsm.keygen import generate_material, load_private_key, private_key_matches_spec
from engine.kms.keyrows import add_version, load_key
from engine.kms.results import ImportParameters
from engine.kms.rules import (EXPIRATION_PAST, INVALID, MATERIAL_DIFFERS, MATERIAL_LENGTH, MISSING_PARAMETER,
                              NOT_EXTERNAL, RSA_CANNOT_DECRYPT, TOKEN_EXPIRED, TOKEN_INVALID,
                              TOKEN_OTHER_KEY)
from engine.kms.specs import SPECS
from engine.kms.states import KeyState, next_state
from engine.models.imports import ImportParams
from engine.models.kms import Cmk, KeyVersion
from engine.service import Service

WRAPPING_ALGORITHMS = {"RSAES_OAEP_SHA_256": hashes.SHA256, "RSAES_OAEP_SHA_1": hashes.SHA1}
WRAPPING_KEY_SPECS = ("RSA_2048", "RSA_3072", "RSA_4096")
_TOKEN_MAGIC = b"\x00\x00\x88\x06"  # as the cloud's tokens begin
_TOKEN_LABEL = "dew-import-token-v1"
_MAC_LEN = 32


# --- the import token ------------------------------------------------------------------
def _token_mac(mac_key: bytes, body: bytes) -> bytes:
    return hmac.new(mac_key, body, "sha256").digest()


def encode_token(mac_key: bytes, key_id: str, token_id: str, expires: datetime,
                 public_der: bytes) -> str:
    """base64(magic || canonical(label, key id, token id, expiry, SPKI) || HMAC)."""
    body = _TOKEN_MAGIC + canonical(_TOKEN_LABEL, key_id, token_id, int(expires.timestamp()),
                                    public_der)
    return base64.b64encode(body + _token_mac(mac_key, body)).decode()


def _split_canonical(data: bytes) -> list[bytes]:
    parts, i = [], 0
    while i < len(data):
        if i + 5 > len(data):
            raise ValueError("truncated")
        (n,) = struct.unpack(">I", data[i + 1:i + 5])
        if i + 5 + n > len(data):
            raise ValueError("truncated")
        parts.append(data[i + 5:i + 5 + n])
        i += 5 + n
    return parts


def decode_token(mac_key: bytes, token: object) -> tuple[str, str, datetime]:
    """(key id, token id, expiry) of an authentic token; KMS.2605 for anything else."""
    forged = DewError(TOKEN_INVALID, "the import token cannot be verified", 400)
    if isinstance(token, bytes):
        token = token.decode("ascii", "replace")
    if not isinstance(token, str):
        raise forged
    try:
        raw = base64.b64decode(token.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise forged from None
    body, mac = raw[:-_MAC_LEN], raw[-_MAC_LEN:]
    if len(raw) <= _MAC_LEN + len(_TOKEN_MAGIC) or not hmac.compare_digest(mac, _token_mac(mac_key, body)):
        raise forged
    try:
        label, key_id, token_id, expiry, _spki = _split_canonical(body[len(_TOKEN_MAGIC):])
        if label.decode() != _TOKEN_LABEL:
            raise ValueError("label")
        return key_id.decode(), token_id.decode(), datetime.fromtimestamp(int(expiry), timezone.utc)
    except (ValueError, UnicodeDecodeError):
        raise forged from None


# --- unwrapping ------------------------------------------------------------------------
def _b64_input(value: object, field: str) -> bytes:
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    if not isinstance(value, str) or not value.strip():
        raise DewError(MISSING_PARAMETER, f"{field} is missing", 400)
    try:
        return base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise DewError(INVALID, f"{field} is not valid base64", 400) from None


def _rsa_unwrap(private_der: bytes, algorithm: str, wrapped: bytes) -> bytes:
    key = load_private_key(private_der)
    size = key.key_size // 8
    if len(wrapped) != size:
        raise DewError(INVALID, f"encrypted_key_material must be {size} bytes for this wrapping "
                                f"key (got {len(wrapped)})", 400)
    h = WRAPPING_ALGORITHMS[algorithm]
    try:
        return key.decrypt(wrapped, padding.OAEP(mgf=padding.MGF1(h()), algorithm=h(), label=None))
    except ValueError:
        raise DewError(RSA_CANNOT_DECRYPT, "the wrapped key material cannot be decrypted with this "
                                           f"wrapping key ({algorithm})", 400) from None


def _unwrap_private_key(temporary_key: bytes, wrapped_private: bytes, spec: str) -> bytes:
    """AES key wrap with padding (RFC 5649) of a DER PKCS#8 key → normalized DER PKCS#8."""
    try:
        der = aes_key_unwrap_with_padding(temporary_key, wrapped_private)
    except (InvalidUnwrap, ValueError):
        raise DewError(RSA_CANNOT_DECRYPT, "the wrapped private key cannot be unwrapped with the temporary "
                                           "key material (AES key wrap with padding, RFC 5649)", 400) from None
    if not private_key_matches_spec(der, spec):
        raise DewError(INVALID, f"the imported private key is not a DER PKCS#8 {spec} private key", 400)
    # one canonical encoding: the first-material digest must not depend on how it was encoded
    return load_private_key(der).private_bytes(serialization.Encoding.DER,
                                               serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption())


def _expiration(value: object, now: datetime) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, datetime)):
        raise DewError(INVALID, "expiration_time must be a time or epoch seconds", 400)
    if not isinstance(value, datetime):
        value = datetime.fromtimestamp(value, timezone.utc)
    if value.tzinfo is None:
        raise DewError(INVALID, "expiration_time must carry a time zone", 400)
    value = value.astimezone(timezone.utc)
    if value <= now:
        raise DewError(EXPIRATION_PAST, "expiration_time must be later than now", 400)
    return value


def _require_external(row: Cmk) -> None:
    if row.origin != "external":
        raise DewError(NOT_EXTERNAL, f"key {row.key_id} has origin {row.origin}: key origin must be external", 400)


def drop_material(s: Session, row: Cmk) -> None:
    """Delete every material version: the key waits for the same material again.

    The state change reads the table first (Enabled or Disabled only, KMS.2701 otherwise), so
    nothing is deleted from a key that may not lose its material."""
    new_state = next_state(row.key_state, "delete_material", row.key_id)
    s.exec(delete(KeyVersion).where(col(KeyVersion.key_id) == row.key_id))
    row.current_version = 0
    row.expiration_time = None
    row.key_state = new_state.value
    s.add(row)


class KeyImport(Service):
    def get_parameters_for_import(self, key_id: str, wrapping_algorithm: str = "RSAES_OAEP_SHA_256",
                                  wrapping_key_spec: str = "RSA_2048") -> ImportParameters:
        wrapping_der = None
        if wrapping_key_spec in WRAPPING_KEY_SPECS:  # generate outside the write lock
            wrapping_der = generate_material(wrapping_key_spec, self.ctx.rng)
        request = {"key_id": key_id, "wrapping_algorithm": wrapping_algorithm,
                   "wrapping_key_spec": wrapping_key_spec}
        with self._call("getParametersForImport", "cmk", request=request) as call:
            call.resource(key_id if isinstance(key_id, str) else "")
            row = load_key(call.s, key_id)
            call.resource(row.key_id, row.key_alias)
            call.authorize("kms:cmk:getMaterial", key=row)
            _require_external(row)
            next_state(row.key_state, "import_material", row.key_id)
            if wrapping_algorithm not in WRAPPING_ALGORITHMS:
                raise DewError(INVALID, f"invalid wrapping_algorithm {wrapping_algorithm!r}; one of "
                                        f"{', '.join(WRAPPING_ALGORITHMS)}", 400)
            if wrapping_der is None:
                raise DewError(INVALID, f"invalid wrapping_key_spec {wrapping_key_spec!r}; one of "
                                        f"{', '.join(WRAPPING_KEY_SPECS)}", 400)
            token_id = self.ctx.rng.hex_id(32)
            expires = call.now + timedelta(hours=self.ctx.settings.import_params_hours)
            hsm = self.ctx.hsm
            call.s.add(ImportParams(
                token_id=token_id, key_id=row.key_id, wrapping_algorithm=wrapping_algorithm,
                wrapping_key_spec=wrapping_key_spec, created=call.now, expires=expires,
                sealed_private_key=hsm.seal(wrapping_der, "import-wrapping-key", token_id, row.key_id)))
            public_der = load_private_key(wrapping_der).public_key().public_bytes(
                serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
            token = encode_token(hsm.derive("import-token"), row.key_id, token_id, expires, public_der)
            call.response = {"key_id": row.key_id, "expiration_time": int(expires.timestamp())}
            return ImportParameters(row.key_id, base64.b64encode(public_der).decode(), token, expires)

    def _claim_params(self, call, row: Cmk, import_token: object) -> ImportParams:
        """The parameters an authentic, unexpired, unused token for this key names."""
        token_key, token_id, expires = decode_token(self.ctx.hsm.derive("import-token"), import_token)
        if token_key != row.key_id:
            raise DewError(TOKEN_OTHER_KEY, f"the import token was issued for another key, not {row.key_id}", 400)
        if expires <= call.now:
            raise DewError(TOKEN_EXPIRED, "the import token has expired: get new import parameters", 400)
        params = call.s.exec(self.ctx.db.for_update(
            select(ImportParams).where(ImportParams.token_id == token_id))).first()
        if params is None or params.key_id != row.key_id:
            raise DewError(TOKEN_INVALID, "the import token is unknown or has already been used", 400)
        return params

    def _unwrap_material(self, row: Cmk, params: ImportParams, encrypted_key_material: object,
                         encrypted_privatekey: object) -> bytes:
        wrapped = _b64_input(encrypted_key_material, "encrypted_key_material")
        symmetric = SPECS[row.key_spec].symmetric
        if symmetric and encrypted_privatekey is not None:
            raise DewError(INVALID, f"encrypted_privatekey is only for asymmetric keys, not {row.key_spec}", 400)
        wrapped_private = b"" if symmetric else _b64_input(encrypted_privatekey, "encrypted_privatekey")
        private_der = self.ctx.hsm.open(params.sealed_private_key, "import-wrapping-key",
                                        params.token_id, params.key_id)
        material = _rsa_unwrap(private_der, params.wrapping_algorithm, wrapped)
        if len(material) != 32:
            what = "key material" if symmetric else "temporary key material"
            raise DewError(MATERIAL_LENGTH, f"the {what} must be 32 bytes", 400)
        if symmetric:
            return material
        return _unwrap_private_key(material, wrapped_private, row.key_spec)

    def import_key_material(self, key_id: str, import_token: str, encrypted_key_material: str,
                            encrypted_privatekey: str | None = None,
                            expiration_time: datetime | int | None = None) -> None:
        request = {"key_id": key_id, "expiration_time": str(expiration_time) if expiration_time else None}
        with self._call("importKeyMaterial", "cmk", request=request) as call:
            call.resource(key_id if isinstance(key_id, str) else "")
            row = load_key(call.s, key_id, self.ctx.db)
            call.resource(row.key_id, row.key_alias)
            call.authorize("kms:cmk:importMaterial", key=row)
            _require_external(row)
            new_state = next_state(row.key_state, "import_material", row.key_id)
            params = self._claim_params(call, row, import_token)
            expires = _expiration(expiration_time, call.now)
            material = self._unwrap_material(row, params, encrypted_key_material, encrypted_privatekey)
            digest = self.ctx.hsm.keyed_digest("import-material", material)
            if row.material_digest and not hmac.compare_digest(row.material_digest, digest):
                raise DewError(MATERIAL_DIFFERS, "this key material differs from the material first imported "
                                                 f"into key {row.key_id}", 400)
            call.s.exec(delete(KeyVersion).where(col(KeyVersion.key_id) == row.key_id))
            row.current_version = 0
            add_version(call.s, self.ctx.hsm, row, material, call.now, version=1)
            row.material_digest = digest
            row.expiration_time = expires
            row.key_state = new_state.value
            call.s.add(row)
            call.s.delete(params)  # the token is spent: its wrapping private key is destroyed
            call.response = {"key_id": row.key_id, "key_state": row.key_state}

    def cancel_import_token(self, key_id: str, import_token: str) -> bool:
        """Invalidate an unused import token (the import was abandoned, guide 2.1.3.2): its
        wrapping private key is destroyed now rather than at its expiry, and the token can no
        longer import. True when it was still unused; False when already spent or cleaned up.
        A forged token or one for another key is refused as at import."""
        with self._call("cancelImportToken", "cmk", request={"key_id": key_id}) as call:
            call.resource(key_id if isinstance(key_id, str) else "")
            row = load_key(call.s, key_id)
            call.resource(row.key_id, row.key_alias)
            call.authorize("kms:cmk:getMaterial", key=row)
            token_key, token_id, _expires = decode_token(self.ctx.hsm.derive("import-token"), import_token)
            if token_key != row.key_id:
                raise DewError(TOKEN_OTHER_KEY, f"the import token was issued for another key, not {row.key_id}", 400)
            gone = call.s.exec(delete(ImportParams).where(col(ImportParams.token_id) == token_id,
                                                          col(ImportParams.key_id) == row.key_id))
            unused = bool(gone.rowcount)
            call.response = {"key_id": row.key_id, "invalidated": unused}
            return unused

    def delete_imported_key_material(self, key_id: str) -> None:
        with self._call("deleteImportedKeyMaterial", "cmk", request={"key_id": key_id}) as call:
            call.resource(key_id if isinstance(key_id, str) else "")
            row = load_key(call.s, key_id, self.ctx.db)
            call.resource(row.key_id, row.key_alias)
            call.authorize("kms:cmk:deleteMaterial", key=row)
            _require_external(row)
            if not SPECS[row.key_spec].symmetric:
                raise DewError(INVALID, f"key material of asymmetric key {row.key_id} ({row.key_spec}) "
                                        "cannot be deleted: schedule the key's deletion instead", 400)
            drop_material(call.s, row)
            call.response = {"key_id": row.key_id, "key_state": row.key_state}

    # --- due work (called by engine.kms.import_jobs) ----------------------------------
    def _expire_material_due(self, now: datetime) -> int:
        """Delete imported material whose expiration time has passed (one transaction)."""
        where = (col(Cmk.key_state).in_((KeyState.ENABLED.value, KeyState.DISABLED.value)),
                 col(Cmk.expiration_time).is_not(None), col(Cmk.expiration_time) <= now,
                 Cmk.origin == "external")  # index ix_cmk_state_expiration
        if not self._anything_due(select(Cmk.key_id).where(*where)):
            return 0
        with self._job("deleteImportedKeyMaterial", "cmk", now) as job:
            expired: SelectOfScalar[Cmk] = self.ctx.db.for_update(select(Cmk).where(*where))
            rows = job.s.exec(expired).all()
            for row in rows:
                when = row.expiration_time
                request = {"key_id": row.key_id, "reason": "key material expired",
                           "expiration_time": when.isoformat() if when else None}
                drop_material(job.s, row)
                job.trace(resource_id=row.key_id, resource_name=row.key_alias, domain_id=row.domain_id,
                          request=request, response={"key_id": row.key_id, "key_state": row.key_state})
                post_key_material_expired(job, row.domain_id, row.key_id, row.key_alias, when)
            return len(rows)

    def _cleanup_import_params_due(self, now: datetime) -> int:
        """Destroy expired wrapping keys (used ones were destroyed when used)."""
        if not self._anything_due(select(ImportParams.key_id).where(col(ImportParams.expires) <= now)):
            return 0
        with self._job("cleanupImportParameters", "cmk", now) as job:
            result = job.s.exec(delete(ImportParams).where(col(ImportParams.expires) <= now))
            return int(result.rowcount or 0)
