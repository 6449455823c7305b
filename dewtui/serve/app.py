"""The SDK-compatible HTTP API: a Starlette app whose routes are made from `engine.operations`.

Every request: read the body (at most `max_body` bytes, refused before parsing; a client that
stops sending is cut off after `body_timeout`), check its SDK-HMAC-SHA256 signature through
`Engine.authenticate` (the request then runs as the key's owner, traced with source `api`
and the client's address), merge path, query and JSON body into the operation's wire fields
and run `engine.operations.invoke` in a bounded thread pool. Refusals are the engine's
DewError codes in the cloud's error shapes (`errors.py`).
"""
from __future__ import annotations

import json
import logging
import secrets
from typing import Any, Callable

import anyio
import anyio.to_thread
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from dewtui.serve import errors, signing
from engine import DewError
from engine.operations import OPERATIONS, Operation, invoke

log = logging.getLogger("dewtui.serve")

MAX_BODY = 64 * 1024
BODY_TIMEOUT = 30.0
THREADS = 8


class TooLarge(Exception):
    pass


async def read_body(request: Request, limit: int, timeout: float) -> bytes:
    """The body, refused (TooLarge) past `limit` bytes, by its Content-Length before reading."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise TooLarge()
    chunks, size = [], 0
    with anyio.fail_after(timeout):
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise TooLarge()
            chunks.append(chunk)
    return b"".join(chunks)


def parse_json(body: bytes) -> dict[str, Any]:
    """The JSON object of a body (empty → {}); ValueError when it is not one."""
    if not body.strip():
        return {}
    value = json.loads(body.decode("utf-8"))
    if not isinstance(value, dict):
        raise ValueError("the body must be a JSON object")
    return value


def request_fields(op: Operation, request: Request, body: dict[str, Any]) -> dict[str, Any]:
    """The operation's wire fields from path, query string and body (each from its place)."""
    fields: dict[str, Any] = {}
    for f in op.fields:
        if f.where == "path":
            value = request.path_params.get(f.name)
        elif f.where == "query":
            value = request.query_params.get(f.name)
        else:
            value = body.get(f.name)
        if value is not None:
            fields[f.name] = value
    return fields


def client_address(request: Request) -> str:
    return request.client.host if request.client else ""


def make_endpoint(eng: Any, op: Operation, limiter: anyio.CapacityLimiter, max_body: int,
                  body_timeout: float) -> Callable:
    async def endpoint(request: Request) -> Response:
        rid = secrets.token_hex(16)
        try:
            body = await read_body(request, max_body, body_timeout)
        except TooLarge:
            return errors.error_response(op.service, errors.TOO_LARGE[op.service],
                                         f"the request body is larger than {max_body} bytes", 400, rid)
        except TimeoutError:
            return errors.error_response(op.service, errors.BAD_JSON[op.service],
                                         "the request body did not arrive in time", 408, rid)
        try:
            auth = signing.parse_authorization(request.headers.get("authorization"))
            raw_path = request.scope.get("raw_path", request.url.path.encode()).decode("latin-1")
            to_sign = signing.string_to_sign(request.method, raw_path.split("?", 1)[0],
                                             request.scope.get("query_string", b"").decode("latin-1"),
                                             [(k.decode("latin-1"), v.decode("utf-8", "replace"))
                                              for k, v in request.scope["headers"]], auth, body)
        except signing.SigningError as e:
            return errors.error_response(None, errors.UNAUTHENTICATED,
                                         f"Incorrect IAM authentication information: {e}", 401, rid)
        project_id = request.path_params.get("project_id", "")
        ip = client_address(request)

        def run() -> dict[str, Any]:
            caller = eng.authenticate(auth.access, to_sign, auth.signature, project_id=project_id, client_ip=ip)
            try:
                fields = request_fields(op, request, parse_json(body))
            except (ValueError, UnicodeDecodeError):
                raise DewError(errors.BAD_JSON[op.service], "the request body is not a JSON object", 400) from None
            return invoke(caller, op.name, fields, service=op.service)

        try:
            result = await anyio.to_thread.run_sync(run, limiter=limiter)
        except DewError as e:
            service = None if e.code.startswith("APIGW.") else op.service
            return errors.error_response(service, e.code, e.message, e.http_status, rid)
        except Exception:  # a bug: say nothing about it to the client, log where it happened
            log.exception("operation %s failed (request %s)", op.name, rid)
            return errors.error_response(op.service, errors.INTERNAL[op.service],
                                         "internal error", 500, rid)
        headers = {"X-Request-Id": rid}
        if op.status == 204:
            return Response(status_code=204, headers=headers)
        if not result:
            return Response(b"", status_code=op.status, headers=headers, media_type="application/json")
        return JSONResponse(result, status_code=op.status, headers=headers)
    endpoint.__name__ = f"{op.service}_{op.name.replace('-', '_')}"
    return endpoint


def routes(eng: Any, limiter: anyio.CapacityLimiter, max_body: int, body_timeout: float) -> list[Route]:
    """One route per operation path, the most literal first: at the first segment where two
    paths differ, a literal segment wins over a parameter (so `/csms/events/tags` is the event
    `tags`, not the tags of a secret whose id is `events`)."""
    out = []
    for op in OPERATIONS:
        for path in op.paths:
            out.append((specificity(path), Route(path, make_endpoint(eng, op, limiter, max_body, body_timeout),
                                                 methods=[op.method])))
    out.sort(key=lambda item: item[0])
    return [r for _, r in out]


def specificity(path: str) -> tuple[int, ...]:
    return tuple(1 if segment.startswith("{") else 0 for segment in path.split("/"))


async def no_such_api(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 404
    return errors.error_response(None, errors.NO_SUCH_API, "The API does not exist or has not been published",
                                 status if status in (404, 405) else 404, secrets.token_hex(16))


def create_app(eng: Any, *, max_body: int = MAX_BODY, threads: int = THREADS,
               body_timeout: float = BODY_TIMEOUT) -> Starlette:
    """The app serving `eng` (the operator's engine; each request acts as its key's owner)."""
    limiter = anyio.CapacityLimiter(threads)
    app = Starlette(routes=routes(eng, limiter, max_body, body_timeout),
                    exception_handlers={404: no_such_api, 405: no_such_api})
    app.state.engine = eng
    return app


__all__ = ["create_app", "MAX_BODY", "THREADS"]
