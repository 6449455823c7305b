"""The root key file and the data directory on disk: damaged, missing, too open, modes.

A damaged `root.key` gives DEW.0003 naming the file and the fault (never key bytes); a
missing one beside an existing database is refused, not replaced; one others can read is
refused with the chmod that fixes it; an empty passphrase never seals; the directory and
the database files are private when dewtui makes them.
"""
from __future__ import annotations

import base64
import json
import os
import stat
from pathlib import Path

import pytest

from engine import Engine
from engine.hsm.rootkey import ROOT_KEY_FILE, load_or_create_root_key, seal_root_key_file
from engine.rand import SeededRng
from refusals import refused

KEY = bytes(range(32))
B64_KEY = base64.b64encode(KEY).decode()


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def write_key_file(home: Path, content: str | bytes) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    path = home / ROOT_KEY_FILE
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    os.chmod(path, 0o600)
    return path


def sealed_doc(home: Path) -> dict:
    Engine.open(home=home, rng=SeededRng(1), passphrase="correct horse").close()
    return json.loads((home / ROOT_KEY_FILE).read_text())


# --- 1. a damaged root.key ------------------------------------------------------------------
PLAIN_DAMAGE = {
    "not JSON": ("this is not json", "not JSON"),
    "not UTF-8": (b"\xff\xfe\x00", "not JSON"),
    "a list": ("[1, 2]", "not a JSON object"),
    "no version": (json.dumps({"kind": "plain", "key": B64_KEY}), "'version'"),
    "version 2": (json.dumps({"version": 2, "kind": "plain", "key": B64_KEY}), "'version'"),
    "no kind": (json.dumps({"version": 1, "key": B64_KEY}), "'kind'"),
    "unknown kind": (json.dumps({"version": 1, "kind": "rot13", "key": B64_KEY}), "'kind'"),
    "no key": (json.dumps({"version": 1, "kind": "plain"}), "'key' is missing"),
    "key not a string": (json.dumps({"version": 1, "kind": "plain", "key": 42}), "'key' is missing or not a string"),
    "bad base64": (json.dumps({"version": 1, "kind": "plain", "key": "%%%not*base64"}), "'key' is not valid base64"),
    "non-ascii base64": (json.dumps({"version": 1, "kind": "plain", "key": "ключ"}), "'key' is not valid base64"),
    "short key": (json.dumps({"version": 1, "kind": "plain", "key": base64.b64encode(KEY[:16]).decode()}),
                  "'key' has the wrong length"),
    "huge file": ("x" * 100_000, "far larger"),
}


@pytest.mark.parametrize("case", sorted(PLAIN_DAMAGE))
def test_damaged_plain_root_key_is_refused_naming_file_and_fault(tmp_path, clock, case):
    content, fault = PLAIN_DAMAGE[case]
    path = write_key_file(tmp_path / "dew", content)
    err = refused("DEW.0003", Engine.open, home=tmp_path / "dew", clock=clock)
    assert str(path) in err.message and fault in err.message
    assert B64_KEY not in str(err) and "ключ" not in str(err)
    assert not (tmp_path / "dew" / "dew.db").exists()


SEALED_DAMAGE = {
    "n missing": (lambda d: d.pop("n"), "'n' is missing or not an integer"),
    "n a string": (lambda d: d.update(n="32768"), "'n' is missing or not an integer"),
    "n a bool": (lambda d: d.update(n=True), "'n' is missing or not an integer"),
    "n not a power of two": (lambda d: d.update(n=1000), "'n' must be a power of two"),
    "n enormous": (lambda d: d.update(n=2**40), "'n' must be a power of two"),
    "r zero": (lambda d: d.update(r=0), "'r' must be between"),
    "p a float": (lambda d: d.update(p=1.0), "'p' is missing or not an integer"),
    "salt missing": (lambda d: d.pop("salt"), "'salt' is missing"),
    "salt short": (lambda d: d.update(salt=base64.b64encode(b"x").decode()), "'salt' is too short"),
    "nonce bad base64": (lambda d: d.update(nonce="!!"), "'nonce' is not valid base64"),
    "nonce wrong length": (lambda d: d.update(nonce=base64.b64encode(b"n" * 8).decode()), "'nonce' has the wrong"),
    "ct a list": (lambda d: d.update(ct=[1]), "'ct' is missing or not a string"),
    "ct truncated": (lambda d: d.update(ct=d["ct"][:20]), "'ct'"),
}


@pytest.mark.parametrize("case", sorted(SEALED_DAMAGE))
def test_damaged_sealed_root_key_is_refused_on_open(tmp_path, clock, case):
    home = tmp_path / "dew"
    doc = sealed_doc(home)
    change, fault = SEALED_DAMAGE[case]
    change(doc)
    path = write_key_file(home, json.dumps(doc))
    err = refused("DEW.0003", Engine.open, home=home, clock=clock, passphrase="correct horse")
    assert str(path) in err.message and fault in err.message


def test_damaged_sealed_root_key_is_refused_even_without_passphrase(tmp_path, clock):
    home = tmp_path / "dew"
    doc = sealed_doc(home)
    doc["nonce"] = "!!"
    write_key_file(home, json.dumps(doc))
    refused("DEW.0003", Engine.open, home=home, clock=clock)


def test_root_key_that_is_a_directory_is_refused(tmp_path, clock):
    (tmp_path / "dew" / ROOT_KEY_FILE).mkdir(parents=True, mode=0o700)
    err = refused("DEW.0003", Engine.open, home=tmp_path / "dew", clock=clock)
    assert "not a regular file" in err.message


# --- 2. a missing root.key beside an existing database --------------------------------------
def test_missing_root_key_beside_dew_db_is_refused_and_not_replaced(home, clock):
    e = Engine.open(home=home, clock=clock)
    e.kms.create_key("a")
    e.close()
    before = (home / "dew.db").read_bytes()
    (home / ROOT_KEY_FILE).unlink()
    err = refused("DEW.0003", Engine.open, home=home, clock=clock)
    assert "missing" in err.message and str(home / ROOT_KEY_FILE) in err.message
    assert "cannot be opened without it" in err.message
    assert not (home / ROOT_KEY_FILE).exists()
    assert (home / "dew.db").read_bytes() == before


def test_missing_root_key_beside_empty_dew_db_file_is_refused(home, clock):
    home.mkdir(mode=0o700)
    (home / "dew.db").touch()
    refused("DEW.0003", Engine.open, home=home, clock=clock)
    assert not (home / ROOT_KEY_FILE).exists()


def test_missing_root_key_for_database_at_url_with_fingerprint_is_refused(tmp_path, clock):
    url = f"sqlite:///{tmp_path / 'elsewhere.db'}"
    Engine.open(home=tmp_path / "a", url=url, clock=clock).close()
    err = refused("DEW.0003", Engine.open, home=tmp_path / "b", url=url, clock=clock)
    assert str(tmp_path / "b" / ROOT_KEY_FILE) in err.message
    assert not (tmp_path / "b" / ROOT_KEY_FILE).exists()
    Engine.open(home=tmp_path / "c", clock=clock).close()  # c has a root key of its own
    refused("DEW.0005", Engine.open, home=tmp_path / "c", url=url, clock=clock)


def test_database_at_url_without_fingerprint_gets_a_key_then_needs_it(tmp_path, clock):
    import sqlite3
    db = tmp_path / "other-app.db"
    sqlite3.connect(db).execute("create table meta (name text primary key, value text)").connection.close()
    with Engine.open(home=tmp_path / "a", url=f"sqlite:///{db}", clock=clock) as e:
        assert not e.sealed
    (tmp_path / "a" / ROOT_KEY_FILE).unlink()
    refused("DEW.0003", Engine.open, home=tmp_path / "a", url=f"sqlite:///{db}", clock=clock)


def test_missing_root_key_for_database_from_env_url_is_refused(tmp_path, clock, monkeypatch):
    monkeypatch.setenv("DEW_DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    Engine.open(home=tmp_path / "a", clock=clock).close()
    refused("DEW.0003", Engine.open, home=tmp_path / "b", clock=clock)
    assert not (tmp_path / "b" / ROOT_KEY_FILE).exists()


# --- 3. a root.key others can read -----------------------------------------------------------
@pytest.mark.parametrize("bad_mode", [0o640, 0o604, 0o644, 0o660, 0o666], ids=oct)
def test_root_key_readable_by_others_is_refused_with_the_fix(home, clock, bad_mode):
    Engine.open(home=home, clock=clock).close()
    path = home / ROOT_KEY_FILE
    os.chmod(path, bad_mode)
    err = refused("DEW.0007", Engine.open, home=home, clock=clock)
    assert f"chmod 600 {path}" in err.message
    assert mode(path) == bad_mode  # not silently changed
    os.chmod(path, 0o400)  # owner read-only is private enough
    Engine.open(home=home, clock=clock).close()


# --- 4. passphrases --------------------------------------------------------------------------
def test_empty_passphrase_does_not_make_a_plain_key(home, clock):
    err = refused("DEW.0006", Engine.open, home=home, clock=clock, passphrase="")
    assert "passphrase" in err.message
    assert not (home / ROOT_KEY_FILE).exists()


def test_empty_passphrase_from_environment_does_not_make_a_plain_key(home, clock, monkeypatch):
    monkeypatch.setenv("DEW_PASSPHRASE", "")
    refused("DEW.0006", Engine.open, home=home, clock=clock)
    assert not (home / ROOT_KEY_FILE).exists()


@pytest.mark.parametrize("bad", ["", b"bytes", 42, "\ud800"])
def test_creating_a_root_key_with_an_unusable_passphrase_is_refused(tmp_path, bad):
    refused("DEW.0006", load_or_create_root_key, tmp_path, bad, SeededRng(1))
    assert not (tmp_path / ROOT_KEY_FILE).exists()


@pytest.mark.parametrize("bad", ["", None, b"bytes", 42, "\ud800"])
def test_sealing_a_plain_root_key_with_an_unusable_passphrase_is_refused(home, bad):
    Engine.open(home=home).close()
    before = (home / ROOT_KEY_FILE).read_bytes()
    refused("DEW.0006", seal_root_key_file, home, bad, SeededRng(1))
    assert (home / ROOT_KEY_FILE).read_bytes() == before
    assert not (home / "root.tmp").exists()
    seal_root_key_file(home, "new words", SeededRng(2))
    assert mode(home / ROOT_KEY_FILE) == 0o600
    refused("DEW.0004", seal_root_key_file, home, "again", SeededRng(2))
    with Engine.open(home=home, passphrase="new words") as e:
        assert not e.sealed


@pytest.mark.parametrize("bad", [None, "", b"correct horse", 42, "\ud800"])
def test_unseal_with_an_unusable_passphrase_is_a_clear_error(home, clock, bad):
    sealed_doc(home)
    eng = Engine.open(home=home, clock=clock)
    try:
        assert eng.sealed
        refused("DEW.0006", eng.unseal, bad)
        assert eng.sealed
        err = refused("DEW.0002", eng.unseal, "wrong horse")
        assert err.message == "wrong passphrase for the root key"
        eng.unseal("correct horse")
        assert not eng.sealed
    finally:
        eng.close()


# --- 5. modes of the data directory and the database files ---------------------------------
@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def test_new_data_directory_and_database_files_are_private(tmp_path, clock, umask_022):
    home = tmp_path / "parent" / "dew"
    with Engine.open(home=home, clock=clock) as e:
        e.kms.create_key("a")
        assert mode(home) == 0o700
        assert mode(home / ROOT_KEY_FILE) == 0o600
        assert mode(home / "dew.db") == 0o600
        for side in ("dew.db-wal", "dew.db-shm"):  # WAL files exist while a connection is open
            assert mode(home / side) == 0o600, side


def test_existing_data_directory_keeps_its_mode(tmp_path, clock, umask_022):
    home = tmp_path / "dew"
    home.mkdir(mode=0o750)
    os.chmod(home, 0o750)
    Engine.open(home=home, clock=clock).close()
    assert mode(home) == 0o750
    assert mode(home / "dew.db") == 0o600
    os.chmod(home / "dew.db", 0o640)
    Engine.open(home=home, clock=clock).close()
    assert mode(home) == 0o750
    assert mode(home / "dew.db") == 0o640


def test_database_at_url_is_created_private(tmp_path, clock, umask_022):
    db = tmp_path / "elsewhere.db"
    with Engine.open(home=tmp_path / "dew", url=f"sqlite:///{db}", clock=clock) as e:
        assert e.kms.create_key("a").key_alias == "a"
    assert mode(db) == 0o600
