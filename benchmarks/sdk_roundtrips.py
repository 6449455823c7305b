"""SDK round trips per second against `dewtui serve`, next to boto3 against moto's server
mode in the same run: what an application sees through the HTTP API, client to durable
audited write and back.

Each figure is a fixed number of encrypt-data round trips (signed request, HTTP on loopback,
one durable audited transaction, response parsed by the SDK) spread over 1 or 8 client
threads; describe-key adds a read. moto (`ThreadedMotoServer`, Werkzeug, in memory, no
signature check, nothing on disk) is the baseline an AWS user would reach for. The two
share the machine and the run.

    python -m benchmarks.sdk_roundtrips [calls]
"""
from __future__ import annotations

import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
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


def dewtui_calls(home: Path) -> tuple[Callable[[], None], dict[str, Callable[[], Callable[[], Any]]]]:
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkkms.v2 import (CreateKeyRequest, CreateKeyRequestBody, EncryptDataRequest,
                                      EncryptDataRequestBody, KmsClient, ListKeyDetailRequest,
                                      OperateKeyRequestBody)

    from dewtui.serve.app import create_app
    from dewtui.serve.runner import Server, ServeOptions, uvicorn_config
    from engine import Engine, FrozenClock

    eng = Engine.open(home=home, clock=FrozenClock(datetime.now(timezone.utc)))
    key = eng.iam.create_access_key(user_name="admin")
    server = Server(uvicorn_config(create_app(eng), ServeOptions(host="127.0.0.1", port=0)))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    server.ready.wait(60)
    creds = BasicCredentials(key.access, key.secret, eng.project_id)

    def client() -> Any:
        return KmsClient.new_builder().with_credentials(creds).with_endpoints([server.url]).build()
    kid = client().create_key(CreateKeyRequest(body=CreateKeyRequestBody(key_alias="bench"))).key_info.key_id

    def encrypt() -> Callable[[], Any]:
        c = client()
        return lambda: c.encrypt_data(EncryptDataRequest(body=EncryptDataRequestBody(key_id=kid, plain_text="x" * 64)))

    def describe() -> Callable[[], Any]:
        c = client()
        return lambda: c.list_key_detail(ListKeyDetailRequest(body=OperateKeyRequestBody(key_id=kid)))

    def stop() -> None:
        server.should_exit = True
        thread.join(60)
        eng.close()
    return stop, {"encrypt-data": encrypt, "describe-key": describe}


def moto_calls() -> tuple[Callable[[], None], dict[str, Callable[[], Callable[[], Any]]]] | None:
    try:
        import boto3
        from moto.server import ThreadedMotoServer
    except ImportError:
        return None
    import logging
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()

    def client() -> Any:
        return boto3.client("kms", region_name="us-east-1", endpoint_url=f"http://{host}:{port}",
                            aws_access_key_id="testing", aws_secret_access_key="testing")
    kid = client().create_key()["KeyMetadata"]["KeyId"]

    def encrypt() -> Callable[[], Any]:
        c = client()
        return lambda: c.encrypt(KeyId=kid, Plaintext=b"x" * 64)

    def describe() -> Callable[[], Any]:
        c = client()
        return lambda: c.describe_key(KeyId=kid)
    return server.stop, {"encrypt-data": encrypt, "describe-key": describe}


def rows(calls: int = CALLS) -> list[dict]:
    """One row per (operation, clients): dewtui's round trips/s, moto's and their ratio."""
    with tempfile.TemporaryDirectory() as tmp:
        stop_dew, dew = dewtui_calls(Path(tmp) / "dew")
        moto = moto_calls()
        out = []
        try:
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
