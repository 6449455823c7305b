"""Versions and stages of a secret: add, list, read a value, expiry, set/show/delete stages.

Reading a value is the one operation that reveals a secret: it is audited (without the
value) and needs the secret Enabled and the KMS key that sealed the version Enabled.
"""
from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from engine.csms.results import SecretVersionValue, Stage, VersionMetadata
from engine.csms.rows import SecretBase, fire, load_secret, version_metadata
from engine.csms.rules import check_expire_time, check_stage_list, check_stage_name, encode_value
from engine.csms.stages import delete_stage, find_stage, move_stage, stages_by_version
from engine.csms.versionread import VersionRead
from engine.csms.versions import add_version, load_version, open_value
from engine.errors import DewError
from engine.models.csms import SecretStage, SecretVersion

_UNSET: Any = object()


class SecretVersions(SecretBase):
    def create_secret_version(self, name: str, secret_string: Any = None, secret_binary: Any = None,
                              version_stages: list[str] | None = None,
                              expire_time=None) -> VersionMetadata:
        """A new version (default stage SYSCURRENT; the old current becomes SYSPREVIOUS)."""
        request = {"version_stages": version_stages, "expire_time": expire_time,
                   "value_kind": "binary" if secret_binary is not None else "string"}
        with self._on_secret("createSecretVersion", name, "csms:secret:createVersion", request,
                             frozen_when_pending="adding a version") as (call, row):
            value, kind = encode_value(secret_string, secret_binary)
            stages = check_stage_list(version_stages, self.ctx.settings.stages_per_secret)
            expire = check_expire_time(expire_time, call.now)
            v = add_version(call, row, value, kind, stages, expire)
            fire(call, row, "SECRET_VERSION_CREATED", v.version_id)
            call.response = {"version_id": v.version_id}
            return version_metadata(call.s, row, v)

    def list_secret_versions(self, name: str) -> list[VersionMetadata]:
        """Every version's metadata, newest first (no values)."""
        with self._reading_secret("listSecretVersions", name, "csms:secret:listVersion") as (call, row):
            staged = stages_by_version(call.s, row.secret_id)
            versions = call.s.exec(select(SecretVersion).where(SecretVersion.secret_id == row.secret_id)
                                   .order_by(col(SecretVersion.seq).desc())).all()
            return [version_metadata(call.s, row, v, staged) for v in versions]

    def show_secret_version(self, name: str, version_id: str = "latest") -> SecretVersionValue:
        """Metadata and value of a version (`latest` = SYSCURRENT)."""
        read = VersionRead(version_id)  # one SELECT: the secret, the version, its stages and key
        with self._on_secret("showSecretVersion", name, "csms:secret:getVersion",
                             {"version_id": version_id}, frozen_when_pending="reading values",
                             load=read.secret) as (call, row):
            v, staged = read.version(call.s)
            plain = open_value(call, row, v)
            call.response = {"version_id": v.version_id}
            meta = version_metadata(call.s, row, v, staged)
            if v.value_kind == "binary":
                return SecretVersionValue(meta, secret_binary=plain)
            return SecretVersionValue(meta, secret_string=plain.decode("utf-8"))

    def update_version(self, name: str, version_id: str, expire_time=None) -> VersionMetadata:
        """Set (or clear with None) a version's expiry; a new expiry can notify again."""
        with self._on_secret("updateSecretVersion", name, "csms:secret:updateVersion",
                             {"version_id": version_id, "expire_time": expire_time},
                             frozen_when_pending="changing a version") as (call, row):
            v = load_version(call.s, row, version_id)
            v.expire_time = check_expire_time(expire_time, call.now)
            v.expiry_notified = False  # SECRET_VERSION_EXPIRED fires once per expiry time
            call.s.add(v)
            call.s.flush()
            call.response = {"version_id": v.version_id}
            return version_metadata(call.s, row, v)

    # --- stages ------------------------------------------------------------------------
    def update_secret_stage(self, name: str, stage_name: str, version_id: str) -> Stage:
        """Set a stage on a version: creates it, or moves it off the version that had it."""
        trace = self._stage_trace(name, stage_name)
        with self._on_secret(trace, name, "csms:secret:updateStage",
                             {"stage_name": stage_name, "version_id": version_id},
                             frozen_when_pending="changing stages") as (call, row):
            v = load_version(call.s, row, version_id)
            st = move_stage(call.s, row, stage_name, v.version_id, call.now,
                            self.ctx.settings.stages_per_secret)
            call.response = {"stage_name": st.stage_name, "version_id": st.version_id}
            return Stage(st.stage_name, st.version_id, st.update_time, row.name)

    def _stage_trace(self, name: object, stage_name: object) -> str:
        """createSecretStage for a new stage, updateSecretStage for a move (as the cloud's CTS)."""
        try:
            with self._read() as s:
                row = load_secret(s, self.ctx.principal.domain_id, name)
                exists = s.get(SecretStage, (row.secret_id, check_stage_name(stage_name))) is not None
                return "updateSecretStage" if exists else "createSecretStage"
        except DewError:
            return "updateSecretStage"  # refused again, and audited, by the call itself

    def show_secret_stage(self, name: str, stage_name: str) -> Stage:
        with self._on_secret("showSecretStage", name, "csms:secret:getStage",
                             {"stage_name": stage_name}) as (call, row):
            st = find_stage(call.s, row, stage_name)
            return Stage(st.stage_name, st.version_id, st.update_time, row.name)

    def delete_secret_stage(self, name: str, stage_name: str) -> None:
        """Remove a custom stage (SYSCURRENT and SYSPREVIOUS: CSMS.0105)."""
        with self._on_secret("deleteSecretStage", name, "csms:secret:deleteStage",
                             {"stage_name": stage_name}, frozen_when_pending="changing stages") as (call, row):
            delete_stage(call.s, row, stage_name)
            row.update_time = call.now
            call.s.add(row)
