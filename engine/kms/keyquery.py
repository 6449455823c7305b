"""Key search in the database: filters, counting, sorting and paging as SQL (SPEC §2, §5).

The keys screen pages through 10,000+ keys, so nothing here loads rows to filter them in
Python: every filter is a WHERE clause, the total is a COUNT over the same clause, and only
one page of rows (plus their tags, in one IN query) leaves the database. Filter values are
validated first, so a typo is a clear refusal rather than an empty list.

The search box asks again on every keystroke, and a search that narrows to a few keys must
look at every key, so that look is kept cheap: a page that comes back short already tells
the total (the COUNT, a second look at every key, is skipped: both reads see the same
snapshot), on SQLite the alias is matched as stored, LIKE ignoring ASCII case by itself, and
a needle no key id can hold (most typed aliases) is looked for in the alias only.

Paging to the end of a long list (the keys screen's End) reads the last page backwards from
the end instead of skipping every row before it; an (account, state, alias, id) index lets
a count of a state-and-search filter read the index alone.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable, Mapping

from sqlalchemy import String, func, or_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import Session, col, select

from engine.errors import DewError
from engine.kms.keyrows import details
from engine.kms.results import KeyList, Tag
from engine.kms.rules import INVALID, LIMIT_RANGE, OFFSET_RANGE
from engine.kms.specs import ALL_USAGES, SPECS
from engine.kms.states import KeyState
from engine.models.kms import Cmk, KeyTag

SORTS: dict[str, Any] = {
    "creation_date": Cmk.creation_date, "key_alias": Cmk.key_alias, "key_state": Cmk.key_state,
    "key_spec": Cmk.key_spec, "key_usage": Cmk.key_usage, "origin": Cmk.origin,
    "enterprise_project_id": Cmk.enterprise_project_id,
}
MAX_LIMIT = 1000
# From this offset on, the keys are counted before the page is read, and a page nearer the
# end than the start is read from the end: skipping rows costs per row skipped (an index
# walk), so the last page of 100,000 keys costs what the first does, plus the COUNT.
FAR_OFFSET = 1000
_BY_LABEL = {s.label.lower(): s for s in KeyState}


def _bad(msg: str) -> DewError:
    return DewError(INVALID, msg, 400)


def _values(value: Any) -> list[Any]:
    if isinstance(value, (str, KeyState)) or not isinstance(value, Iterable):
        return [value]
    return list(value)


def parse_states(value: Any) -> list[str]:
    """One state or several: API codes ("2"), KeyState members or labels ("Enabled")."""
    out = []
    for v in _values(value):
        if isinstance(v, str) and v.lower() in _BY_LABEL:
            out.append(_BY_LABEL[v.lower()].value)
            continue
        if isinstance(v, int) and not isinstance(v, bool):
            v = str(v)
        try:
            out.append(KeyState(v).value)
        except ValueError:
            raise _bad(f"invalid key_state {v!r}; one of 2 (Enabled), 3 (Disabled), "
                       "4 (Pending deletion), 5 (Pending import)") from None
    if not out:
        raise _bad("key_state filter is empty")
    return out


def _choice(name: str, value: Any, allowed: Iterable[str]) -> list[str]:
    allowed = tuple(allowed)
    vals = _values(value)
    for v in vals:
        if v not in allowed:
            raise _bad(f"invalid {name} {v!r}; one of {', '.join(allowed)}")
    if not vals:
        raise _bad(f"{name} filter is empty")
    return [str(v) for v in vals]


def _when(name: str, value: Any) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise _bad(f"{name} must be a timezone-aware datetime")
    return value


def _count(name: str, value: Any, code: str, lo: int, hi: int | None) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < lo or (hi is not None and value > hi):
        rng = f"{lo}-{hi}" if hi is not None else f">= {lo}"
        raise DewError(code, f"{name} must be an integer {rng}, got {value!r}", 400)
    return value


def _tag_clauses(tags: Any) -> list[Any]:
    """Every (key, value) must be on the key; a value of None matches any value, a tuple or
    list of values any one of them (the cloud's resource_instances filter)."""
    if not isinstance(tags, Mapping):
        raise _bad("tags filter must be a mapping of tag key to value")
    clauses = []
    for k, v in tags.items():
        several = isinstance(v, (list, tuple)) and 0 < len(v) <= 10 and all(isinstance(x, str) for x in v)
        if not isinstance(k, str) or not k or (v is not None and not isinstance(v, str) and not several):
            raise _bad(f"invalid tag filter {k!r}")
        sub = select(KeyTag.key_id).where(KeyTag.key_id == Cmk.key_id, KeyTag.tag_key == k)
        if several:
            sub = sub.where(col(KeyTag.tag_value).in_(list(v)))
        elif v is not None:
            sub = sub.where(KeyTag.tag_value == v)
        clauses.append(sub.exists())
    return clauses


class caseless(FunctionElement):
    """A text column to LIKE-match a lowercase needle in, any case: `lower(column)`, but the
    column as is on SQLite, whose LIKE already ignores ASCII case (lower() there folds only
    ASCII too, so the matches are the same) and then costs no call per row. PostgreSQL's
    LIKE heeds case: the lower() stays."""
    type = String()
    name = "caseless"
    inherit_cache = True


@compiles(caseless)
def _lower(element: caseless, compiler: Any, **kw: Any) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(caseless, "sqlite")
def _as_stored(element: caseless, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


# Key ids are UUIDs as `str(uuid.UUID)` writes them (engine.rand): 36 characters, lowercase
# hex digits and hyphens.
_KEY_ID_CHARS = frozenset("0123456789abcdef-")
_KEY_ID_LENGTH = 36


def could_be_in_a_key_id(needle: str) -> bool:
    """False when no key id can hold `needle` (lowercase): a letter past f, a colon… A typed
    alias then matches on the alias alone, which the (account, alias) index answers without
    reading the key rows."""
    return len(needle) <= _KEY_ID_LENGTH and set(needle) <= _KEY_ID_CHARS


def key_filters(domain_id: str, *, key_state=None, key_spec=None, key_usage=None, origin=None,
                enterprise_project_id=None, search=None, created_after=None,
                created_before=None, tags=None, default_keys=None) -> list[Any]:
    """WHERE clauses for the account's keys; None means "no filter" for every argument."""
    where: list[Any] = [Cmk.domain_id == domain_id]
    if key_state is not None:
        where.append(col(Cmk.key_state).in_(parse_states(key_state)))
    if key_spec is not None and key_spec != "ALL":
        where.append(col(Cmk.key_spec).in_(_choice("key_spec", key_spec, SPECS)))
    if key_usage is not None:
        where.append(col(Cmk.key_usage).in_(_choice("key_usage", key_usage, ALL_USAGES)))
    if origin is not None:
        where.append(col(Cmk.origin).in_(_choice("origin", origin, ("kms", "external"))))
    if enterprise_project_id is not None and enterprise_project_id != "all":
        if not isinstance(enterprise_project_id, str) or not enterprise_project_id:
            raise _bad("enterprise_project_id must be a non-empty string")
        where.append(Cmk.enterprise_project_id == enterprise_project_id)
    if search is not None:
        if not isinstance(search, str) or len(search) > 255:
            raise _bad("search must be a string of at most 255 characters")
        needle = search.strip().lower()
        if needle:  # substring of the alias (any case) or of the id
            found = [caseless(Cmk.key_alias).contains(needle, autoescape=True)]
            if could_be_in_a_key_id(needle):
                found.append(col(Cmk.key_id).contains(needle, autoescape=True))
            where.append(or_(*found))
    if created_after is not None:
        where.append(Cmk.creation_date >= _when("created_after", created_after))
    if created_before is not None:
        where.append(Cmk.creation_date <= _when("created_before", created_before))
    if tags:
        where.extend(_tag_clauses(tags))
    if default_keys is not None:
        if not isinstance(default_keys, bool):
            raise _bad("default_keys must be True, False or None")
        where.append(Cmk.default_key == default_keys)
    return where


def _total(s: Session, where: list[Any]) -> int:
    return int(s.exec(select(func.count()).select_from(Cmk).where(*where)).one())


def query_keys(s: Session, where: list[Any], *, sort: str = "creation_date",
               descending: bool = False, limit: Any = 50, offset: Any = 0) -> KeyList:
    """One page of keys matching `where`, with the total over all pages."""
    if sort not in SORTS:
        raise _bad(f"invalid sort {sort!r}; one of {', '.join(SORTS)}")
    limit = _count("limit", limit, LIMIT_RANGE, 1, MAX_LIMIT)
    offset = _count("offset", offset, OFFSET_RANGE, 0, None)
    by = SORTS[sort]
    # key_id breaks ties so pages never overlap or skip rows between calls, and the order
    # read backwards is exactly the reverse (no sort column holds NULL)
    forward = (by.asc(), col(Cmk.key_id).asc())
    backward = (by.desc(), col(Cmk.key_id).desc())
    order, from_the_end = (backward, forward) if descending else (forward, backward)
    page = select(Cmk).where(*where)
    if offset >= FAR_OFFSET:  # count first: a page nearer the end is read from the end
        total = _total(s, where)
        after = max(total - offset, 0)  # rows from the page's first to the last one
        if after <= offset:
            take = min(limit, after)
            rows = list(reversed(s.exec(page.order_by(*from_the_end).limit(take).offset(after - take))
                                 .all())) if take else []
        else:
            rows = list(s.exec(page.order_by(*order).limit(limit).offset(offset)))
    else:
        rows = list(s.exec(page.order_by(*order).limit(limit).offset(offset)))
        if len(rows) < limit and (rows or not offset):  # the last page: it tells the total
            total = offset + len(rows)
        else:  # a full page, or nothing past the end (rows went away): count them
            total = _total(s, where)
    tags: dict[str, list[Tag]] = {r.key_id: [] for r in rows}
    if rows:
        for t in s.exec(select(KeyTag).where(col(KeyTag.key_id).in_(list(tags)))
                        .order_by(KeyTag.key_id, KeyTag.tag_key)).all():
            tags[t.key_id].append(Tag(t.tag_key, t.tag_value))
    keys = tuple(details(r, tuple(tags[r.key_id])) for r in rows)
    return KeyList(keys=keys, total=int(total), limit=limit, offset=offset)
