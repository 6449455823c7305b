"""Loading one row by its primary key for the hot path, as the ORM would, at a fraction of the
cost: `Session.get` spends most of a short call compiling and cache-keying its SELECT.

`get(s, Model, pk)` returns the object the session already holds for that key when there is
one (a row this transaction loaded is not read again); otherwise it runs one fixed SELECT of
every column through the driver (`engine.db.run`), converts the values as the column types
do, and makes the object persistent in the session exactly as a loaded one: later changes to
it flush as UPDATEs. The model's `load` events run, so a MAC-protected row is checked by
`engine.integrity` like any ORM load (DEW.0010 when it was changed outside dewtui).
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Callable, TypeVar

from sqlalchemy import Boolean, inspect
from sqlalchemy.orm import Session as SASession
from sqlalchemy.orm.base import instance_state

from engine.db import UTCDateTime, run

M = TypeVar("M")


def _utc_from_text(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, str):
        v = datetime.fromisoformat(v)
    return v.replace(tzinfo=timezone.utc)


def _bool(v: Any) -> Any:
    return None if v is None else bool(v)


def _bytes(v: Any) -> Any:
    return bytes(v) if isinstance(v, memoryview) else v


class _Plan:
    """One model's SELECT by primary key (or by other columns: `select_where`) and the
    conversion of each column it reads."""

    def __init__(self, model: type) -> None:
        table = model.__table__  # type: ignore[attr-defined]
        self.mapper: Any = inspect(model)
        self.names = [c.key for c in table.columns]
        self.pk = [c.name for c in table.primary_key.columns]
        self.pk_at = [self.names.index(n) for n in self.pk]  # where the key's columns are in a row
        self._select = f"SELECT {', '.join(_quoted(c.name) for c in table.columns)} FROM {table.name}"
        self.sql = self.select_where(tuple(self.pk))
        self._where: dict[tuple[str, ...], str] = {}
        self.convert: list[tuple[int, Callable[[Any], Any]]] = []
        for i, c in enumerate(table.columns):
            if isinstance(c.type, UTCDateTime):
                self.convert.append((i, _utc_from_text))
            elif isinstance(c.type, Boolean):
                self.convert.append((i, _bool))
            elif _python_type(c.type) is bytes:
                self.convert.append((i, _bytes))


    def select_where(self, columns: tuple[str, ...]) -> str:
        return f"{self._select} WHERE {' AND '.join(_quoted(n) + ' = ?' for n in columns)}"

    def where(self, columns: tuple[str, ...]) -> str:
        sql = self._where.get(columns)
        if sql is None:
            sql = self._where[columns] = self.select_where(columns)
        return sql


def _quoted(name: str) -> str:
    return f'"{name}"'


def _python_type(t: Any) -> type | None:
    try:
        return t.python_type  # type: ignore[no-any-return]
    except NotImplementedError:
        return None


_PLANS: dict[type, _Plan] = {}


class _LoadContext:
    """What the `load` event listeners read of a query context: its session."""

    __slots__ = ("session",)

    def __init__(self, session: SASession) -> None:
        self.session = session


def _plan(model: type) -> _Plan:
    plan = _PLANS.get(model)
    if plan is None:
        plan = _PLANS[model] = _Plan(model)
    return plan


def _loaded(s: SASession, plan: _Plan, row: Any) -> Any:
    """The session's object for a fetched row: the one it holds for that key, else a new
    persistent one, its `load` events run (the row MAC check) before it is used."""
    values = list(row)
    for i, fn in plan.convert:
        values[i] = fn(values[i])
    named = dict(zip(plan.names, values))
    key = plan.mapper.identity_key_from_primary_key([named[n] for n in plan.pk])
    held = s.identity_map.get(key)
    if held is not None:
        return held
    obj = plan.mapper.class_manager.new_instance()
    state = instance_state(obj)
    state.dict.update(named)
    state.key = key
    state.manager.dispatch.load(state, _LoadContext(s))  # the row MAC check, before it is used
    # made persistent in the session as SQLAlchemy's own loader does (orm.loading._instance):
    # in the identity map, every attribute as loaded (nothing to flush)
    state.session_id = s.hash_key
    s.identity_map._add_unpresent(state, key)  # type: ignore[attr-defined]
    state._commit_all(state.dict, s.identity_map)
    return obj


def get(s: SASession, model: type[M], pk: Any) -> M | None:
    """The `model` row with primary key `pk` (a value, or a tuple for a composite key), or None."""
    plan = _plan(model)
    ident = pk if isinstance(pk, tuple) else (pk,)
    held = s.identity_map.get(plan.mapper.identity_key_from_primary_key(list(ident)))
    if held is not None:
        return held  # type: ignore[no-any-return]
    if s.autoflush:
        s.flush()  # as a query would: a row this transaction added or changed is found as it is now
    row = run(s, plan.sql, ident).fetchone()
    return None if row is None else _loaded(s, plan, row)  # type: ignore[no-any-return]


def columns(model: type, alias: str) -> str:
    """Every column of `model` as `alias`."column", in the order `joined` takes them: the
    select list of one table in a caller's own SELECT that joins several."""
    return ", ".join(f"{alias}.{_quoted(c.name)}" for c in model.__table__.columns)  # type: ignore[attr-defined]


def joined(s: SASession, model: type[M], values: Any) -> M | None:
    """The session's object for one `model` row read by a caller's own SELECT (`values`: its
    columns as `columns` lists them), made as `get` makes it (its MAC checked); None when
    its primary key is NULL (the missing side of an outer join)."""
    plan = _plan(model)
    if any(values[i] is None for i in plan.pk_at):
        return None
    return _loaded(s, plan, values)  # type: ignore[no-any-return]


def where(s: SASession, model: type[M], *, for_update: bool = False, **equal: Any) -> list[M]:
    """The `model` rows whose columns equal the given values (in no particular order);
    `for_update`: locked until the transaction ends (PostgreSQL; SQLite's write transaction
    already holds the whole database)."""
    plan = _plan(model)
    if s.autoflush:
        s.flush()
    sql = plan.where(tuple(equal))
    if for_update and s.get_bind().dialect.name != "sqlite":
        sql += " FOR UPDATE"
    cur = run(s, sql, tuple(equal.values()))
    return [_loaded(s, plan, row) for row in cur.fetchall()]
