"""A real server for the official SDKs: uvicorn in a background thread on a free loopback port.

The engine's clock is frozen at the real time when the fixture starts (the SDK stamps
X-Sdk-Date with the real time; the engine refuses more than 15 minutes of skew), with seeded
ids. `sdk` holds an administrator's access key and KMS/CSMS clients pointed at the server.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterator

import pytest
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcsms.v1 import CsmsClient
from huaweicloudsdkkms.v2 import KmsClient

from dewtui.serve.app import create_app
from dewtui.serve.runner import Server, ServeOptions, uvicorn_config
from engine import Engine, FrozenClock, SeededRng

START_TIMEOUT = 30.0


@dataclass
class Running:
    server: Server
    thread: threading.Thread

    @property
    def url(self) -> str:
        return self.server.url

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(START_TIMEOUT)


def start_server(eng: Any, **options: Any) -> Running:
    """Serve `eng` on a free loopback port in a thread; returns once it accepts connections."""
    opts = ServeOptions(host="127.0.0.1", port=0)
    app = create_app(eng, **options)
    server = Server(uvicorn_config(app, opts))
    thread = threading.Thread(target=server.run, name="dewtui-serve-test", daemon=True)
    thread.start()
    if not server.ready.wait(START_TIMEOUT):
        server.should_exit = True
        raise RuntimeError("the test server did not start")
    return Running(server, thread)


@dataclass
class Sdk:
    eng: Any
    url: str
    ak: str
    sk: str
    project_id: str

    def credentials(self, ak: str | None = None, sk: str | None = None,
                    project_id: str | None = None) -> BasicCredentials:
        return BasicCredentials(ak or self.ak, sk or self.sk, project_id or self.project_id)

    def kms(self, **kw: Any) -> KmsClient:
        return KmsClient.new_builder().with_credentials(self.credentials(**kw)).with_endpoints([self.url]).build()

    def csms(self, **kw: Any) -> CsmsClient:
        return CsmsClient.new_builder().with_credentials(self.credentials(**kw)).with_endpoints([self.url]).build()

    def traces(self) -> int:
        return len(self.eng.audit.list_traces(limit=5000))


@pytest.fixture
def real_clock() -> FrozenClock:
    return FrozenClock(datetime.now(timezone.utc).replace(microsecond=0))


@pytest.fixture
def served(tmp_path, real_clock) -> Iterator[tuple[Any, Running]]:
    eng = Engine.open(home=tmp_path / "dew", clock=real_clock, rng=SeededRng(11))
    running = start_server(eng)
    try:
        yield eng, running
    finally:
        running.stop()
        eng.close()


@pytest.fixture
def sdk(served) -> Sdk:
    eng, running = served
    key = eng.iam.create_access_key(user_name="admin")
    return Sdk(eng, running.url, key.access, key.secret, eng.project_id)


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        import json
        return json.loads(self.body)


@pytest.fixture
def raw(sdk) -> Any:
    """send(method, path, body=b"", sign_body=None, headers=None, query=(), sk=None) → Reply: a
    request signed by the SDK's own Signer (over `sign_body` when given, so a test can send
    another body than it signed), sent as is with http.client."""
    import http.client
    from urllib.parse import urlencode, urlsplit

    from huaweicloudsdkcore.sdk_request import SdkRequest
    from huaweicloudsdkcore.signer.signer import Signer

    netloc = urlsplit(sdk.url).netloc

    def send(method: str, path: str, body: bytes = b"", sign_body: bytes | None = None,
             headers: dict[str, str] | None = None, query: tuple = (), sign: bool = True) -> Reply:
        path = path.replace("{project_id}", sdk.project_id)
        hdrs = {"Content-Type": "application/json;charset=UTF-8", "X-Project-Id": sdk.project_id, **(headers or {})}
        req = SdkRequest(method=method, schema="http", host=netloc, resource_path=path, query_params=list(query),
                         header_params=hdrs, body=body if sign_body is None else sign_body)
        if sign:
            Signer(sdk.credentials()).sign(req)
        conn = http.client.HTTPConnection(netloc, timeout=30)
        try:
            target = path + ("?" + urlencode(list(query)) if query else "")
            conn.request(method, target, body=body, headers=req.header_params)
            resp = conn.getresponse()
            return Reply(resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read())
        finally:
            conn.close()
    return send


@pytest.fixture
def serve_with(tmp_path, real_clock) -> Iterator[Any]:
    """start(**create_app options) → (engine, Running), stopped and closed at the end."""
    started: list[tuple[Any, Running]] = []

    def start(**options: Any) -> tuple[Any, Running]:
        eng = Engine.open(home=tmp_path / f"dew{len(started)}", clock=real_clock, rng=SeededRng(12))
        running = start_server(eng, **options)
        started.append((eng, running))
        return eng, running
    yield start
    for eng, running in started:
        running.stop()
        eng.close()


@pytest.fixture
def raw_app_request() -> Any:
    """call(app, method, path, body) → (status, JSON body, headers): one ASGI request straight
    into the app (no socket), signed with a syntactically valid Authorization."""
    import json

    import anyio

    def call(app: Any, method: str, path: str, body: bytes) -> tuple[int, Any, dict]:
        auth = b"SDK-HMAC-SHA256 Access=A, SignedHeaders=host;x-sdk-date, Signature=00"
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
                 "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
                 "root_path": "", "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80),
                 "headers": [(b"host", b"h"), (b"x-sdk-date", b"20260101T000000Z"), (b"authorization", auth),
                             (b"content-length", str(len(body)).encode())]}
        sent: list[dict] = []
        delivered = False

        async def receive() -> dict:
            nonlocal delivered
            if delivered:
                return {"type": "http.disconnect"}
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict) -> None:
            sent.append(message)

        anyio.run(app, scope, receive, send)
        start = next(m for m in sent if m["type"] == "http.response.start")
        data = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
        return start["status"], json.loads(data) if data else None, dict(start["headers"])
    return call
