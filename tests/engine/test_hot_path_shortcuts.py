"""The hot path's shortcuts keep the checks they skip work for.

- A row verified once is not hashed again when it loads unchanged, but a row edited in the
  file after it was verified (the engine still open) is refused all the same (DEW.0010).
- The argument guard binds plain positional calls without the signature's own bind, and
  refuses a missing or surplus argument exactly as before.
- Groups reuse one session on one kept connection: a failed commit leaves nothing open for
  the next call.
"""
from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import event

from engine import DewError
from engine.integrity import INTEGRITY_CODE

PLAIN = b"hot path"


def _tamper(home, sql: str, *args) -> None:
    con = sqlite3.connect(home / "dew.db", timeout=30)
    try:
        con.execute(sql, args)
        con.commit()
    finally:
        con.close()


def test_a_key_renamed_in_the_file_after_it_was_verified_is_refused(eng, home):
    key = eng.kms.create_key("verified").key_id
    eng.kms.encrypt_data(key, PLAIN)
    eng.kms.describe_key(key)  # the row is verified and remembered
    _tamper(home, "UPDATE cmk SET key_alias = 'renamed' WHERE key_id = ?", key)
    with pytest.raises(DewError) as ei:
        eng.kms.describe_key(key)
    assert ei.value.code == INTEGRITY_CODE


def test_a_disabled_key_enabled_in_the_file_while_open_is_refused(eng, home):
    key = eng.kms.create_key("off").key_id
    eng.kms.disable_key(key)
    assert eng.kms.describe_key(key).key_state == "3"  # verified as disabled
    _tamper(home, "UPDATE cmk SET key_state = '2' WHERE key_id = ?", key)
    with pytest.raises(DewError) as ei:
        eng.kms.encrypt_data(key, PLAIN)
    assert ei.value.code == INTEGRITY_CODE


def test_an_unchanged_row_still_loads_after_the_file_was_touched_elsewhere(eng, home):
    a = eng.kms.create_key("a").key_id
    b = eng.kms.create_key("b").key_id
    eng.kms.describe_key(a)
    _tamper(home, "UPDATE cmk SET key_alias = 'b2' WHERE key_id = ?", b)
    assert eng.kms.describe_key(a).key_alias == "a"


def test_positional_calls_missing_or_surplus_arguments_are_refused(eng):
    key = eng.kms.create_key("args").key_id
    with pytest.raises(DewError) as missing:
        eng.kms.encrypt_data()  # type: ignore[call-arg]
    assert (missing.value.code, missing.value.message) == (
        "KMS.0308", "encrypt_data: needs the argument 'key_id'")
    with pytest.raises(DewError) as surplus:
        eng.kms.describe_key(key, "x", "y", "z")  # type: ignore[call-arg]
    assert (surplus.value.code, surplus.value.message) == (
        "KMS.0308", "describe_key: too many positional arguments")
    with pytest.raises(DewError) as wrong:
        eng.kms.describe_key(b"bytes")  # type: ignore[arg-type]
    assert (wrong.value.code, wrong.value.message) == ("KMS.0205", "argument 'key_id' must be text, not bytes")


def test_after_a_failed_commit_the_next_call_starts_clean(eng):
    key = eng.kms.create_key("before").key_id
    armed = {"once": True}

    def fail_once(_conn) -> None:
        if armed.pop("once", False):
            raise OSError("disk gone")

    event.listen(eng.context.db.engine, "commit", fail_once)
    with pytest.raises(OSError):
        eng.kms.encrypt_data(key, PLAIN)
    ct = eng.kms.encrypt_data(key, PLAIN).cipher_text
    assert eng.kms.decrypt_data(ct).plain_text == PLAIN
    assert eng.audit.verify().ok


class _Shapes:
    def positional_only(self, a, /, b=None, *, c=None): ...
    def rest_and_required_keyword(self, a, b, *rest, k): ...
    def plain(self, key_id: str, plain_text: bytes, aad: bytes | None = None): ...


@pytest.mark.parametrize("fn, args, kwargs", [
    (_Shapes.positional_only, (1,), {}), (_Shapes.positional_only, (1, 2), {}),
    (_Shapes.rest_and_required_keyword, (1, 2), {"k": 3}),
    (_Shapes.rest_and_required_keyword, (1, 2, 3), {"k": 3}),
    (_Shapes.plain, ("k", b"p"), {}), (_Shapes.plain, ("k", b"p", b"a"), {}),
])
def test_the_guard_binds_every_call_as_the_signature_does(fn, args, kwargs):
    from engine.arguments import ArgumentGuard

    guard = ArgumentGuard(fn)
    bound = dict(guard.sig.bind(None, *args, **kwargs).arguments)
    bound.pop("self")
    assert guard.bind(args, kwargs) == bound
