"""The `dewtui` group: the TUI without a command (and without loading the server or the
operation table), commands imported only when named and skipped when absent, completion,
and one real process of the installed `dewtui` script."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
from click.testing import CliRunner

from dewtui.__main__ import cli
from dewtui.cli.lazy import LazyGroup

ROOT = Path(__file__).resolve().parents[2]
DEWTUI = ROOT / ".venv" / "bin" / "dewtui"

COLD_START = """
import sys
import dewtui.__main__ as m
m.run_tui = lambda home: print(sorted(k for k in sys.modules if k.split(".")[0] in ("starlette", "uvicorn")
                                      or k.startswith(("engine.operations", "dewtui.cli.operations",
                                                       "dewtui.serve", "textual")))) or 7
sys.exit(m.main(["--home", sys.argv[1]]))
"""


def test_no_command_starts_the_tui_without_the_server_or_the_table(tmp_path):
    r = subprocess.run([sys.executable, "-c", COLD_START, str(tmp_path)], capture_output=True, text=True,
                       cwd=ROOT, timeout=120)
    assert r.returncode == 7, r.stderr  # the TUI's exit code is the command's
    assert r.stdout.strip() == "[]"


def test_a_command_whose_module_is_missing_is_left_out():
    group = LazyGroup("g", lazy={"here": "dewtui.cli.completion:completion_command",
                                 "absent": "dewtui.no_such_module:command",
                                 "no-package": "no_such_package.command:command"})
    assert group.list_commands(click.Context(group)) == ["here"]
    r = CliRunner().invoke(group, ["absent"])
    assert r.exit_code == 2 and "No such command" in r.output


def test_help_lists_the_commands():
    r = CliRunner().invoke(cli, ["--help"])
    assert r.exit_code == 0
    for name in ("kms", "csms", "iam", "run-due", "scheduler", "encrypt-file", "decrypt-file", "completion"):
        assert f"  {name} " in r.output


HELP_ONLY = """
import sys
import dewtui.__main__ as m
code = m.main(["--help"])
print(sorted({k.split(".")[0] for k in sys.modules if k.split(".")[0] in ("engine", "starlette", "uvicorn",
                                                                          "textual", "sqlalchemy")}))
sys.exit(code)
"""


def test_help_imports_no_command():
    r = subprocess.run([sys.executable, "-c", HELP_ONLY], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "Commands:" in r.stdout and r.stdout.strip().endswith("[]")


def test_completion_scripts_and_completing_an_operation():
    r = CliRunner().invoke(cli, ["completion", "bash"])
    assert r.exit_code == 0 and "_DEWTUI_COMPLETE" in r.output
    r = CliRunner().invoke(cli, [], env={"_DEWTUI_COMPLETE": "bash_complete",
                                         "COMP_WORDS": "dewtui kms create-k", "COMP_CWORD": "2"})
    assert r.output.split() == ["plain,create-key", "plain,create-kms-tag"]
    r = CliRunner().invoke(cli, [], env={"_DEWTUI_COMPLETE": "bash_complete",
                                         "COMP_WORDS": "dewtui kms create-key --key-spec EC_P",
                                         "COMP_CWORD": "4"})
    assert {"plain,EC_P256", "plain,EC_P384"} <= set(r.output.split())
    r = CliRunner().invoke(cli, [], env={"_DEWTUI_COMPLETE": "bash_complete",
                                         "COMP_WORDS": "dewtui kms create-grant --operations encrypt-data,describe-",
                                         "COMP_CWORD": "4"})
    assert r.output.split() == ["plain,encrypt-data,describe-key"]
    assert CliRunner().invoke(cli, ["completion", "tcsh"]).exit_code == 2


def test_the_installed_script_in_a_real_process(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEW_")}
    args = [str(DEWTUI), "kms", "create-key", "--key-alias", "app", "--output", "json", "--home", str(tmp_path)]
    r = subprocess.run(args, capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    key = json.loads(r.stdout)["key_info"]
    assert len(key["key_id"]) == 36
    again = subprocess.run(args, capture_output=True, text=True, env=env, timeout=120)
    assert again.returncode == 1 and again.stdout == ""
    assert again.stderr.startswith("dewtui: KMS.1104: ")


def test_the_home_before_a_command_is_the_default_of_its_own_home(tmp_path):
    seen = []

    @click.command("probe")
    @click.option("--home", default=None)
    def probe(home):
        seen.append(home)

    cli.add_command(probe)
    try:
        assert CliRunner().invoke(cli, ["--home", str(tmp_path), "probe"]).exit_code == 0
        assert CliRunner().invoke(cli, ["--home", str(tmp_path), "probe", "--home", "elsewhere"]).exit_code == 0
    finally:
        cli.commands.pop("probe")
    assert seen == [str(tmp_path), "elsewhere"]
