"""`dewtui init [--passphrase] [--change]`: the root key sealed from a shell, the passphrase
typed twice and never echoed; an already sealed key refused unless --change."""
from __future__ import annotations

import json

from click.testing import CliRunner

from dewtui.shell.rootkey_init import init_command
from engine import Engine, SeededRng
from engine.hsm.rootkey import ROOT_KEY_FILE


def run(home, *args, input=None):
    return CliRunner().invoke(init_command, ["--home", str(home), *args], input=input)


def kind(home) -> str:
    return json.loads((home / ROOT_KEY_FILE).read_text())["kind"]


def test_init_makes_a_plain_root_key(home):
    r = run(home)
    assert r.exit_code == 0 and "root key ready" in r.output
    assert kind(home) == "plain"


def test_init_passphrase_asks_twice_hidden_and_seals(home, clock):
    r = run(home, "--passphrase", input="correct horse\ncorrect horse\n")
    assert r.exit_code == 0, r.output
    assert "correct horse" not in r.output and r.output.count("passphrase") >= 2
    assert kind(home) != "plain"
    eng = Engine.open(home=home, clock=clock, rng=SeededRng(2), passphrase="correct horse")
    assert [t.code for t in eng.audit.list_traces(trace_name="setRootPassphrase")] == ["200"]
    eng.close()


def test_init_passphrase_that_does_not_repeat_is_asked_again(home):
    r = run(home, "--passphrase", input="one\ntwo\nthree\nthree\n")
    assert r.exit_code == 0 and "do not match" in r.output
    Engine.open(home=home, rng=SeededRng(2), passphrase="three").close()


def test_init_refuses_an_already_sealed_key_without_change(home):
    run(home, "--passphrase", input="first\nfirst\n")
    before = (home / ROOT_KEY_FILE).read_text()
    r = run(home, "--passphrase", input="second\nsecond\n")
    assert r.exit_code == 1 and "DEW.0004" in r.output and "--change" in r.output
    assert (home / ROOT_KEY_FILE).read_text() == before


def test_init_change_needs_the_current_passphrase(home):
    run(home, "--passphrase", input="first\nfirst\n")
    r = run(home, "--change", input="wrong\nsecond\nsecond\n")
    assert r.exit_code == 1 and "DEW.0002" in r.output
    r = run(home, "--change", input="first\nsecond\nsecond\n")
    assert r.exit_code == 0 and "passphrase changed" in r.output
    Engine.open(home=home, rng=SeededRng(2), passphrase="second").close()


def test_init_change_without_a_passphrase_is_refused(home):
    r = run(home, "--change")
    assert r.exit_code == 1 and "DEW.0004" in r.output and kind(home) == "plain"
