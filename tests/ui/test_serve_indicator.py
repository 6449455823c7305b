"""The header says when `dewtui serve` runs on the app's data directory (its URL and the
project id the SDKs need), and stops saying so when the server is gone — also when a killed
server left its state file behind."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from textual.widgets import Static

from dewtui.serve.state_file import running_server
from ui.helpers import SIZE, settle, snap, toasts

URL = "http://127.0.0.1:8090"
PROJECT = "0123456789abcdef0123456789abcdef"


def _write_state(home, pid: int) -> None:
    (home / "serve.json").write_text(json.dumps({"pid": pid, "url": URL, "project_id": PROJECT}))


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _session(app) -> str:
    return str(app.screen.query_one("#header-session", Static).render())


async def test_the_header_shows_a_server_running_on_this_home(app, eng):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "serving" not in _session(app)
        _write_state(eng.home, os.getpid())  # this process stands in for the server
        app.look_for_server()
        await settle(pilot)
        assert f"⇄ serving {URL} project {PROJECT}" in _session(app)
        (eng.home / "serve.json").unlink()
        app.look_for_server()
        await settle(pilot)
        assert "serving" not in _session(app)


def test_a_state_file_left_by_a_killed_server_is_ignored(tmp_path):
    _write_state(tmp_path, _dead_pid())
    assert running_server(tmp_path) is None
    (tmp_path / "serve.json").write_text("{not json")
    assert running_server(tmp_path) is None
    _write_state(tmp_path, os.getpid())
    assert running_server(tmp_path).url == URL


def test_snapshot_header_while_serving(snap_compare, eng):
    _write_state(eng.home, os.getpid())
    assert snap(snap_compare, eng, size=(120, 24))


async def test_the_palette_copies_the_project_id(app, eng):
    copied: list[str] = []
    app.copy_to_clipboard = copied.append
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"copy project id")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert copied == [eng.project_id]
        assert any(eng.project_id in text for text in toasts(app))
