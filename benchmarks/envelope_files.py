"""What files by envelope encryption (engine.envelope) cost: throughput against a plain copy of
the same file in the same run, and peak memory growth over a warm engine.

    python -m benchmarks.envelope_files [MiB] [rounds]

Throughput: the wall time of shutil.copyfile (and of copyfile + fsync, since the engine syncs
its output before renaming it) against encrypt_file and decrypt_file of one file in /tmp,
rounds interleaved, medians compared as ratios (goal: ≥ 0.7× copyfile). Memory: a fresh
process warms an engine with a small file, resets its peak RSS (/proc/self/clear_refs), runs
one operation and reports VmHWM minus the RSS before (goal: < 64 MiB whatever the size), for
a small and the full-size file. The files are deleted afterwards. Nothing here asserts.
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
from typing import Iterator

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


def _settle(*paths: Path) -> None:
    """Delete earlier outputs and write back everything dirty, untimed, so that no operation
    pays for another's write-back (or for the file system discarding a deleted file's blocks)."""
    for path in paths:
        path.unlink(missing_ok=True)
    os.sync()


def _copy_synced(src: Path, dst: Path) -> None:
    shutil.copyfile(src, dst)
    fd = os.open(dst, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def _fsync_skipped() -> Iterator[None]:
    real = envelope.os.fsync
    envelope.os.fsync = lambda fd: None
    try:
        yield
    finally:
        envelope.os.fsync = real


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


def main(size_mib: int = 1024, rounds: int = 3) -> None:
    size = size_mib * MIB
    work = Path(tempfile.mkdtemp(prefix="dew-envelope-bench-", dir="/tmp"))
    try:
        home = work / "home"
        eng = Engine.open(home=home, source="bench", run_due=False)
        key_id = eng.kms.create_key("bench-files").key_id
        src, copy, enc, dec = work / "src", work / "copy", work / "enc", work / "dec"
        _make(src, size)
        encrypt_file(eng, key_id, src, enc)  # warm the page cache and the engine
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in (
            "copyfile", "copyfile+fsync", "encrypt", "decrypt", "encrypt, no fsync", "decrypt, no fsync")}
        for r in range(rounds):
            _settle(copy)
            times["copyfile"].append(_timed(shutil.copyfile, src, copy))
            _settle(copy)
            times["copyfile+fsync"].append(_timed(_copy_synced, src, copy))
            _settle(copy, enc)
            times["encrypt"].append(_timed(encrypt_file, eng, key_id, src, enc))
            _settle(dec)
            times["decrypt"].append(_timed(decrypt_file, eng, enc, dec))
            with _fsync_skipped():  # how much of the engine's time is making its output durable
                _settle(enc, dec)
                times["encrypt, no fsync"].append(_timed(encrypt_file, eng, key_id, src, enc))
                _settle(dec)
                times["decrypt, no fsync"].append(_timed(decrypt_file, eng, enc, dec))
            if r == 0:
                assert dec.stat().st_size == size and _same(src, dec), "decrypt gave other bytes"
        _settle(dec)
        eng.close()
        wall = {k: statistics.median(w for w, _ in v) for k, v in times.items()}
        cpu = {k: statistics.median(c for _, c in v) for k, v in times.items()}
        print(f"{size_mib} MiB, {rounds} rounds, medians; throughput as a ratio of copyfile's "
              "(wall time, and CPU time in brackets)")
        for name, t in wall.items():
            print(f"  {name:18s} {t:6.3f} s ({cpu[name]:5.3f} s)  {size / t / MIB:6.0f} MiB/s  "
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
    main(*(int(a) for a in sys.argv[1:3]))
