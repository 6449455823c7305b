"""The TUI's cold start: from launching `dewtui` to its keys screen painted with the newest
key's row, in a real pseudo-terminal (120x36), with 100,000 keys in the database; against a
minimal Textual app painting one line, launched the same way in the same run; and, for
scale, a process that only imports the engine and the Textual widgets the keys screen uses.

Each launch is a new process (imports, opening the engine, the first frame); the figure is
the median of a few launches, the time until the marker text reaches the terminal. Compiled
modules are kept between launches (an installed package has them), even where the
environment says not to write them.

    python -m benchmarks.cold_start [keys] [launches]
"""
from __future__ import annotations

import os
import pty
import select
import signal
import statistics
import struct
import sys
import tempfile
import termios
import fcntl
import time
from pathlib import Path

from engine import Engine, FrozenClock, SeededRng

MINIMAL_APP = """
from textual.app import App
from textual.widgets import Static
class Hello(App):
    def compose(self):
        yield Static("cold-start-marker")
Hello().run()
"""
# What no start of the TUI can go below: importing the engine (Engine.open needs it all) and
# the Textual widgets of the keys screen (the garbage collector paused, as the TUI pauses it
# while it starts), nothing run; launched and timed the same way.
IMPORTS_ALONE = """
import gc
gc.disable()
from textual.app import App
from textual.widgets import DataTable, Footer, Input, Select, Static
import engine
print("imports-done-marker")
"""
TIMEOUT = 60.0


def painted_after(argv: list[str], marker: bytes, env: dict[str, str]) -> float:
    """Seconds from starting `argv` in a pseudo-terminal until `marker` is on its screen."""
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # the child: the program, on the terminal
        os.execvpe(argv[0], argv, env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 36, 120, 0, 0))
    seen = b""
    elapsed = float("nan")
    try:
        while time.perf_counter() - start < TIMEOUT:
            ready, _, _ = select.select([fd], [], [], 0.5)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen = seen[-4096:] + chunk
            if marker in seen:
                elapsed = time.perf_counter() - start
                break
    finally:
        try:
            os.write(fd, b"\x11")  # ctrl+q
        except OSError:
            pass
        deadline = time.perf_counter() + 10
        while time.perf_counter() < deadline:
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            select.select([fd], [], [], 0.1)
            try:
                os.read(fd, 65536)
            except OSError:
                pass
        else:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(fd)
    return elapsed


def prepare(home: Path, keys: int) -> bytes:
    """A data directory with `keys` keys; → the alias of the newest, shown first."""
    from benchmarks.due_work import fill

    eng = Engine.open(home=home, clock=FrozenClock(), rng=SeededRng(5))
    try:
        fill(eng, keys)
    finally:
        eng.close()
    return b"bulk-000000"


def cold_start(tmp: Path, keys: int = 100_000, launches: int = 5,
               runs: dict[str, list[float]] | None = None) -> tuple[float, float]:
    """(dewtui to its painted keys screen, a minimal Textual app to its painted line), seconds:
    medians; each launch's figure goes to `runs` ("dewtui", "minimal") when given, and then
    also the launches of a process that only imports what the TUI cannot start without
    ("imports alone")."""
    home = tmp / "cold"
    marker = prepare(home, keys)
    env = {k: v for k, v in os.environ.items()
           if k not in ("NO_COLOR", "DEW_PASSPHRASE", "PYTHONDONTWRITEBYTECODE")}
    # compiled modules kept (outside the tree), as an installed package has them: the first,
    # unmeasured launch writes them
    env.update(TERM="xterm-256color", COLUMNS="120", LINES="36",
               PYTHONPYCACHEPREFIX=str(tmp / "pycache"))
    app = [sys.executable, "-m", "dewtui", "--home", str(home)]
    minimal = [sys.executable, "-c", MINIMAL_APP]
    imports = [sys.executable, "-c", IMPORTS_ALONE]
    painted_after(app, marker, env)  # once: the page cache holds the files, as at a second launch
    ours, base, floor = [], [], []
    for _ in range(launches):
        ours.append(painted_after(app, marker, env))
        base.append(painted_after(minimal, b"cold-start-marker", env))
        if runs is not None:
            floor.append(painted_after(imports, b"imports-done-marker", env))
    if runs is not None:
        runs.update({"dewtui": ours, "minimal": base, "imports alone": floor})
    return statistics.median(ours), statistics.median(base)


def main(keys: int = 100_000, launches: int = 5) -> None:
    runs: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as d:
        ours, base = cold_start(Path(d), keys, launches, runs)
    print(f"dewtui to the painted keys screen ({keys:,} keys): {ours:.3f} s; "
          f"a minimal Textual app: {base:.3f} s; ratio {ours / base:.2f}")
    floor = statistics.median(runs["imports alone"])
    print(f"importing the engine and the keys screen's Textual widgets alone: {floor:.3f} s "
          f"(ratio {floor / base:.2f}): the part no start of the TUI avoids")
    for name, times in runs.items():  # the machine may be shared: each launch, to judge noise
        print(f"  {name}: " + " ".join(f"{1000 * t:.0f}" for t in times) + " ms")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
