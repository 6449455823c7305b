"""`$DEW_HOME/serve.json`: how a running `dewtui serve` tells others (the TUI's header) that
it serves this data directory, and where.

Written when the server accepts connections and removed when it stops. A server killed
without its clean-up leaves the file behind, so readers check that its process still lives.
Kept apart from the runner so the TUI reads it without importing uvicorn or Starlette.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

STATE_FILE = "serve.json"


@dataclass(frozen=True)
class RunningServer:
    pid: int
    url: str
    project_id: str


def write_state(home: Path, url: str, project_id: str) -> Path:
    path = home / STATE_FILE
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"pid": os.getpid(), "url": url, "project_id": project_id}))
    os.replace(tmp, path)
    return path


def remove_state(home: Path) -> None:
    path = home / STATE_FILE
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return
    if data.get("pid") == os.getpid():  # another server on this home keeps its own file
        path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, someone else's
        return True
    return True


def running_server(home: Path | None) -> RunningServer | None:
    """The server serving `home` now, or None (no file, a broken file, or its process gone)."""
    if home is None:
        return None
    try:
        data = json.loads((home / STATE_FILE).read_text())
        server = RunningServer(int(data["pid"]), str(data["url"]), str(data.get("project_id", "")))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return server if server.pid > 0 and _alive(server.pid) else None
