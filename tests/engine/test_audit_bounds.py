"""What a trace stores is bounded and always storable, whatever the caller sent.

A refused call is audited with the request it was given, so a user with no permissions
controls that input: long strings are cut with a visible marker, lists, dicts and nesting
are capped, unexpected types are only described, control characters and lone surrogates
never reach the database, and every column fits its size. The chain stays verifiable.
"""
from __future__ import annotations

import json
import re
from datetime import datetime, timezone

import pytest
from sqlmodel import select

from engine.audit.writer import write_trace
from engine.models.core import AuditTrace
from refusals import code_of

TEXT_COLUMNS = ("trace_id", "trace_name", "trace_type", "resource_type", "resource_id",
                "resource_name", "trace_rating", "code", "domain_id", "user", "source",
                "request", "response", "message", "prev", "chain")
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


@pytest.fixture
def bob(eng):
    eng.iam.create_user("bob")
    return eng.as_user("bob")


def rows(eng, user=None):
    with eng.context.db.session(write=False) as s:
        stmt = select(AuditTrace).order_by(AuditTrace.seq.desc())
        if user:
            stmt = stmt.where(AuditTrace.user == user)
        return s.exec(stmt).all()


def stored_bytes(t: AuditTrace) -> int:
    return sum(len(getattr(t, c).encode("utf-8")) for c in TEXT_COLUMNS)


def assert_storable(t: AuditTrace) -> None:
    """Fits every column, valid UTF-8, no NUL or other control character."""
    for c in TEXT_COLUMNS:
        value = getattr(t, c)
        size = AuditTrace.__table__.c[c].type.length
        assert size is None or len(value) <= size, (c, len(value))
        value.encode("utf-8")  # strict: a lone surrogate raises
        assert not CONTROL.search(value), c
    if c in ("request", "response"):
        json.loads(value)


def test_refused_create_key_with_a_10_mb_alias_is_bounded(eng, bob):
    # 10 MB: refused by the argument guard; 200 kB: reaches the key service (which sets
    # the resource name) and is refused there; both traces are small
    for size in (10_000_000, 200_000):
        code_of(lambda: bob.kms.create_key("a" * size, key_description="d" * size))
        t = rows(eng, "bob")[0]
        assert (t.trace_name, t.trace_rating) == ("createKey", "warning")
        assert_storable(t)
        assert stored_bytes(t) < 4096
        request = json.loads(t.request)
        assert request["key_alias"] == "a" * 256 + f"…[+{size - 256} chars]"
        assert request["key_description"] == "d" * 256 + f"…[+{size - 256} chars]"
    assert t.resource_name.startswith("a" * 200) and t.resource_name.endswith(" chars]")
    assert eng.audit.verify().ok


def test_refused_encrypt_with_1_mib_plaintext_and_a_huge_key_id_is_bounded(eng, bob):
    k = eng.kms.create_key("k")
    code_of(lambda: bob.kms.encrypt_data(k.key_id + "x" * (1 << 20), b"p" * (1 << 20)))
    code_of(lambda: bob.kms.encrypt_data(k.key_id, "p" * (1 << 20)))
    for t in rows(eng, "bob")[:2]:
        assert (t.trace_name, t.trace_rating) == ("encryptData", "warning")
        assert_storable(t)
        assert stored_bytes(t) < 4096
        assert "ppppp" not in t.request + t.response + t.message + t.resource_name
    assert eng.audit.verify().ok


def test_five_refused_calls_of_a_user_without_permissions_stay_small(eng, bob):
    huge = "z" * 5_000_000
    code_of(lambda: bob.kms.create_key(huge))
    code_of(lambda: bob.kms.create_key("ok", key_description=huge))
    code_of(lambda: bob.kms.encrypt_data(huge, b"x"))
    code_of(lambda: bob.kms.create_key("ok", tags={huge: huge}))
    code_of(lambda: bob.audit.export_csv(huge))
    traces = rows(eng, "bob")
    assert len(traces) == 5 and all(t.trace_rating == "warning" for t in traces)
    assert sum(stored_bytes(t) for t in traces) < 5 * 4096
    for t in traces:
        assert_storable(t)
    assert eng.audit.verify().ok


class Opaque:
    def __str__(self) -> str:  # never called: an object is only described
        return "SHOULD-NOT-BE-STORED" * 1000


def write(eng, **fields):
    """One trace through write_trace, as a service would, with these fields overridden."""
    args = dict(trace_id=eng.context.rng.uuid(), trace_name="createKey", resource_type="cmk",
                resource_id="", resource_name="", rating="warning", code="KMS.0306",
                domain_id=eng.principal.domain_id, user="bob", source="api", time=eng.now(),
                request={}, response={}, message="")
    args.update(fields)
    with eng.context.db.session() as s:
        write_trace(s, eng.context.db, eng.context.hsm.derive("audit-chain"), **args)
    return rows(eng)[0]


def test_unexpected_types_are_described_not_stored(eng):
    t = write(eng, request={
        "blob": b"\x00" * 1048576, "view": memoryview(b"abc"), "big": 10 ** 4300,
        "neg": -(10 ** 30), "small": -12, "obj": Opaque(), "nan": float("nan"),
        "inf": float("inf"), "ok": 1.5, "flag": True, "none": None,
        "when": datetime(2026, 1, 2, tzinfo=timezone.utc), 7: "int key", b"k": "bytes key",
        "nested": {"plain_text": "secret-value", "deeper": [{"secret_string": "s2"}]},
    })
    assert_storable(t)
    request = json.loads(t.request)
    assert request["blob"] == "<bytes 1048576>" and request["view"] == "<bytes 3>"
    assert request["big"] == "<int 4301 digits>" and request["neg"] == "<int 31 digits>"
    assert request["small"] == -12 and request["ok"] == 1.5 and request["flag"] is True
    assert request["obj"] == "<object Opaque>" and "SHOULD-NOT" not in t.request
    assert request["nan"] == "<float nan>" and request["inf"] == "<float inf>"
    assert request["none"] is None and request["when"] == "2026-01-02T00:00:00+00:00"
    assert request["7"] == "int key" and request["<bytes 1>"] == "bytes key"
    assert request["nested"] == {"plain_text": "***", "deeper": [{"secret_string": "***"}]}
    assert eng.audit.verify().ok


def test_lists_dicts_and_nesting_are_capped(eng):
    deep: dict = {"v": 1}
    for _ in range(50):
        deep = {"d": deep}
    t = write(eng, request={"ids": list(range(100_000)), "tags": {f"t{i}": i for i in range(10_000)},
                            "deep": deep, "long_key_" + "k" * 1000: 1, "many": ["s" * 300] * 1000},
              response={"rows": [[[[["x"]]]]]})
    assert_storable(t)
    assert len(t.request) < 32768
    request = json.loads(t.request)
    assert request["ids"][:32] == list(range(32)) and request["ids"][32] == "…[+99968 items]"
    assert len(request["tags"]) == 33 and request["tags"]["…"] == "[+9968 keys]"
    assert "<dict 1 keys>" in json.dumps(request["deep"])
    assert any(k.startswith("long_key_kkk") and k.endswith(" chars]") and len(k) <= 64 for k in request)
    assert request["many"][0] == "s" * 256 + "…[+44 chars]"
    assert json.loads(t.response) == {"rows": [[["<list 1 items>"]]]}
    assert eng.audit.verify().ok


def test_nul_control_characters_and_lone_surrogates_are_escaped(eng, bob):
    name = "a\x00b\ud800c\x1b[31md\u2028e"
    code_of(lambda: bob.kms.create_key(name, key_description="line1\nline2\x00"))
    code_of(lambda: bob.kms.create_key("x\x1b[31my\x7f"))  # reaches the key service
    first, second = rows(eng, "bob")[1], rows(eng, "bob")[0]
    for t in (first, second):
        assert t.trace_name == "createKey" and t.trace_rating == "warning"
        assert_storable(t)
    request = json.loads(first.request)
    assert request["key_alias"] == "a\\x00b\ufffdc\\x1b[31md\u2028e"
    assert request["key_description"] == "line1\nline2\\x00"  # line breaks kept in values
    assert first.resource_name in ("", "a\\x00b\ufffdc\\x1b[31md\\u2028e")
    assert json.loads(second.request)["key_alias"] == "x\\x1b[31my\\x7f"
    assert second.resource_name in ("", "x\\x1b[31my\\x7f")
    assert eng.audit.verify().ok


def test_every_column_fits_whatever_write_trace_is_given(eng):
    long = "é\x00" * 100_000
    t = write(eng, trace_id="i" * 1000, trace_name=long, resource_type=long, resource_id=long,
              resource_name=long, rating=long, code=long, domain_id=eng.principal.domain_id,
              user=long, source=long, message="m\ud800" * 100_000, request={"x": long})
    assert_storable(t)
    assert t.resource_name.endswith(" chars]") and t.resource_name.startswith("é\\x00é")
    assert t.message.startswith("m\ufffdm") and len(t.message) <= 1024
    t2 = write(eng, resource_id=None, resource_name=b"raw", user=12, message=None)
    assert (t2.resource_id, t2.resource_name, t2.user, t2.message) == ("", "<bytes 3>", "<int 2 digits>", "")
    assert eng.audit.verify().ok
