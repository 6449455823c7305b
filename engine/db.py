"""Database engine creation and the unit-of-work session scope.

SQLite by default (WAL, `synchronous=FULL`, foreign keys on, a long busy timeout); write
transactions start with `BEGIN IMMEDIATE`, so two processes never both read-then-write and
fail with "database is locked" half way. PostgreSQL through a URL runs the same code; rows
that must be claimed by one process use `SELECT ... FOR UPDATE` (`for_update()`).

Once the root key is open the Database holds the row MAC key (`derive_row_key`): every session
carries it (`Session.info`) for `engine.integrity`, and `create_all` gives tables of an older
database their MAC column, and any column or index added since (`_upgrade`).

The hot path (`run`) sends a fixed SQL text straight to the driver on the session's
connection: SQLAlchemy's per-statement compile and cache-key work costs more than SQLite's
own execution. Statement listeners (`before_cursor_execute`) still see every such statement.
Write calls on SQLite share transactions (`GroupCommit`) on one session kept on one
connection (`group_session`), so a call pays no session set-up nor pool check-out.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any, Iterator

from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine as SAEngine
from sqlalchemy.orm import Session as SASession
from sqlalchemy.types import DateTime, TypeDecorator
from sqlmodel import Session, SQLModel, create_engine

_WRITE = "dew_write"
ROW_MAC_INFO = "dew_row_mac"  # Session.info entry read by engine.integrity
DATABASE_INFO = "dew_database"  # Session.info entry: the Database (its in-memory caches)
IAM_GENERATION = "iam_generation"  # meta row: moves with every change to who may do what


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes in and out, whatever the backend stores."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


class Database:
    """One SQLAlchemy engine plus read and write session factories."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 60})
            _configure_sqlite(engine)
        else:
            engine = create_engine(url, pool_pre_ping=True)
        self.engine: SAEngine = engine
        self._write_engine = engine.execution_options(**{_WRITE: True})
        from engine import integrity  # noqa: F401  (registers the row MAC events)
        self._row_key: bytes | None = None
        self._row_state: Any = None
        self.caches: dict[str, Any] = {}  # memory only, each checked against the database before use
        self.groups = GroupCommit(self)
        self._group_s: Session | None = None
        self._group_conn: Any = None

    def derive_row_key(self, hsm: Any) -> None:
        """Hold the key authenticating protected rows, derived from the open root key (memory only)."""
        from engine.integrity import PURPOSE, keyed_state

        key = hsm.derive(PURPOSE)
        self._row_key, self._row_state = key, keyed_state(key)

    def create_all(self) -> None:
        import engine.models  # noqa: F401  (registers every table)
        from engine.integrity import protect_existing

        with self._write_engine.begin() as conn:
            SQLModel.metadata.create_all(conn)
            _upgrade(conn)
            if self._row_key is not None:
                protect_existing(conn, self._row_key)

    def _new(self, write: bool) -> Session:
        info: dict[str, Any] = {DATABASE_INFO: self}
        if self._row_state is not None:
            info[ROW_MAC_INFO] = self._row_state
        return Session(self._write_engine if write else self.engine, expire_on_commit=False, info=info)

    @contextmanager
    def session(self, write: bool = True) -> Iterator[Session]:
        """A unit of work: commits once at the end, rolls back on any exception."""
        s = self._new(write)
        try:
            yield s
            s.commit()
        except BaseException:
            s.rollback()
            raise
        finally:
            s.close()

    def new_session(self, write: bool = True) -> Session:
        return self._new(write)

    def group_session(self) -> Session:
        """The write session groups take turns on (SQLite): one Session on one connection kept
        checked out, reused group after group (each group ends with `close`, which empties
        it), so a call pays no session set-up nor pool check-out and check-in. It carries
        the row MAC key as it is now (sealing or rotating the root key changes it)."""
        s = self._group_s
        if s is None:
            self._group_conn = self._write_engine.connect()
            s = self._group_s = Session(bind=self._group_conn, expire_on_commit=False,
                                        info={DATABASE_INFO: self})
        if self._row_state is not None:
            s.info[ROW_MAC_INFO] = self._row_state
        else:
            s.info.pop(ROW_MAC_INFO, None)
        return s

    def for_update(self, stmt: Any) -> Any:
        """Lock selected rows on PostgreSQL; SQLite's BEGIN IMMEDIATE already holds the lock."""
        return stmt if self.is_sqlite else stmt.with_for_update()

    def drop_group_session(self) -> None:
        """Close the groups' session and give its connection back to the pool (whose reset
        rolls back whatever a failed commit left open); the next group opens a fresh one."""
        s, conn = self._group_s, self._group_conn
        self._group_s = self._group_conn = None
        if s is not None:
            try:
                s.close()
            finally:
                conn.close()

    def dispose(self) -> None:
        """Close the connections; a group still at work (another thread) keeps its own."""
        with self.groups.condition:
            at_work = self.groups.held_by_another() or self.groups.held_here()
        if not at_work:
            self.drop_group_session()
        self.engine.dispose()


class Group:
    """One shared write transaction: the session its members take turns on, and how it ended."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.members = 0  # members whose work is in the transaction (or rolled back to their savepoint)
        self.done = False
        self.error: BaseException | None = None


class GroupCommit:
    """Group commit: concurrent write calls on one Database share one transaction and one
    commit (one fsync), each inside its own savepoint, so a refused call rolls back only
    its own work.

    A call takes the turn (`enter`), does its work on the group's session, and gives the
    turn back (`leave`): when nobody is waiting for the turn it commits the group itself,
    holding the turn while it does (the next calls queue and form the next group);
    otherwise it passes the turn on and waits until a later member has committed. Nobody
    returns before the commit that makes its work durable, and when that commit fails every
    member learns it. A single caller never waits: it commits its own transaction at once.

    SQLite only (`enabled`): there the write lock is taken first (BEGIN IMMEDIATE), so a
    group holding it longer orders no lock differently. PostgreSQL locks rows as it goes:
    a group would hold the audit head's row lock while later members lock other rows, and
    two groups on two servers could deadlock; each call keeps its own transaction there, and
    PostgreSQL already writes concurrent commits' WAL with shared flushes.
    """

    def __init__(self, db: "Database") -> None:
        self._db = db
        self.enabled = db.is_sqlite
        lock = threading.Lock()
        self._cv = threading.Condition(lock)  # observers (tests): told of every change
        self._turn_cv = threading.Condition(lock)  # calls waiting for the turn: woken one at a time
        self._done_cv = threading.Condition(lock)  # members waiting for their group's commit
        self._busy = False
        self._waiting = 0
        self._group: Group | None = None
        self._holder: int | None = None  # thread holding the turn

    @property
    def condition(self) -> threading.Condition:
        """Guards and announces the state below (tests wait on it for a queue to form)."""
        return self._cv

    @property
    def waiting(self) -> int:
        """Calls waiting for the turn."""
        return self._waiting

    def held_by_another(self) -> bool:
        """Does another thread hold the turn now?"""
        return self._busy and self._holder != threading.get_ident()

    def held_here(self) -> bool:
        """Does this thread hold the turn (a call nested in another call's work)?"""
        return self._holder == threading.get_ident()

    def _changed(self) -> None:
        self._cv.notify_all()  # (costs nothing when nobody observes)

    def enter(self) -> Group:
        with self._cv:
            self._waiting += 1
            self._changed()  # (lets an observer see the queue grow: `waiting`)
            try:
                while self._busy:
                    self._turn_cv.wait()
            except BaseException:
                self._turn_cv.notify()  # the turn may have been passed to this one
                self._done_cv.notify_all()  # a member may be waiting for this one to commit
                raise
            finally:
                self._waiting -= 1
            self._busy, self._holder = True, threading.get_ident()
            self._changed()  # (an observer may wait for the turn to be taken)
            if self._group is None:
                self._group = Group(self._db.group_session())
            return self._group

    def leave(self, group: Group) -> None:
        """Give the turn back; return once the group is committed (raise if that failed)."""
        with self._cv:
            group.members += 1
            commit_now = self._waiting == 0
            if commit_now:
                self._group = None  # the next call starts the next group
            else:
                self._busy, self._holder = False, None
                self._turn_cv.notify()  # one waiting call takes the turn
                self._changed()
                while not group.done:
                    if not self._busy and self._waiting == 0 and self._group is group:
                        # whoever was waiting gave up before taking the turn: commit it here
                        self._busy, self._holder, self._group = True, threading.get_ident(), None
                        commit_now = True
                        break
                    self._done_cv.wait()
        if commit_now:
            try:
                group.session.commit()
            except BaseException as e:
                group.error = e
                try:
                    group.session.rollback()
                except Exception:
                    pass
                try:
                    self._db.drop_group_session()
                except Exception:
                    pass
            finally:
                group.session.close()
                with self._cv:
                    group.done = True
                    self._busy, self._holder = False, None
                    self._done_cv.notify_all()
                    self._turn_cv.notify()
                    self._changed()
        if group.error is not None:
            raise GroupCommitFailed() from group.error


class GroupCommitFailed(RuntimeError):
    """The commit of a group failed: none of its members' work was saved."""

    def __init__(self) -> None:
        super().__init__("the transaction could not be committed")


# columns added to existing tables since their first release: table -> (column, DDL type, default)
ADDED_COLUMNS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "audit_trace": (("source_ip", "VARCHAR(64)", "''"),),
}


def _upgrade(conn: Any) -> list[str]:
    """Bring an existing database's tables up to the models: add the columns in
    `ADDED_COLUMNS` a table lacks, and create every index of the models that is missing
    (`create_all` makes new tables only). Runs at open, in its write transaction.
    → what was added."""
    insp = inspect(conn)
    added = []
    if conn.exec_driver_sql(f"SELECT 1 FROM meta WHERE name = '{IAM_GENERATION}'").first() is None:
        conn.exec_driver_sql(f"INSERT INTO meta (name, value) VALUES ('{IAM_GENERATION}', '0')")
    for table, columns in ADDED_COLUMNS.items():
        have = {c["name"] for c in insp.get_columns(table)}
        for name, ddl, default in columns:
            if name not in have:
                conn.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN {name} {ddl} NOT NULL DEFAULT {default}")
                added.append(f"{table}.{name}")
    for model_table in SQLModel.metadata.sorted_tables:
        present = {ix["name"] for ix in insp.get_indexes(model_table.name)}
        stored = {c["name"] for c in insp.get_columns(model_table.name)}
        for index in model_table.indexes:  # (one on a column an older table lacks waits for it)
            if index.name not in present and {c.name for c in index.columns} <= stored:
                index.create(conn)
                added.append(str(index.name))
    return added


_SQL_FOR: dict[tuple[str, str], str] = {}
_HELD = "dew_driver_connection"  # Session.info: (its transaction, connection, driver connection)


def run(s: SASession, sql: str, params: tuple | list = ()) -> Any:
    """Execute one statement on the session's connection through the driver and return its
    cursor. `sql` is written with `?` placeholders (turned into `%s` for PostgreSQL) and
    must be a constant text: values go in `params` only."""
    trans = s.get_transaction()
    held = s.info.get(_HELD)
    if held is not None and trans is not None and held[0] is trans:
        conn, dbapi = held[1], held[2]
    else:  # the first statement of this transaction: SQLAlchemy opens it (BEGIN)
        conn = s.connection()
        dbapi = conn.connection.driver_connection
        s.info[_HELD] = (s.get_transaction(), conn, dbapi)
    style = conn.dialect.paramstyle
    text = _SQL_FOR.get((style, sql))
    if text is None:
        text = _SQL_FOR[(style, sql)] = sql if style == "qmark" else sql.replace("?", "%s")
    cur = dbapi.cursor()  # type: ignore[union-attr]
    if conn._has_events or conn.engine._has_events:  # statement counters and loggers
        conn.dispatch.before_cursor_execute(conn, cur, text, params, None, False)
    cur.execute(text, params)
    return cur


def _configure_sqlite(engine: SAEngine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=60000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        sql = "BEGIN IMMEDIATE" if conn.get_execution_options().get(_WRITE, False) else "BEGIN"
        cur = conn.connection.driver_connection.cursor()  # straight to the driver, as `run`
        if conn._has_events or conn.engine._has_events:
            conn.dispatch.before_cursor_execute(conn, cur, sql, (), None, False)
        cur.execute(sql)
