"""The root key's passphrase through the engine: set, change, remove, seal now, unseal.

Every call writes one trace and never a passphrase; a wrong passphrase is refused with
DEW.0002 and nothing else, and audited (while sealed, at the next unseal); the key file is
replaced whole and stays private (0600); changing it is for administrators.
"""
from __future__ import annotations

import json
import os
import stat

import pytest

from engine import Engine, SeededRng
from engine.hsm.rootkey import ROOT_KEY_FILE
from engine.rootkeys.failures import FAILURES_FILE
from engine.rootkeys.holders import LOCK_FILE
from refusals import refused

PASS = "correct horse"
OTHER = "battery staple"


def doc(home) -> dict:
    return json.loads((home / ROOT_KEY_FILE).read_text())


def traces(eng, name: str):
    return eng.audit.list_traces(trace_name=name, limit=200)


def file_mode(home) -> int:
    return stat.S_IMODE(os.stat(home / ROOT_KEY_FILE).st_mode)


def leftovers(home) -> list[str]:
    """Files a root key write could leave behind (temporary or next files)."""
    return sorted(p.name for p in home.iterdir() if p.name.startswith(ROOT_KEY_FILE)
                  and p.name not in (ROOT_KEY_FILE, LOCK_FILE))


def test_set_passphrase_seals_the_file_with_its_scrypt_parameters(eng, home, clock):
    key_before = eng.context.hsm.fingerprint()
    assert not eng.root_passphrase_set
    eng.set_root_passphrase(PASS)
    d = doc(home)
    assert d["kind"] == "scrypt-aes256gcm" and {"n", "r", "p", "salt", "nonce", "ct"} <= d.keys()
    assert eng.root_passphrase_set and file_mode(home) == 0o600 and leftovers(home) == []
    assert PASS not in (home / ROOT_KEY_FILE).read_text()
    [t] = traces(eng, "setRootPassphrase")
    assert t.code == "200" and PASS not in t.request + t.response
    eng.close()
    assert Engine.open(home=home, clock=clock, rng=SeededRng(8)).sealed
    again = Engine.open(home=home, clock=clock, rng=SeededRng(8), passphrase=PASS)
    assert again.context.hsm.fingerprint() == key_before
    again.close()


def test_change_needs_the_current_passphrase_and_it_must_be_right(eng, home, clock):
    eng.set_root_passphrase(PASS)
    before = doc(home)
    refused("DEW.0006", eng.set_root_passphrase, OTHER)
    err = refused("DEW.0002", eng.set_root_passphrase, OTHER, current="wrong one")
    assert err.message == "wrong passphrase for the root key"
    assert doc(home) == before
    eng.set_root_passphrase(OTHER, current=PASS)
    eng.close()
    refused("DEW.0002", Engine.open, home=home, clock=clock, rng=SeededRng(8), passphrase=PASS)
    Engine.open(home=home, clock=clock, rng=SeededRng(8), passphrase=OTHER).close()


def test_a_wrong_passphrase_is_audited_without_detail(eng):
    eng.set_root_passphrase(PASS)
    refused("DEW.0002", eng.set_root_passphrase, OTHER, current="wrong one")
    refused("DEW.0002", eng.remove_root_passphrase, "wrong again")
    wrong = [t for t in traces(eng, "setRootPassphrase") + traces(eng, "removeRootPassphrase")
             if t.code == "DEW.0002"]
    assert len(wrong) == 2
    for t in wrong:
        assert t.trace_rating == "warning" and t.message == "wrong passphrase for the root key"
        assert "wrong" not in t.request and OTHER not in t.request


def test_a_current_passphrase_for_a_plain_file_is_refused(eng, home):
    refused("DEW.0004", eng.set_root_passphrase, PASS, current="anything")
    assert doc(home)["kind"] == "plain"


@pytest.mark.parametrize("bad", ["", None, 42, "\ud800"])
def test_an_unusable_new_passphrase_is_refused(eng, home, bad):
    refused("DEW.0006", eng.set_root_passphrase, bad)
    assert doc(home)["kind"] == "plain"


def test_remove_passphrase_stores_the_key_plain_again(eng, home, clock):
    fp = eng.context.hsm.fingerprint()
    refused("DEW.0004", eng.remove_root_passphrase, PASS)
    eng.set_root_passphrase(PASS)
    eng.remove_root_passphrase(PASS)
    assert doc(home)["kind"] == "plain" and not eng.root_passphrase_set and file_mode(home) == 0o600
    assert [t.code for t in traces(eng, "removeRootPassphrase")] == ["200", "DEW.0004"]
    eng.close()
    plain = Engine.open(home=home, clock=clock, rng=SeededRng(8))
    assert not plain.sealed and plain.context.hsm.fingerprint() == fp
    plain.close()


def test_passphrase_changes_are_for_administrators(eng, home):
    eng.iam.create_user("bob")
    bob = eng.as_user("bob")
    refused("KMS.0306", bob.set_root_passphrase, PASS)
    assert doc(home)["kind"] == "plain"
    eng.set_root_passphrase(PASS)
    refused("KMS.0306", bob.remove_root_passphrase, PASS)
    assert doc(home)["kind"] != "plain"
    assert [t.user for t in traces(eng, "setRootPassphrase") if t.code == "KMS.0306"] == ["bob"]


def test_seal_now_drops_the_key_until_unsealed(eng):
    k = eng.kms.create_key("k").key_id
    bob_view = eng.with_source("tui")
    eng.set_root_passphrase(PASS)
    eng.seal_now()
    assert eng.sealed and bob_view.sealed
    assert eng.context.vault.root.key is None and eng.context.vault.root.kek is None
    assert eng.context.db._row_key is None
    refused("DEW.0001", eng.kms.describe_key, k)
    refused("DEW.0001", eng.rotate_root_key)
    refused("DEW.0002", eng.unseal, "wrong")
    eng.unseal(PASS)
    assert eng.kms.describe_key(k).key_alias == "k"
    assert [t.code for t in traces(eng, "sealRootKey")] == ["200"]


def test_seal_now_without_a_passphrase_is_refused(eng):
    refused("DEW.0004", eng.seal_now)
    assert not eng.sealed
    assert [t.code for t in traces(eng, "sealRootKey")] == ["DEW.0004"]


def test_wrong_passphrases_tried_while_sealed_are_traced_at_unseal(home, clock):
    Engine.open(home=home, clock=clock, rng=SeededRng(7), passphrase=PASS).close()
    eng = Engine.open(home=home, clock=clock, rng=SeededRng(8))
    refused("DEW.0002", eng.unseal, "nope")
    refused("DEW.0002", eng.unseal, "still nope")
    eng.unseal(PASS)
    unseals = traces(eng, "unsealRootKey")
    assert sorted(t.code for t in unseals) == ["200", "DEW.0002", "DEW.0002"]
    assert all("nope" not in t.request + t.message for t in unseals)
    eng.close()


def test_a_wrong_passphrase_at_open_is_traced_when_the_key_is_next_opened(home, clock, monkeypatch):
    Engine.open(home=home, clock=clock, rng=SeededRng(7), passphrase=PASS).close()
    refused("DEW.0002", Engine.open, home=home, clock=clock, rng=SeededRng(8), passphrase="nope")
    monkeypatch.setenv("DEW_PASSPHRASE", "still nope")
    refused("DEW.0002", Engine.open, home=home, clock=clock, rng=SeededRng(8))
    assert (home / FAILURES_FILE).exists() and "nope" not in (home / FAILURES_FILE).read_text()
    monkeypatch.setenv("DEW_PASSPHRASE", PASS)
    eng = Engine.open(home=home, clock=clock, rng=SeededRng(9))
    wrong = traces(eng, "unsealRootKey")
    assert [t.code for t in wrong] == ["DEW.0002", "DEW.0002"] and not (home / FAILURES_FILE).exists()
    eng.close()
    again = Engine.open(home=home, clock=clock, rng=SeededRng(10))
    assert len(traces(again, "unsealRootKey")) == 2  # traced once, not at every open
    again.close()


def test_a_passphrase_changed_by_another_process_is_not_undone(eng, home, clock):
    other = Engine.open(home=home, clock=clock, rng=SeededRng(5))  # as another process would
    other.set_root_passphrase(PASS)
    refused("DEW.0004", eng.set_root_passphrase, OTHER)
    refused("DEW.0004", eng.remove_root_passphrase, PASS)
    other.close()
    refused("DEW.0004", eng.rotate_root_key)
    assert doc(home)["kind"] != "plain"
    Engine.open(home=home, clock=clock, rng=SeededRng(6), passphrase=PASS).close()
