"""Key search kept cheap on every keystroke (engine.kms.keyquery): a short page tells the
total without a COUNT, and on SQLite the alias is LIKE-matched as stored (no lower() per
row), with the same results as the plain definition: the needle, any case, in the alias or
in the key id, sorted and paged, and the total over all pages."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, select
from sqlalchemy.dialects import postgresql, sqlite

from engine.integrity import stamped
from engine.kms import keyquery
from engine.kms.keyquery import key_filters
from engine.models.kms import Cmk

N = 120


def _alias(i: int) -> str:
    case = ("Key", "key", "KEY")[i % 3]
    hexy = "-BEEF-0a" if i % 7 == 0 else ""  # hex digits only: could be in a key id too
    return f"{case}-{i:03d}-{'Prod' if i % 4 == 0 else 'dev'}{'_x' if i % 10 == 0 else ''}{hexy}"


@pytest.fixture
def many(eng, clock):
    """N keys with aliases in three cases; → {key_id: alias}."""
    domain, t0 = eng.principal.domain_id, clock.now()
    rows = [dict(key_id=f"{i:08x}-0000-4000-8000-{i:012x}", domain_id=domain, key_alias=_alias(i),
                 key_description="", key_spec="AES_256", key_usage="ENCRYPT_DECRYPT",
                 key_state="2", origin="kms", default_key=False, enterprise_project_id="default",
                 creation_date=t0 + timedelta(seconds=i), material_digest="", rotation_enabled=False,
                 rotation_interval=365, rotation_count=0, current_version=1) for i in range(N)]
    with eng.context.db.session() as s:
        s.execute(Cmk.__table__.insert(), stamped(s, Cmk, rows))  # type: ignore[attr-defined]
    return {r["key_id"]: r["key_alias"] for r in rows}


def _expected(many: dict[str, str], search: str, limit: int, offset: int,
              descending: bool = False) -> tuple[list[str], int]:
    """The search by its definition, in Python: (aliases of the page, total)."""
    needle = search.strip().lower()
    hits = sorted(((alias, kid) for kid, alias in many.items()
                   if needle in alias.lower() or needle in kid), reverse=descending)
    return [alias for alias, _ in hits[offset:offset + limit]], len(hits)


class Statements:
    """The SQL the engine sends while in the `with` block."""

    def __init__(self, eng) -> None:
        self.engine = eng.context.db.engine
        self.sql: list[str] = []

    def _seen(self, _conn, _cursor, statement, *_args) -> None:
        self.sql.append(statement)

    def __enter__(self) -> "Statements":
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *_exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._seen)

    def counts(self) -> list[str]:
        return [sql for sql in self.sql if "count(" in sql.lower()]


@pytest.mark.parametrize("search", ["prod", "PROD", "Prod", "key-01", "KEY-01", "-0", "7", "ey-1",
                                    "_x", "%", "_", "0000-4000", "0000000a", "0000000A", "beef", "f-0a",
                                    "00000077-0000-4000-8000-000000000077", "zzz", "  dev  ", ""])
def test_pages_and_totals_are_those_of_the_plain_definition(eng, many, search):
    for limit, offset in [(50, 0), (7, 0), (7, 14), (1, 0), (40, 40), (1000, 0),
                          (10, N - 5), (10, N), (10, N + 30)]:
        page = eng.kms.list_keys(search=search, sort="key_alias", limit=limit, offset=offset)
        want_aliases, want_total = _expected(many, search, limit, offset)
        assert [k.key_alias for k in page.keys] == want_aliases, (limit, offset)
        assert page.total == want_total, (limit, offset)
        assert (page.limit, page.offset) == (limit, offset)


def test_a_short_page_is_not_counted_again(eng, many):
    with Statements(eng) as seen:
        page = eng.kms.list_keys(search="key-011", sort="key_alias", limit=40)
    assert [k.key_alias for k in page.keys] == ["KEY-011-dev"] and page.total == 1
    assert seen.counts() == []
    with Statements(eng) as seen:  # the last page of several: its rows tell the total too
        page = eng.kms.list_keys(sort="key_alias", limit=50, offset=100)
    assert len(page.keys) == 20 and page.total == N and seen.counts() == []
    with Statements(eng) as seen:  # nothing at all: no key matches
        page = eng.kms.list_keys(search="zzz", limit=50)
    assert page.keys == () and page.total == 0 and seen.counts() == []


def test_a_full_page_or_one_past_the_end_is_counted(eng, many):
    with Statements(eng) as seen:
        page = eng.kms.list_keys(search="dev", sort="key_alias", limit=10)
    assert len(page.keys) == 10 and page.total == 90 and len(seen.counts()) == 1
    with Statements(eng) as seen:  # rows went away while the user was on a later page
        page = eng.kms.list_keys(sort="key_alias", limit=50, offset=200)
    assert page.keys == () and page.total == N and len(seen.counts()) == 1


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("search", ["", "dev", "beef"])
def test_far_pages_read_from_the_end_are_those_of_the_plain_definition(eng, many, search, descending,
                                                                      monkeypatch):
    monkeypatch.setattr(keyquery, "FAR_OFFSET", 5)  # 120 keys: most offsets count as far
    for limit, offset in [(7, 5), (7, 50), (3, 59), (3, 60), (3, 61), (10, N - 10), (10, N - 5),
                          (10, N - 1), (1, N - 1), (10, N), (10, N + 30), (1000, 5), (50, 89), (50, 90)]:
        page = eng.kms.list_keys(search=search, sort="key_alias", descending=descending,
                                 limit=limit, offset=offset)
        want_aliases, want_total = _expected(many, search, limit, offset, descending)
        assert [k.key_alias for k in page.keys] == want_aliases, (limit, offset)
        assert page.total == want_total, (limit, offset)


def test_a_page_near_the_end_of_a_long_list_is_read_backwards_after_the_count(eng, many, monkeypatch):
    monkeypatch.setattr(keyquery, "FAR_OFFSET", 50)
    with Statements(eng) as seen:
        page = eng.kms.list_keys(sort="key_alias", limit=10, offset=N - 10)
    rows = [sql for sql in seen.sql if "FROM cmk" in sql and "count(" not in sql.lower()]
    assert seen.sql.index(seen.counts()[0]) < seen.sql.index(rows[0])  # counted first
    assert "ORDER BY cmk.key_alias DESC, cmk.key_id DESC" in rows[0]  # from the end
    assert [k.key_alias for k in page.keys] == sorted(many.values())[-10:] and page.total == N
    with Statements(eng) as seen:  # nearer the start: read forwards, skipping
        eng.kms.list_keys(sort="key_alias", limit=10, offset=50)
    rows = [sql for sql in seen.sql if "FROM cmk" in sql and "count(" not in sql.lower()]
    assert "ORDER BY cmk.key_alias ASC, cmk.key_id ASC" in rows[0]


def _where_sql(dialect, search: str = "Prod") -> str:
    stmt = select(Cmk.key_id).where(*key_filters("d", search=search))
    return str(stmt.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


def test_on_sqlite_the_alias_is_matched_as_stored():
    sql = _where_sql(sqlite.dialect())
    assert "lower(" not in sql.lower()
    assert "cmk.key_alias LIKE '%' || 'prod' || '%' ESCAPE '/'" in sql


def test_on_postgresql_the_alias_is_lowered_first():
    # PostgreSQL's LIKE heeds case: the alias is lowered, the needle is lowercase already
    sql = _where_sql(postgresql.dialect())
    assert "lower(cmk.key_alias) LIKE " in sql and "'prod'" in sql


@pytest.mark.parametrize("search,in_ids", [
    ("Prod", False), ("key-011", False), ("a:b", False), ("g", False), ("_", False),
    ("7", True), ("BEEF", True), ("0000-4000", True), ("-", True),
    ("00000077-0000-4000-8000-000000000077", True), ("00000077-0000-4000-8000-0000000000770", False),
])
def test_the_key_id_is_searched_only_for_what_a_key_id_can_hold(search, in_ids):
    # key ids are UUIDs: 36 lowercase hex digits and hyphens; any other needle is an alias's
    sql = _where_sql(sqlite.dialect(), search)
    assert ("cmk.key_id LIKE" in sql) is in_ids
    assert "cmk.key_alias LIKE" in sql
