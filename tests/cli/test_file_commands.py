"""`dewtui encrypt-file` / `decrypt-file`: exit codes 0 / 1 (refused, code on stderr) / 2 (usage)."""
from __future__ import annotations

import pytest

from dewtui import __main__ as dewtui_main
from dewtui.__main__ import main
from engine import Engine


@pytest.fixture
def key_id(home):
    eng = Engine.open(home=home, run_due=False)
    try:
        return eng.kms.create_key("cli-files").key_id
    finally:
        eng.close()


def disable(home, key_id: str) -> None:
    eng = Engine.open(home=home, run_due=False)
    try:
        eng.kms.disable_key(key_id)
    finally:
        eng.close()


def test_round_trip_with_a_progress_bar_on_stderr(home, key_id, tmp_path, capsys):
    data = b"hello envelope " * 5000
    (tmp_path / "p").write_bytes(data)
    assert main(["--home", str(home), "encrypt-file", key_id, str(tmp_path / "p"), str(tmp_path / "c")]) == 0
    out, err = capsys.readouterr()
    assert out == "" and "encrypting" in err and "dewtui:" not in err
    assert main(["--home", str(home), "decrypt-file", str(tmp_path / "c"), str(tmp_path / "q")]) == 0
    out, err = capsys.readouterr()
    assert out == "" and "decrypting" in err
    assert (tmp_path / "q").read_bytes() == data


def test_quiet_and_aad(home, key_id, tmp_path, capsys):
    (tmp_path / "p").write_bytes(b"bound")
    assert main(["--home", str(home), "encrypt-file", "-q", "--aad", "ctx", key_id,
                 str(tmp_path / "p"), str(tmp_path / "c")]) == 0
    assert capsys.readouterr() == ("", "")
    assert main(["--home", str(home), "decrypt-file", "-q", str(tmp_path / "c"), str(tmp_path / "q")]) == 1
    assert capsys.readouterr().err == "dewtui: KMS.0308: the file cannot be decrypted\n"
    assert not (tmp_path / "q").exists()
    assert main(["--home", str(home), "decrypt-file", "-q", "--aad", "ctx",
                 str(tmp_path / "c"), str(tmp_path / "q")]) == 0
    assert (tmp_path / "q").read_bytes() == b"bound"


def test_the_dewtui_command_has_both(home, key_id, tmp_path, capsys):
    (tmp_path / "p").write_bytes(b"via dewtui")
    assert dewtui_main.main(["--home", str(home), "encrypt-file", "-q", key_id,
                             str(tmp_path / "p"), str(tmp_path / "c")]) == 0
    assert dewtui_main.main(["--home", str(home), "decrypt-file", "-q",
                             str(tmp_path / "c"), str(tmp_path / "q")]) == 0
    assert (tmp_path / "q").read_bytes() == b"via dewtui"


def test_a_disabled_key_is_refused_with_its_code(home, key_id, tmp_path, capsys):
    (tmp_path / "p").write_bytes(b"x")
    assert main(["--home", str(home), "encrypt-file", "-q", key_id, str(tmp_path / "p"), str(tmp_path / "c")]) == 0
    disable(home, key_id)
    assert main(["--home", str(home), "decrypt-file", "-q", str(tmp_path / "c"), str(tmp_path / "q")]) == 1
    assert capsys.readouterr().err.startswith("dewtui: KMS.0209: ")
    assert main(["--home", str(home), "encrypt-file", "-q", key_id, str(tmp_path / "p"), str(tmp_path / "d")]) == 1
    assert capsys.readouterr().err.startswith("dewtui: KMS.0209: ")
    assert not (tmp_path / "q").exists() and not (tmp_path / "d").exists()


def test_a_tampered_file_and_bad_paths_are_refused(home, key_id, tmp_path, capsys):
    (tmp_path / "p").write_bytes(b"y" * 3000)
    assert main(["--home", str(home), "encrypt-file", "-q", key_id, str(tmp_path / "p"), str(tmp_path / "c")]) == 0
    blob = bytearray((tmp_path / "c").read_bytes())
    blob[-1] ^= 1
    (tmp_path / "c").write_bytes(bytes(blob))
    capsys.readouterr()
    assert main(["--home", str(home), "decrypt-file", "-q", str(tmp_path / "c"), str(tmp_path / "q")]) == 1
    assert capsys.readouterr().err == "dewtui: KMS.0308: the file cannot be decrypted\n"
    assert main(["--home", str(home), "encrypt-file", "-q", key_id, str(tmp_path / "nope"), str(tmp_path / "d")]) == 1
    assert capsys.readouterr().err.startswith("dewtui: KMS.0308: src ")
    assert main(["--home", str(home), "encrypt-file", "-q", "not-a-key", str(tmp_path / "p"), str(tmp_path / "d")]) == 1
    assert capsys.readouterr().err.startswith("dewtui: KMS.0205: ")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c", "dew", "p"]


@pytest.mark.parametrize("argv", [["encrypt-file"], ["encrypt-file", "k", "src"], ["decrypt-file", "src"],
                                  ["decrypt-file", "a", "b", "c"], ["encrypt-file", "--bogus", "k", "a", "b"]])
def test_usage_errors_exit_2(home, argv, capsys):
    assert main(["--home", str(home), *argv]) == 2
    assert "usage:" in capsys.readouterr().err.lower()


def test_help_exits_0(capsys):
    assert main(["encrypt-file", "--help"]) == 0
    assert "KEY" in capsys.readouterr().out
