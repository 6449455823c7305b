"""What files by envelope encryption (engine.envelope) cost: throughput against a plain copy of
the same file in the same run, and peak memory growth over a warm engine.

    python -m benchmarks.envelope_files [MiB] [rounds] [hot|cold]

Throughput: the wall time of shutil.copyfile (and of copyfile + fsync, since the engine syncs
its output before renaming it) against encrypt_file and decrypt_file of one file in /tmp,
rounds interleaved (in a different order each round), medians compared as ratios (goal:
≥ 0.7× copyfile). "durable write only" writes as many bytes from memory and makes them
durable the way the engine does, without reading or encrypting anything: a durable writer
can hardly beat it, so it shows how much of copyfile's speed the disk leaves within reach. Two more
pairs of rows show what durability costs: "fsync only" is the engine without its early
write-back (engine.write_behind), "not durable" without that and without the fsync.

Every operation starts from the same state (see _prepare): its input in the page cache,
nothing dirty, and, on a virtual machine whose balloon driver reports free pages to the
host, the same kind of free pages. "hot" (the default) frees as many page-cache pages as the
operation will write just before it, so fresh pages cost what they cost on bare metal;
"cold" lets the host take freed pages back first, so pages the operation newly puts in the
page cache may cost a fault in the host (up to a few seconds more per GiB here; which
operations pay varies from run to run, decrypt's writes of whole aligned MiBs most often,
probably because they get large pages, which come from the blocks handed back). The
benchmark used to give some operations one state and some the other, which is why a
"no fsync" row could be slower than the same operation with its fsync. The engine's own
rows hardly depend on the regime: its early write-back reuses the few MiB of page cache it
drops.

Memory: a fresh process warms an engine with a small file, resets its peak RSS
(/proc/self/clear_refs), runs one operation and reports VmHWM minus the RSS before (goal:
< 64 MiB whatever the size), for a small and the full-size file. The files are deleted
afterwards. Nothing here asserts.
"""
from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import engine.write_behind
from engine import Engine, envelope
from engine.envelope import decrypt_file, encrypt_file

MIB = 1024 * 1024


def _status(field: str) -> int:
    """A /proc/self/status figure in bytes (VmRSS, VmHWM)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def _make(path: Path, size: int) -> None:
    block = os.urandom(MIB)
    with open(path, "wb") as f:
        for _ in range(size // MIB):
            f.write(block)
        f.write(block[:size % MIB])


def _timed(fn, *args, **kwargs) -> tuple[float, float]:
    """(wall, CPU) seconds of one call; CPU is this process's user + system time, which counts
    copyfile's in-kernel copy too, and is steadier than wall time on a shared machine."""
    t, c = time.perf_counter(), time.process_time()
    fn(*args, **kwargs)
    return time.perf_counter() - t, time.process_time() - c


COLD_WAIT = 5.0  # seconds: the balloon driver reports a free page after 2 s, in batches


def _prepare(size: int, out: Path, ballast: Path, source: Path, regime: str) -> None:
    """Put every timed operation in the same state, untimed: no earlier output, nothing dirty
    (no operation pays for another's write-back), its input in the page cache (as copyfile's
    is), and the same kind of free pages. On a virtual machine whose balloon driver reports
    free pages to the host, a page freed seconds ago costs a fault in the host when it is used
    again: writing 1 GiB into the page cache takes over a second more if no file was deleted
    just before than if one was. "hot" deletes a file of `size` dirty bytes just before the
    operation, "cold" waits until freed pages have been reported."""
    out.unlink(missing_ok=True)
    os.sync()
    with open(source, "rb", buffering=0) as f:
        buf = bytearray(MIB)
        while f.readinto(buf):
            pass
    if regime == "cold":
        time.sleep(COLD_WAIT)
        return
    fd = os.open(ballast, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        block = bytes(MIB)
        for _ in range(-(-size // MIB)):
            os.write(fd, block)
    finally:
        os.close(fd)
    ballast.unlink()  # dirty pages of a deleted file are dropped, never written


def _copy_synced(src: Path, dst: Path) -> None:
    shutil.copyfile(src, dst)
    fd = os.open(dst, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_durably(size: int, dst: Path) -> None:
    """The floor for any durable writer: `size` bytes from memory, written back behind the
    writer as the engine does, then fsync'd; no reading, no encryption."""
    block = os.urandom(MIB)
    fd = os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        behind = engine.write_behind.WriteBehind(fd)
        done = 0
        while done < size:
            done += os.write(fd, block[:min(MIB, size - done)])
            behind.wrote(done)
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def _durability(fsync: bool, write_behind: bool) -> Iterator[None]:
    """Switch off the engine's fsync and/or its early write-back, to see what each costs."""
    real_fsync, real_range = envelope.os.fsync, engine.write_behind._sync_file_range
    if not fsync:
        envelope.os.fsync = lambda fd: None
    if not write_behind:
        engine.write_behind._sync_file_range = None
    try:
        yield
    finally:
        envelope.os.fsync, engine.write_behind._sync_file_range = real_fsync, real_range


def measure_rss(home: str, key_id: str, src: str, work: str) -> dict[str, int]:
    """In this (fresh) process: peak RSS growth of one encrypt and one decrypt over a warm engine."""
    eng = Engine.open(home=home, source="bench", run_due=False)
    try:
        warm = Path(work) / "warm"
        _make(warm, 4 * MIB)
        encrypt_file(eng, key_id, warm, Path(work) / "warm.enc")
        decrypt_file(eng, Path(work) / "warm.enc", Path(work) / "warm.out")
        out = {}
        for name, run in (("encrypt", lambda: encrypt_file(eng, key_id, src, Path(work) / "rss.enc")),
                          ("decrypt", lambda: decrypt_file(eng, Path(work) / "rss.enc", Path(work) / "rss.out"))):
            Path("/proc/self/clear_refs").write_text("5")  # peak RSS := current RSS
            before = _status("VmRSS")
            run()
            out[name] = _status("VmHWM") - before
        return out
    finally:
        eng.close()
        for name in ("warm", "warm.enc", "warm.out", "rss.enc", "rss.out"):
            (Path(work) / name).unlink(missing_ok=True)


def _rss_in_subprocess(home: Path, key_id: str, src: Path, work: Path) -> dict[str, int]:
    code = ("import json, sys; from benchmarks.envelope_files import measure_rss; "
            "print(json.dumps(measure_rss(*sys.argv[1:])))")
    done = subprocess.run([sys.executable, "-c", code, str(home), key_id, str(src), str(work)],
                          check=True, capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(size_mib: int = 1024, rounds: int = 3, regime: str = "hot") -> None:
    if regime not in ("hot", "cold"):
        raise SystemExit("regime: hot or cold")
    size = size_mib * MIB
    work = Path(tempfile.mkdtemp(prefix="dew-envelope-bench-", dir="/tmp"))
    try:
        home = work / "home"
        eng = Engine.open(home=home, source="bench", run_due=False)
        key_id = eng.kms.create_key("bench-files").key_id
        src, enc, out, ballast = work / "src", work / "enc", work / "out", work / "ballast"
        _make(src, size)
        encrypt_file(eng, key_id, src, enc)  # the input of every decrypt; warms the engine

        def encrypt(fsync: bool = True, write_behind: bool = True) -> tuple[Path, Callable[[], object]]:
            def run() -> None:
                with _durability(fsync, write_behind):
                    encrypt_file(eng, key_id, src, out)
            return src, run

        def decrypt(fsync: bool = True, write_behind: bool = True) -> tuple[Path, Callable[[], object]]:
            def run() -> None:
                with _durability(fsync, write_behind):
                    decrypt_file(eng, enc, out)
            return enc, run

        ops: dict[str, tuple[Path, Callable[[], object]]] = {
            "copyfile": (src, lambda: shutil.copyfile(src, out)),
            "copyfile+fsync": (src, lambda: _copy_synced(src, out)),
            "durable write only": (src, lambda: _write_durably(size, out)),
            "encrypt": encrypt(),
            "decrypt": decrypt(),
            "encrypt, fsync only": encrypt(write_behind=False),
            "decrypt, fsync only": decrypt(write_behind=False),
            "encrypt, not durable": encrypt(fsync=False, write_behind=False),
            "decrypt, not durable": decrypt(fsync=False, write_behind=False),
        }
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in ops}
        names = list(ops)
        for r in range(rounds):
            for name in names[r % len(names):] + names[:r % len(names)]:  # a different order each round
                source, run = ops[name]
                _prepare(size, out, ballast, source, regime)
                times[name].append(_timed(run))
                if r == 0 and name == "decrypt":
                    assert out.stat().st_size == size and _same(src, out), "decrypt gave other bytes"
        out.unlink(missing_ok=True)
        eng.close()
        wall = {k: statistics.median(w for w, _ in v) for k, v in times.items()}
        cpu = {k: statistics.median(c for _, c in v) for k, v in times.items()}
        print(f"{size_mib} MiB, {rounds} rounds, {regime} free pages, medians; throughput as a ratio of "
              f"copyfile's (wall time, and CPU time in brackets); early write-back: {engine.write_behind.available()}")
        for name, t in wall.items():
            print(f"  {name:20s} {t:6.3f} s ({cpu[name]:5.3f} s)  {size / t / MIB:6.0f} MiB/s  "
                  f"{wall['copyfile'] / t:5.2f}x copyfile ({cpu['copyfile'] / cpu[name]:4.2f}x)  "
                  f"{wall['copyfile+fsync'] / t:5.2f}x copyfile+fsync")
        enc.unlink()
        for label, n in (("16 MiB", 16 * MIB), (f"{size_mib} MiB", size)):
            if n != size:
                _make(work / "small", n)
            rss = _rss_in_subprocess(home, key_id, work / "small" if n != size else src, work)
            print(f"  peak RSS growth over a warm engine, {label}: encrypt {rss['encrypt'] / MIB:.1f} MiB, "
                  f"decrypt {rss['decrypt'] / MIB:.1f} MiB (goal < 64 MiB)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _same(a: Path, b: Path) -> bool:
    with open(a, "rb") as fa, open(b, "rb") as fb:
        while True:
            x, y = fa.read(8 * MIB), fb.read(8 * MIB)
            if x != y:
                return False
            if not x:
                return True


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]), *sys.argv[3:4])
