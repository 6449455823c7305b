"""Envelope files on disk: write-back follows the writer (engine.write_behind), its failures are
refused like failed writes, and a result is durable (data synced before the rename, the folder
after it)."""
from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from engine import envelope, write_behind
from engine.envelope import TAG_SIZE, decrypt_file, encrypt_file
from refusals import refused

SMALL = 256
WINDOW = 1024
ALIGN = 512
needs_proc = pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc to name an fd's file")


@pytest.fixture
def key(eng):
    return eng.kms.create_key("files").key_id


@pytest.fixture
def work(tmp_path):
    d = tmp_path / "files"
    d.mkdir()
    return d


def payload(n: int) -> bytes:
    return (bytes(range(256)) * (n // 256 + 1))[:n]


def leftovers(work: Path, *mine: str) -> list[str]:
    return sorted(p.name for p in work.iterdir() if p.name not in mine)


class Recorder:
    """Stands in for sync_file_range: records (offset, length, flags), maybe fails on one call."""

    def __init__(self, fail_on: int | None = None, errno_: int = errno.EIO, always: bool = False) -> None:
        self.calls: list[tuple[int, int, int]] = []
        self.dropped: list[tuple[int, int, int]] = []
        self.fail_on = fail_on
        self.errno = errno_
        self.always = always

    def __call__(self, fd: int, offset: int, length: int, flags: int) -> None:
        self.calls.append((offset, length, flags))
        if self.always or (self.fail_on is not None and len(self.calls) == self.fail_on):
            raise OSError(self.errno, os.strerror(self.errno))

    def requested(self) -> list[tuple[int, int]]:
        return [(o, n) for o, n, f in self.calls if f == 2]

    def waited(self) -> list[tuple[int, int]]:
        return [(o, n) for o, n, f in self.calls if f == 1 | 2 | 4]


@pytest.fixture
def recorder(monkeypatch):
    """Small windows, and a recording sync_file_range in place of the real one (and of
    posix_fadvise: its calls are in rec.dropped)."""
    def install(**kw) -> Recorder:
        rec = Recorder(**kw)
        monkeypatch.setattr(write_behind, "_sync_file_range", rec)
        monkeypatch.setattr(write_behind.os, "posix_fadvise",
                            lambda fd, offset, length, advice: rec.dropped.append((offset, length, advice)))
        monkeypatch.setattr(write_behind, "WINDOW", WINDOW)
        monkeypatch.setattr(write_behind, "ALIGN", ALIGN)
        monkeypatch.setattr(write_behind, "LAG", 2)
        return rec
    return install


@pytest.mark.parametrize("op", ["encrypt", "decrypt"])
def test_write_back_follows_the_writer_in_order_and_a_few_windows_behind(eng, key, work, recorder, op):
    data = payload(40 * SMALL + 7)
    (work / "p").write_bytes(data)
    if op == "decrypt":
        encrypt_file(eng, key, work / "p", work / "c", chunk_size=SMALL)
    rec = recorder()
    if op == "encrypt":
        encrypt_file(eng, key, work / "p", work / "c", chunk_size=SMALL)
        size = (work / "c").stat().st_size
    else:
        decrypt_file(eng, work / "c", work / "out")
        assert (work / "out").read_bytes() == data
        size = len(data)
    requested, waited = rec.requested(), rec.waited()
    assert requested[0][0] == 0 and all(n >= WINDOW for _, n in requested)
    assert all(a + n == b for (a, n), (b, _) in zip(requested, requested[1:]))  # no gap, no overlap
    # each ends where the writer is done: not in a page it is still filling (written twice)
    assert all((a + n) % ALIGN == 0 for a, n in requested)
    assert size - (requested[-1][0] + requested[-1][1]) < WINDOW + ALIGN + SMALL + TAG_SIZE  # the fsync does the rest
    assert waited == [(i * WINDOW, WINDOW) for i in range(len(waited))]
    assert len(waited) >= size // WINDOW - 4
    assert rec.dropped == [(o, n, os.POSIX_FADV_DONTNEED) for o, n in waited]  # on disk: out of the cache
    # never more than LAG windows requested and not yet waited for, after each wait
    pending = 0
    for offset, length, flags in rec.calls:
        if flags == 2:
            pending = offset + length
        else:
            assert pending - (offset + length) <= 2 * WINDOW


@pytest.mark.parametrize("op", ["encrypt", "decrypt"])
def test_a_failed_write_back_is_a_failed_write_and_leaves_dst_untouched(eng, key, work, recorder, op):
    """A wait reports a write-back error once (the fsync after it would not): it must not be lost."""
    (work / "p").write_bytes(payload(40 * SMALL))
    (work / "dst").write_bytes(b"previous")
    if op == "decrypt":
        encrypt_file(eng, key, work / "p", work / "c", chunk_size=SMALL)
    rec = recorder(fail_on=4)
    if op == "encrypt":
        err = refused("KMS.0308", encrypt_file, eng, key, work / "p", work / "dst", chunk_size=SMALL)
    else:
        err = refused("KMS.0308", decrypt_file, eng, work / "c", work / "dst")
    assert len(rec.calls) == 4
    assert "cannot write dst" in err.message and "Input/output error" in err.message
    assert (work / "dst").read_bytes() == b"previous"
    assert leftovers(work, "p", "c", "dst") == []


@pytest.mark.parametrize("code", [errno.EINVAL, errno.ESPIPE, errno.ENOSYS, errno.EOPNOTSUPP])
def test_a_file_system_that_cannot_start_write_back_early_still_works(eng, key, work, recorder, code):
    data = payload(40 * SMALL)
    (work / "p").write_bytes(data)
    rec = recorder(errno_=code, always=True)
    encrypt_file(eng, key, work / "p", work / "c", chunk_size=SMALL)
    decrypt_file(eng, work / "c", work / "out")
    assert (work / "out").read_bytes() == data
    assert len(rec.calls) == 2  # once for each file: then the final fsync does it all


def test_a_platform_without_sync_file_range_still_works(eng, key, work, monkeypatch):
    monkeypatch.setattr(write_behind, "_sync_file_range", None)
    assert not write_behind.available()
    data = payload(40 * SMALL)
    (work / "p").write_bytes(data)
    encrypt_file(eng, key, work / "p", work / "c", chunk_size=SMALL)
    decrypt_file(eng, work / "c", work / "out")
    assert (work / "out").read_bytes() == data


def test_linux_has_sync_file_range():
    if not os.uname().sysname == "Linux":
        pytest.skip("only Linux has sync_file_range")
    assert write_behind.available()


class SyncLog:
    """Records fsyncs (what each fd is) and renames, in order."""

    def __init__(self, monkeypatch) -> None:
        self.events: list[tuple[str, str]] = []
        real_fsync, real_replace = os.fsync, os.replace

        def fsync(fd: int) -> None:
            self.events.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
            real_fsync(fd)

        def replace(a, b) -> None:
            self.events.append(("rename", os.fspath(b)))
            real_replace(a, b)

        monkeypatch.setattr(envelope.os, "fsync", fsync)
        monkeypatch.setattr(envelope.os, "replace", replace)


@needs_proc
@pytest.mark.parametrize("op", ["encrypt", "decrypt"])
def test_the_data_is_synced_before_the_rename_and_the_folder_after(eng, key, work, monkeypatch, op):
    (work / "p").write_bytes(payload(3 * SMALL))
    encrypt_file(eng, key, work / "p", work / "c", chunk_size=SMALL)
    log = SyncLog(monkeypatch)
    if op == "encrypt":
        encrypt_file(eng, key, work / "p", work / "dst", chunk_size=SMALL)
    else:
        decrypt_file(eng, work / "c", work / "dst")
    (kind1, temp), rename, folder = log.events
    assert kind1 == "fsync" and Path(temp).parent == work and Path(temp).name.startswith(".dst.")
    assert rename == ("rename", str(work / "dst"))
    assert folder == ("fsync", str(work))


@needs_proc
@pytest.mark.parametrize("code", [errno.EIO, errno.EINVAL])
def test_a_folder_that_cannot_be_synced(eng, key, work, monkeypatch, code):
    """An I/O error syncing the folder refuses the call after the rename (the file is whole,
    only its durability is in doubt); a file system that cannot sync folders at all
    (EINVAL) is fine."""
    (work / "p").write_bytes(payload(3 * SMALL))
    real_fsync = os.fsync

    def failing_on_folders(fd: int) -> None:
        if os.path.isdir(f"/proc/self/fd/{fd}"):
            raise OSError(code, os.strerror(code))
        real_fsync(fd)

    monkeypatch.setattr(envelope.os, "fsync", failing_on_folders)
    if code == errno.EIO:
        err = refused("KMS.0308", encrypt_file, eng, key, work / "p", work / "dst", chunk_size=SMALL)
        assert "folder cannot be synced" in err.message
        assert leftovers(work, "p", "dst") == []  # dst is whole (renamed)
        monkeypatch.undo()  # (and reads back once the folder syncs again)
    else:
        encrypt_file(eng, key, work / "p", work / "dst", chunk_size=SMALL)
    decrypt_file(eng, work / "dst", work / "out")
    assert (work / "out").read_bytes() == payload(3 * SMALL)
