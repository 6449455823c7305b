"""Writing a trace query's result as a CSV file (the console's Export, ≤ 5000 rows).

As the console (guide 2.3.2), an export holds at most `MAX_ROWS` traces: a query matching
more writes its newest `MAX_ROWS` and says so (`ExportResult.truncated`).

Cells are safe to open in a spreadsheet:
- every control character (tab, CR, LF, NUL, ...) and every other line separator inside a
  cell becomes a visible escape (`\\x0d`), so each physical line of the file is one row —
  also for a reader that splits on bare CR or on Unicode line breaks;
- a cell whose first character after leading whitespace would start a formula (= + - @,
  also their full-width forms) gets a leading `'`.

The file is only ever a regular file of the caller's: a target that is a symlink, a
directory, a device, a FIFO or a socket, or that belongs to another user, is refused
(CTS.0007) and left alone. The text goes to a new 0600 file (O_EXCL, O_NOFOLLOW) beside the
target, is synced, and renamed over it relative to the opened directory, so a reader never
sees half a file, the traces are never world-readable and no symlink is ever followed.
"""
from __future__ import annotations

import csv
import io
import os
import re
import stat
from dataclasses import dataclass
from typing import Iterable

from engine.audit.query import Trace, iso_ms
from engine.errors import DewError

MAX_ROWS = 5000
COLUMNS = ("time", "trace_name", "trace_rating", "trace_type", "resource_type", "resource_id",
           "resource_name", "code", "user", "domain_id", "source", "trace_id", "seq",
           "message", "request", "response", "source_ip")
FORMULA_STARTS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# C0/C1 controls (tab, CR, LF, VT, FF, FS/GS/RS, NEL), line/paragraph separators, surrogates
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote: `rows` traces (the newest ones) of the `matched` the query found;
    `truncated` when the query matched more than an export holds."""

    rows: int
    matched: int
    truncated: bool


_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_O_DIRECTORY = getattr(os, "O_DIRECTORY", 0)


def _escape_char(c: str) -> str:
    o = ord(c)
    if 0xD800 <= o <= 0xDFFF:
        return "\ufffd"
    return f"\\x{o:02x}" if o < 0x100 else f"\\u{o:04x}"


def cell(value: object) -> str:
    """One CSV cell: one line, never read as a formula."""
    text = "" if value is None else str(value)
    if _UNSAFE.search(text):
        text = _UNSAFE.sub(lambda m: _escape_char(m.group()), text)
    return "'" + text if text.lstrip().startswith(FORMULA_STARTS) else text


def render(traces: Iterable[Trace]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for t in traces:
        w.writerow([iso_ms(t.time)] + [cell(getattr(t, c)) for c in COLUMNS[1:]])
    return buf.getvalue()


def cannot_write(target: str, why: str) -> DewError:
    return DewError("CTS.0007", f"cannot write the export file {cell(target)[-512:]}: {why}", 400)


def _check_target(name: str, dir_fd: int, target: str) -> None:
    """Refuse unless `name` in the directory is absent or a regular file of ours."""
    try:
        st = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return
    mode = st.st_mode
    if stat.S_ISLNK(mode):
        raise cannot_write(target, "it is a symbolic link (links are never followed)")
    if stat.S_ISDIR(mode):
        raise cannot_write(target, "it is a directory")
    if not stat.S_ISREG(mode):
        raise cannot_write(target, "it is not a regular file (a device, FIFO or socket)")
    if st.st_uid != os.geteuid():
        raise cannot_write(target, "the file belongs to another user")


def write_private(path: str, text: str, suffix: str) -> str:
    """Write `text` to `path` (0600) atomically; CTS.0007 when it cannot or may not be written."""
    target = os.path.abspath(os.path.expanduser(path))
    folder, name = os.path.split(target)
    try:
        if not name or name in (".", ".."):
            raise cannot_write(target, "it is a directory")
        dir_fd = os.open(folder, os.O_RDONLY | _O_DIRECTORY | _O_CLOEXEC)
    except (OSError, ValueError) as e:
        raise cannot_write(target, _why(e)) from None
    try:
        _check_target(name, dir_fd, target)
        tmp = f".{name[:64]}.{suffix}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_NOFOLLOW | _O_CLOEXEC,
                     0o600, dir_fd=dir_fd)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            _check_target(name, dir_fd, target)  # again, just before replacing it
            os.replace(tmp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)  # replaces, never follows
        except BaseException:
            try:
                os.unlink(tmp, dir_fd=dir_fd)
            except OSError:
                pass
            raise
        os.fsync(dir_fd)  # the rename itself is durable
    except (OSError, ValueError) as e:
        raise cannot_write(target, _why(e)) from None
    finally:
        os.close(dir_fd)
    return target


def _why(e: BaseException) -> str:
    return (e.strerror if isinstance(e, OSError) else None) or type(e).__name__
