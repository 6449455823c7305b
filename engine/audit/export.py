"""Writing a trace query's result as a CSV file (the console's Export, ≤ 5000 rows).

The file is created 0600 under a temporary name beside the target and renamed over it, so
a reader never sees half a file and the traces are never world-readable. Cells that a
spreadsheet would run as a formula (starting with = + - @, tab or CR) get a leading `'`.
"""
from __future__ import annotations

import csv
import io
import os
from typing import Iterable

from engine.audit.query import Trace, iso_ms
from engine.errors import DewError

MAX_ROWS = 5000
COLUMNS = ("time", "trace_name", "trace_rating", "trace_type", "resource_type", "resource_id",
           "resource_name", "code", "user", "domain_id", "source", "trace_id", "seq",
           "message", "request", "response")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def render(traces: Iterable[Trace]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for t in traces:
        w.writerow([iso_ms(t.time)] + [_cell(getattr(t, c)) for c in COLUMNS[1:]])
    return buf.getvalue()


def write_private(path: str, text: str, suffix: str) -> str:
    """Write `text` to `path` (0600) atomically; CTS.0007 when it cannot be written."""
    target = os.path.abspath(os.path.expanduser(path))
    tmp = f"{target}.{suffix}.tmp"
    try:
        if os.path.isdir(target):
            raise IsADirectoryError(target)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
        except BaseException:
            os.unlink(tmp)
            raise
        os.replace(tmp, target)
    except OSError as e:
        raise DewError("CTS.0007", f"cannot write the export file {target}: "
                                   f"{e.strerror or type(e).__name__}", 400) from None
    return target
