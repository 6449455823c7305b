"""Row MACs: security-relevant rows are authenticated, so editing the database without the
root key cannot enable a key, add a grant, widen a policy or make a user an administrator.

Each protected row carries `mac = HMAC-SHA256(k_rows, canonical(MAC_LABEL, table, bound
fields))`, where `k_rows = hsm.derive(PURPOSE)` never leaves memory. The bound fields of each
table are listed in `BOUND` (primary key first); a column left out is named in `UNBOUND` with
the reason, so a column added later forces a decision (a test checks every column is in one
of the two). The MAC is written by the ORM's `before_insert`/`before_update` mapper events
and checked by its `load`/`refresh` events: an entity whose MAC does not match is refused
with `DEW.0010` naming the table and row id (no other field, nothing secret). Only entity loads are checked:
code that decides permissions must select entities, not columns (`select(Policy,
PolicyAttachment)`, not a join it does not load). Core `insert()`/`update()` statements on a
protected table bypass the events and are refused by `do_orm_execute`, except a bulk insert
of rows made by `stamped` (deletes are allowed: removing a row never grants anything).

What is not covered: key material versions need no MAC (their sealed blob is AES-GCM with
key id, version and spec as associated data, so a copied or invented version fails to
open); deleting rows, and putting back an older row together with its older MAC (rollback),
are not detected: both need a record outside the database.

Existing databases (trust on first use): at open, a protected table without a `mac` column
gets one (`ALTER TABLE ... ADD COLUMN`) and every row it holds is MACed once, as it is then;
after that the meta row `row_integrity` says the database is protected, and a protected table
found later without its column is refused (DEW.0010) rather than trusted again. That row is
in the database too: whoever drops a column *and* that row gets first-use trust once more,
which is the limit of trusting on first use without a record outside the database.
"""
from __future__ import annotations

import enum
import hashlib
import hmac
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import event, inspect, select, update
from sqlalchemy.orm import Session as SASession
from sqlalchemy.orm.base import instance_state

from engine.codec import canonical
from engine.db import ROW_MAC_INFO  # Session.info entry: the keyed HMAC state, copied per row
from engine.errors import DewError, SealedError
from engine.models.access_keys import AccessKey
from engine.models.core import Meta, Policy, PolicyAttachment, User
from engine.models.csms import Secret, SecretStage
from engine.models.grants import Grant
from engine.models.iam_groups import GroupMembership, GroupPolicyAttachment, UserGroup
from engine.models.kms import Cmk

PURPOSE = "row-integrity"  # HKDF label of the row MAC key
MAC_LABEL = "dewtui row mac v1"
MARKER = "row_integrity"  # meta row: this database's protected rows all carry a MAC
MARKER_VALUE = "v1"
INTEGRITY_CODE = "DEW.0010"

ENABLED = True  # False only in the overhead benchmark: no MAC written or checked

BOUND: dict[type, tuple[str, ...]] = {
    Cmk: ("key_id", "domain_id", "key_alias", "key_description", "key_spec", "key_usage",
          "key_state", "origin", "default_key", "enterprise_project_id", "creation_date",
          "scheduled_deletion_date", "expiration_time", "material_digest", "rotation_enabled",
          "rotation_interval", "rotation_due", "last_rotation_time", "rotation_count",
          "current_version"),
    Grant: ("grant_id", "key_id", "name", "grantee_principal", "grantee_principal_type",
            "operations", "issuing_principal", "retiring_principal", "creation_date"),
    Policy: ("policy_id", "name", "document", "system", "domain_id", "created"),
    # the surrogate `id` is left out: the pair (user, policy) is unique and is the meaning
    PolicyAttachment: ("user_id", "policy_id"),
    User: ("user_id", "name", "domain_id", "is_admin", "created"),
    Secret: ("secret_id", "domain_id", "name", "secret_type", "state", "kms_key_id",
             "description", "enterprise_project_id", "create_time", "update_time",
             "scheduled_delete_time", "event_subscriptions", "auto_rotation", "rotation_period",
             "rotation_generator", "rotation_time", "next_rotation_time", "rotation_error",
             "version_counter"),
    SecretStage: ("secret_id", "stage_name", "version_id", "update_time"),
    UserGroup: ("group_id", "name", "domain_id", "created"),
    GroupMembership: ("group_id", "user_id"),
    GroupPolicyAttachment: ("group_id", "policy_id"),
    AccessKey: ("access", "user_id", "domain_id", "status", "description", "created_at",
                "secret_sealed"),
}
# columns of protected tables deliberately not bound, with why
UNBOUND: dict[type, dict[str, str]] = {
    PolicyAttachment: {"id": "surrogate key; (user_id, policy_id) is unique and bound"},
    AccessKey: {"last_used_at": "a hint shown to the key's owner; decides nothing"},
}
_TABLES = {m.__table__.name: m for m in BOUND}  # type: ignore[attr-defined]


class RowKey:
    """The HMAC state for one row MAC key (each row MAC copies it: no re-keying per row), and
    the rows it has verified: a row loaded again with the very MAC and values (of the same
    types) it was verified with is not hashed again. Memory only; a new key starts empty."""

    __slots__ = ("_state", "verified")
    REMEMBERED = 4096  # rows; the memory is emptied when full

    def __init__(self, key: bytes) -> None:
        self._state = hmac.new(key, digestmod=hashlib.sha256)
        self.verified: dict[str, tuple[Any, ...]] = {}

    def copy(self) -> Any:
        return self._state.copy()

    def seen(self, mac: str, values: tuple[Any, ...]) -> bool:
        """Was a row with this MAC and exactly these values verified under this key?"""
        known = self.verified.get(mac)
        return (known is not None and known == values
                and all(type(a) is type(b) for a, b in zip(known, values)))

    def remember(self, mac: str, values: tuple[Any, ...]) -> None:
        if len(self.verified) >= self.REMEMBERED:
            self.verified.clear()
        self.verified[mac] = values


def keyed_state(key: bytes) -> RowKey:
    """The row MAC state for `key` (see RowKey)."""
    return RowKey(key)


def _part(v: Any) -> str | bytes | int | None:
    if isinstance(v, enum.Enum):
        v = v.value
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, datetime):
        if v.tzinfo is None:
            raise ValueError("naive datetime in a protected row")
        return v.astimezone(timezone.utc).isoformat()
    return v


def row_mac(state: Any, table: str, values: tuple[Any, ...]) -> str:
    h = state.copy()
    h.update(canonical(MAC_LABEL, table, *(_part(v) for v in values)))
    return h.hexdigest()


def integrity_error(table: str, row_id: str) -> DewError:
    return DewError(INTEGRITY_CODE, f"integrity check failed for {table} row {row_id}: it was "
                                    "changed outside dewtui, refusing to use it", 500)


def _row_id(target: Any) -> str:
    ident = instance_state(target).identity or inspect(target).mapper.primary_key_from_instance(target)
    return "/".join(str(x) for x in ident)


def _mac_state(session: Any) -> Any:
    st = session.info.get(ROW_MAC_INFO) if session is not None else None
    if st is None:
        raise SealedError()  # no root key: a protected row can be neither written nor trusted
    return st


# --- ORM events -------------------------------------------------------------------------
def _stamp(_mapper: Any, _conn: Any, target: Any) -> None:
    if not ENABLED:
        return
    model = type(target)
    table = model.__table__.name
    target.mac = row_mac(_mac_state(SASession.object_session(target)), table,
                         tuple(getattr(target, f) for f in BOUND[model]))


def _check(target: Any, session: Any) -> None:
    if not ENABLED:
        return
    model = type(target)
    table = model.__table__.name
    loaded = instance_state(target).dict
    try:
        values = tuple(loaded[f] for f in BOUND[model])
        stored = loaded["mac"]
    except KeyError:  # loaded without all bound fields: cannot be trusted
        raise integrity_error(table, _row_id(target)) from None
    state = _mac_state(session)
    if isinstance(stored, str) and state.seen(stored, values):
        return
    want = row_mac(state, table, values)
    if not isinstance(stored, str) or not hmac.compare_digest(want, stored):
        raise integrity_error(table, _row_id(target))
    state.remember(stored, values)


def _on_load(target: Any, context: Any) -> None:
    _check(target, context.session)


def _on_refresh(target: Any, context: Any, attrs: Any) -> None:
    _check(target, context.session)


def _no_core_writes(orm_state: Any) -> None:
    """Core/bulk INSERT or UPDATE on a protected table would skip the MAC: refused, except a
    bulk insert whose every row carries its right MAC (rows made by `stamped`)."""
    if not ENABLED or not (orm_state.is_update or orm_state.is_insert):
        return
    model = _TABLES.get(str(getattr(getattr(orm_state.statement, "table", None), "name", "")))
    if model is None:
        return
    name: str = model.__table__.name  # type: ignore[attr-defined]
    if orm_state.is_insert:
        params = orm_state.parameters
        rows = params if isinstance(params, list) else [params] if params else []
        state = _mac_state(orm_state.session)
        if rows and all(isinstance(r, dict) and hmac.compare_digest(
                str(r.get("mac", "")), row_mac(state, name, _row_values(model, r)))
                for r in rows):
            return
    raise RuntimeError(f"{name} rows are MAC-protected: change them through the ORM "
                       "(or bulk-insert rows made by engine.integrity.stamped)")


def _row_values(model: type, row: dict) -> tuple[Any, ...]:
    cols = model.__table__.c  # type: ignore[attr-defined]
    return tuple(row[f] if f in row else _added_value(cols[f]) for f in BOUND[model])


def stamped(session: Any, model: type, rows: list[dict]) -> list[dict]:
    """Copies of `rows` (column name -> value) with their MAC, for a bulk
    `session.execute(insert(model), rows)`; a bound column left out gets its model default."""
    state = _mac_state(session)
    table = model.__table__.name  # type: ignore[attr-defined]
    return [dict(r, mac=row_mac(state, table, _row_values(model, r))) for r in rows]


for _model in BOUND:
    event.listen(_model, "before_insert", _stamp)
    event.listen(_model, "before_update", _stamp)
    event.listen(_model, "load", _on_load)
    event.listen(_model, "refresh", _on_refresh)
event.listen(SASession, "do_orm_execute", _no_core_writes)


# --- opening a database -----------------------------------------------------------------
def _added_value(column: Any) -> Any:
    """The value a bound column an older database lacks will hold once its own upgrade adds
    it: the model's scalar default (that upgrade adds it with the same default)."""
    default = column.default
    return default.arg if default is not None and default.is_scalar else None


def protect_existing(conn: Any, key: bytes) -> list[str]:
    """Give every protected table its `mac` column and MAC rows that have none (first use).

    Runs inside the caller's write transaction at open. → tables upgraded now. A table
    missing its column in a database already marked protected is refused (DEW.0010)."""
    insp = inspect(conn)
    meta = Meta.__table__  # type: ignore[attr-defined]
    marked = conn.execute(select(meta.c.value).where(meta.c.name == MARKER)).first() is not None
    state = keyed_state(key)
    upgraded = []
    for model, fields in BOUND.items():
        table = model.__table__  # type: ignore[attr-defined]
        have = {c["name"] for c in insp.get_columns(table.name)}
        if "mac" in have:
            continue
        if marked:
            raise DewError(INTEGRITY_CODE, f"integrity check failed: table {table.name} lost its "
                                           "mac column, refusing to open the database", 500)
        conn.exec_driver_sql(f"ALTER TABLE {table.name} ADD COLUMN mac VARCHAR(64) NOT NULL DEFAULT ''")
        pk = list(table.primary_key.columns)
        later = {f: _added_value(table.c[f]) for f in fields if f not in have}
        stmt = select(*(c for c in table.columns if c.name in have))
        for row in conn.execute(stmt).mappings().all():
            values = tuple(later[f] if f in later else row[f] for f in fields)
            mac = row_mac(state, table.name, values)
            conn.execute(update(table).where(*(c == row[c.name] for c in pk)).values(mac=mac))
        upgraded.append(table.name)
    if not marked:
        conn.execute(meta.insert().values(name=MARKER, value=MARKER_VALUE))
    return upgraded
