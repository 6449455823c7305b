"""A throw-away PostgreSQL server for the PostgreSQL tests (SPEC §5: the same code runs there).

Starts the machine's PostgreSQL binaries (`initdb`, `pg_ctl`) on a Unix socket in a temp
directory — as the `postgres` user when the tests run as root, since PostgreSQL refuses to
run as root — and gives each test a fresh database.
"""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    hits = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return hits[-1] if hits else None


def _run_as(user: str | None, args: list[str]) -> subprocess.CompletedProcess:
    if user:
        args = ["runuser", "-u", user, "--"] + args
    return subprocess.run(args, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="session")
def pg_server():
    initdb, pg_ctl, psql = _pg_bin("initdb"), _pg_bin("pg_ctl"), _pg_bin("psql")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        psycopg = None
    if not (initdb and pg_ctl and psql) or psycopg is None:
        pytest.skip("PostgreSQL server binaries or psycopg are not installed")
    user = "postgres" if os.geteuid() == 0 else None
    base = Path(tempfile.mkdtemp(prefix="dewpg-"))
    data, sock = base / "data", base / "sock"
    sock.mkdir()
    if user:
        shutil.chown(base, user)
        shutil.chown(sock, user)
    os.chmod(base, 0o755)
    r = _run_as(user, [initdb, "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync"])
    assert r.returncode == 0, r.stderr
    opts = f"-k {sock} -c listen_addresses='' -c fsync=off -c max_connections=50"
    r = _run_as(user, [pg_ctl, "-D", str(data), "-o", opts, "-w", "-l", str(base / "log"), "start"])
    assert r.returncode == 0, r.stderr + (base / "log").read_text() if (base / "log").exists() else r.stderr
    try:
        yield {"sock": str(sock), "psql": psql, "user": user}
    finally:
        _run_as(user, [pg_ctl, "-D", str(data), "-m", "immediate", "stop"])
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server):
    name = "dew_" + uuid.uuid4().hex[:12]
    r = subprocess.run([pg_server["psql"], "-h", pg_server["sock"], "-U", "postgres", "-d", "postgres",
                        "-c", f"CREATE DATABASE {name}"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return f"postgresql+psycopg://postgres@/{name}?host={pg_server['sock']}"
