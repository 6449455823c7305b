"""SDK round trips per second against `dewtui serve`, next to boto3 against moto's server
mode in the same run: what an application sees through the HTTP API, client to durable
audited write and back.

Each figure is a fixed number of encrypt-data round trips (signed request, HTTP on loopback,
one durable audited transaction, response parsed by the SDK) spread over 1 or 8 client
threads; describe-key adds a read. moto's server (Werkzeug, in memory, no signature check,
nothing on disk) is the baseline an AWS user would reach for. Each server runs in a process
of its own, as `dewtui serve` and `moto_server` do, and the clients in this one: an SDK
client's own work (signing, parsing) is not done under the server's interpreter lock. The
two share the machine and the run.

    python -m benchmarks.sdk_roundtrips [calls]
"""
from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable

CALLS = 400
CLIENT_COUNTS = (1, 8)


def timed_parallel(make_call: Callable[[], Callable[[], Any]], calls: int, clients: int) -> float:
    """Round trips per second: `calls` calls split over `clients` threads, each with its own
    client (made before the clock starts)."""
    per = calls // clients
    fns = [make_call() for _ in range(clients)]
    for fn in fns:
        fn()  # warm: connection, lazy imports
    errors: list[BaseException] = []

    def run(fn: Callable[[], Any]) -> None:
        try:
            for _ in range(per):
                fn()
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=run, args=(fn,)) for fn in fns]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise errors[0]
    return per * clients / elapsed


def start_process(argv: list[str], ready: Callable[[str], str | None], timeout: float = 60) -> tuple[subprocess.Popen, str]:
    """(process, what `ready` found): `argv` started, its output read line by line (and the
    rest drained, a full pipe would stop it) until `ready(line)` returns something."""
    env = {k: v for k, v in os.environ.items() if k != "DEW_PASSPHRASE"}
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    lines: queue.Queue[str] = queue.Queue()
    started = threading.Event()  # then the rest of its output is dropped as it comes

    def drain() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            if not started.is_set():
                lines.put(line)
        lines.put("")
    threading.Thread(target=drain, daemon=True).start()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.5)
        except queue.Empty:
            continue
        if not line:
            break
        found = ready(line)
        if found:
            started.set()
            return proc, found
    stop_process(proc)
    raise RuntimeError(f"{' '.join(argv[1:5])} did not start")


def stop_process(proc: subprocess.Popen) -> None:
    """Ctrl-C, as a user stops a server; killed if it does not stop."""
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def dewtui_calls(home: Path) -> tuple[Callable[[], None], dict[str, Callable[[], Callable[[], Any]]]]:
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkkms.v2 import (CreateKeyRequest, CreateKeyRequestBody, EncryptDataRequest,
                                      EncryptDataRequestBody, KmsClient, ListKeyDetailRequest,
                                      OperateKeyRequestBody)

    from engine import Engine

    eng = Engine.open(home=home)
    try:
        key, project_id = eng.iam.create_access_key(user_name="admin"), eng.project_id
    finally:
        eng.close()
    proc, url = start_process(
        [sys.executable, "-u", "-m", "dewtui", "serve", "--home", str(home), "--port", "0", "--no-scheduler"],
        lambda line: line.split("listening on ", 1)[1].split()[0] if "listening on " in line else None)
    creds = BasicCredentials(key.access, key.secret, project_id)

    def client() -> Any:
        return KmsClient.new_builder().with_credentials(creds).with_endpoints([url]).build()
    try:
        kid = client().create_key(CreateKeyRequest(body=CreateKeyRequestBody(key_alias="bench"))).key_info.key_id
    except BaseException:
        stop_process(proc)
        raise

    def encrypt() -> Callable[[], Any]:
        c = client()
        return lambda: c.encrypt_data(EncryptDataRequest(body=EncryptDataRequestBody(key_id=kid, plain_text="x" * 64)))

    def describe() -> Callable[[], Any]:
        c = client()
        return lambda: c.list_key_detail(ListKeyDetailRequest(body=OperateKeyRequestBody(key_id=kid)))

    return lambda: stop_process(proc), {"encrypt-data": encrypt, "describe-key": describe}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def moto_calls() -> tuple[Callable[[], None], dict[str, Callable[[], Callable[[], Any]]]] | None:
    try:
        import boto3
        import moto.server  # noqa: F401  (the server the process below runs)
    except ImportError:
        return None
    port = free_port()
    proc, _ = start_process([sys.executable, "-u", "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            lambda line: "Running on" in line and line)
    endpoint = f"http://127.0.0.1:{port}"

    def client() -> Any:
        return boto3.client("kms", region_name="us-east-1", endpoint_url=endpoint,
                            aws_access_key_id="testing", aws_secret_access_key="testing")
    try:
        kid = client().create_key()["KeyMetadata"]["KeyId"]
    except BaseException:
        stop_process(proc)
        raise

    def encrypt() -> Callable[[], Any]:
        c = client()
        return lambda: c.encrypt(KeyId=kid, Plaintext=b"x" * 64)

    def describe() -> Callable[[], Any]:
        c = client()
        return lambda: c.describe_key(KeyId=kid)
    return lambda: stop_process(proc), {"encrypt-data": encrypt, "describe-key": describe}


def rows(calls: int = CALLS) -> list[dict]:
    """One row per (operation, clients): dewtui's round trips/s, moto's and their ratio."""
    with tempfile.TemporaryDirectory() as tmp:
        stop_dew, dew = dewtui_calls(Path(tmp) / "dew")
        moto = None
        out = []
        try:
            moto = moto_calls()
            for op in dew:
                for clients in CLIENT_COUNTS:
                    ours = timed_parallel(dew[op], calls, clients)
                    theirs = timed_parallel(moto[1][op], calls, clients) if moto else None
                    out.append({"figure": f"SDK {op} round trips/s, {clients} client thread(s)",
                                "dewtui": round(ours, 1),
                                "moto server": round(theirs, 1) if theirs else None,
                                "ratio": round(ours / theirs, 2) if theirs else None,
                                "note": "dewtui: signed, durable, audited; moto: in memory, unsigned"})
        finally:
            stop_dew()
            if moto:
                moto[0]()
    return out


def main(calls: int = CALLS) -> None:
    for row in rows(calls):
        print(row)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else CALLS)
