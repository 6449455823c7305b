"""Topic files: where a topic's JSON lines may go, and the one careful way to append them.

A topic file lives only at `$DEW_HOME/topics/<topic name>.jsonl`: the path is made from
the data directory and the (validated) topic name, never taken from a caller or a row.
Appending one line (`append_to_topic`) is built so that nothing planted at that path can
redirect or stall it:
- the `topics` folder is created 0700 when missing and opened with `O_NOFOLLOW |
  O_DIRECTORY` (a symlink in its place is refused); the file is opened relative to it;
- the file is opened `O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK` (mode 0600):
  a symlink fails to open, a FIFO never waits for a reader (without one the open fails,
  with one the type check below refuses it), a directory fails to open;
- after the open, `fstat` must show a regular file of this user with one link (a hard
  link to a file elsewhere is refused too); only then is the line written;
- the whole append runs in a worker thread given `DELIVERY_TIMEOUT` seconds, so a write
  stuck on a hung filesystem cannot block the caller; while such a write is still stuck,
  later appends fail at once instead of piling up threads.
A refused or failed append returns its reason (never raises). Callers must not hold a
database transaction while appending: `fire.py` appends after the commit, `jobs.py` after
its read, and the status update is a short transaction of its own.
"""
from __future__ import annotations

import errno
import logging
import os
import stat
import threading
from pathlib import Path

from engine.events.catalog import NAME_RE

log = logging.getLogger("engine.events")

TOPICS_DIR = "topics"
SUFFIX = ".jsonl"
DELIVERY_TIMEOUT = 5.0  # seconds one append may take before it counts as failed
OPEN_FLAGS = (os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK
              | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0))
DIR_FLAGS = (os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | os.O_NOFOLLOW
             | getattr(os, "O_CLOEXEC", 0))
FILE_MODE = 0o600

_OPEN_REASONS = {
    errno.ELOOP: "the topic file is a symbolic link",
    errno.ENXIO: "the topic file is a FIFO or a device",
    errno.EISDIR: "the topic file is a directory",
    errno.EAGAIN: "the topic file would block",
}

_stuck_lock = threading.Lock()
_stuck: list[threading.Thread] = []  # appends that outlived their timeout


def valid_topic_name(name: object) -> bool:
    """1-64 of ASCII letters, digits, `_` and `-` (the whole string: no control characters)."""
    return isinstance(name, str) and NAME_RE.fullmatch(name) is not None


def topics_dir(home: str | os.PathLike[str]) -> Path:
    return Path(home) / TOPICS_DIR


def topic_file_path(home: str | os.PathLike[str], name: str) -> Path:
    """The only file topic `name` may append to: `$DEW_HOME/topics/<name>.jsonl`."""
    if not valid_topic_name(name):
        raise ValueError("invalid topic name")
    return topics_dir(home) / f"{name}{SUFFIX}"


def append_to_topic(home: str | os.PathLike[str] | None, name: object, line: str) -> str | None:
    """Append `line` to topic `name`'s file; None when written, else the reason it was not."""
    if home is None:
        return "no data directory is known"
    if not valid_topic_name(name):
        return "the topic name is not a valid file name"
    with _stuck_lock:
        _stuck[:] = [t for t in _stuck if t.is_alive()]
        if _stuck:
            return "an earlier topic-file write is still stuck"
    outcome: list[str | None] = []
    worker = threading.Thread(target=lambda: outcome.append(_append(Path(home), str(name), line)),
                              name="dew-topic-file", daemon=True)
    worker.start()
    worker.join(DELIVERY_TIMEOUT)
    if worker.is_alive():
        with _stuck_lock:
            _stuck.append(worker)
        reason: str | None = f"the write did not finish within {DELIVERY_TIMEOUT:g} s"
    else:
        reason = outcome[0] if outcome else "the write failed"
    if reason is not None:
        log.warning("notification not appended to topic file %s%s: %s", name, SUFFIX, reason)
    return reason


def _open_topics_dir(home: Path) -> int:
    folder = topics_dir(home)
    try:
        os.mkdir(folder, 0o700)
    except FileExistsError:
        pass
    return os.open(folder, DIR_FLAGS)


def _append(home: Path, name: str, line: str) -> str | None:
    data = (line + "\n").encode("utf-8")
    try:
        dir_fd = _open_topics_dir(home)
    except OSError as e:
        if e.errno in (errno.ELOOP, errno.ENOTDIR):
            return "the topics folder is not a plain folder"
        return f"the topics folder cannot be opened ({errno.errorcode.get(e.errno or 0, 'error')})"
    try:
        try:
            fd = os.open(name + SUFFIX, OPEN_FLAGS, FILE_MODE, dir_fd=dir_fd)
        except OSError as e:
            return _OPEN_REASONS.get(e.errno or 0) or \
                f"the topic file cannot be opened ({errno.errorcode.get(e.errno or 0, 'error')})"
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                return "the topic file is not a regular file"
            if st.st_nlink != 1:
                return "the topic file has other hard links"
            if hasattr(os, "geteuid") and st.st_uid != os.geteuid():
                return "the topic file belongs to another user"
            return _write_all(fd, data)
        except OSError as e:
            return f"the topic file cannot be written ({errno.errorcode.get(e.errno or 0, 'error')})"
        finally:
            os.close(fd)
    finally:
        os.close(dir_fd)


def _write_all(fd: int, data: bytes) -> str | None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written <= 0:
            return "the topic file took no data"
        view = view[written:]
    return None
