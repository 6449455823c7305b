"""Write-back that follows a large sequential write, so the fsync at its end has little left to do.

A file written in one pass and then fsync'd has all its data dirty in the page cache until the
fsync, which writes it back serially after the work that produced it (for 1 GiB, most of a
second on a fast disk) and holds that much memory meanwhile. On Linux, sync_file_range starts
the write-back of each completed window while later windows are still being produced, waits
for a window a few behind (so at most a few windows are ever dirty, whatever the file size)
and then drops that window from the page cache (it is on disk: keeping it would only make the
machine find fresh pages for the rest of the file, which costs more than reusing these).
Write-back stops at a whole MiB: the page the writer is still filling would otherwise be
written twice, and the writer would wait for the first of those writes to finish (for 1 GiB
in chunks of 1 MiB + 16 bytes, about 0.1 s more).

This is only a head start: the caller still fsyncs the file before it relies on it. Where
sync_file_range is missing (not Linux, or a C library without it) or a file system refuses it,
every call is a no-op and the fsync does all the work, as it would without this module.
"""
from __future__ import annotations

import ctypes
import errno
import os
from typing import Callable

WINDOW = 8 * 1024 * 1024     # bytes handed to write-back at a time
LAG = 2                      # whole windows that may still be in flight behind the writer
ALIGN = 1024 * 1024          # write-back stops at a multiple of this (the writer is not done with the rest)

# <linux/fs.h>
_WAIT_BEFORE, _WRITE, _WAIT_AFTER = 1, 2, 4
# what a file (system) that cannot do it answers; anything else, EIO above all, is a failed write
# (a wait consumes the error, so the fsync after it would not report it again)
_UNSUPPORTED = frozenset({errno.EINVAL, errno.ESPIPE, errno.ENOSYS, errno.EOPNOTSUPP})

SyncRange = Callable[[int, int, int, int], None]


def _load_sync_file_range() -> SyncRange | None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        func = libc.sync_file_range
    except (OSError, AttributeError, TypeError):  # no C library by that name, or no such function
        return None
    func.argtypes = [ctypes.c_int, ctypes.c_longlong, ctypes.c_longlong, ctypes.c_uint]
    func.restype = ctypes.c_int

    def sync_range(fd: int, offset: int, length: int, flags: int) -> None:
        if func(fd, offset, length, flags) != 0:
            err = ctypes.get_errno()
            raise OSError(err, os.strerror(err))
    return sync_range


_sync_file_range = _load_sync_file_range()


def available() -> bool:
    """Whether this platform can start write-back early (otherwise the final fsync does it all)."""
    return _sync_file_range is not None


class WriteBehind:
    """Follows one file descriptor written sequentially from `start`; call wrote() after each
    write with the offset reached. A file (system) that cannot do it turns it off for this
    file; a write-back failure raises OSError, as the write itself would have."""

    def __init__(self, fd: int, start: int = 0) -> None:
        self.fd = fd
        self.window = WINDOW
        self.lag = LAG
        self.started = start        # write-back requested for [.., started)
        self.settled = start        # on disk and dropped from the cache for [.., settled)
        self.sync_range = _sync_file_range

    def wrote(self, end: int) -> None:
        end -= end % ALIGN
        if self.sync_range is None or end - self.started < self.window:
            return
        try:
            self.sync_range(self.fd, self.started, end - self.started, _WRITE)
            self.started = end
            while self.started - self.settled > self.lag * self.window:
                self.sync_range(self.fd, self.settled, self.window, _WAIT_BEFORE | _WRITE | _WAIT_AFTER)
                os.posix_fadvise(self.fd, self.settled, self.window, os.POSIX_FADV_DONTNEED)
                self.settled += self.window
        except OSError as e:
            if e.errno not in _UNSUPPORTED:
                raise
            self.sync_range = None  # the final fsync does it all
