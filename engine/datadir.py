"""The data directory and the SQLite file: private from the moment dewtui makes them.

`Engine.open` makes the data directory 0700 only when it creates it (an existing directory
belongs to the user: its mode is left alone), and creates an SQLite database file 0600
before SQLite first opens it; SQLite gives the -wal and -shm files the database file's mode.
"""
from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import make_url


def ensure_data_dir(home: Path) -> None:
    """Create `home` with mode 0700 if it does not exist; never change an existing one."""
    if home.is_dir():
        return
    home.parent.mkdir(parents=True, exist_ok=True)
    try:
        home.mkdir(mode=0o700)
    except FileExistsError:  # another process made it first: theirs, as made
        return
    os.chmod(home, 0o700)  # exactly 0700 whatever the umask


def sqlite_file(url: str) -> Path | None:
    """The file an SQLite URL opens, or None (another backend, in memory, or a URI)."""
    u = make_url(url)
    if u.get_backend_name() != "sqlite":
        return None
    name = u.database
    if not name or name == ":memory:" or name.startswith("file:") or u.query.get("uri"):
        return None
    return Path(name)


def create_private_file(path: Path) -> bool:
    """Create an empty `path` with mode 0600 unless it exists (or its folder does not)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except (FileExistsError, FileNotFoundError):
        return False
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o600)  # exactly 0600 whatever the umask
    finally:
        os.close(fd)
    return True
