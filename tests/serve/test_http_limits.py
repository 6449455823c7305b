"""The server is bounded and says what is wrong in the cloud's shapes: bodies over the limit
are refused before parsing, malformed JSON is a 400 with our code, unknown APIs are the
gateway's 404, a body that stops arriving is cut off, and every answer has X-Request-Id."""
from __future__ import annotations

import json
import socket
from urllib.parse import urlsplit

from dewtui.serve.app import MAX_BODY


def test_a_body_over_the_limit_is_refused_before_parsing(sdk, raw):
    before = sdk.traces()
    big = json.dumps({"key_alias": "x", "key_description": "d" * MAX_BODY}).encode()
    reply = raw("POST", "/v1.0/{project_id}/kms/create-key", body=big)
    assert reply.status == 400  # the cloud answers KMS.0203 with 400
    assert reply.json()["error"]["error_code"] == "KMS.0203" and reply.headers["x-request-id"]
    csms = raw("POST", "/v1/{project_id}/secrets", body=b"{" + b" " * MAX_BODY + b"}")
    assert (csms.status, csms.json()["error_code"]) == (400, "CSMS.0004")
    assert sdk.traces() == before


def test_malformed_json_is_a_400_with_our_code(sdk, raw):
    before = sdk.traces()
    kms = raw("POST", "/v1.0/{project_id}/kms/create-key", body=b'{"key_alias": ')
    assert (kms.status, kms.json()["error"]["error_code"]) == (400, "KMS.0202")
    not_object = raw("POST", "/v1.0/{project_id}/kms/create-key", body=b'["key_alias"]')
    assert (not_object.status, not_object.json()["error"]["error_code"]) == (400, "KMS.0202")
    csms = raw("POST", "/v1/{project_id}/secrets", body=b"\xff\xfe")
    assert (csms.status, csms.json()["error_code"]) == (400, "CSMS.0004")
    assert sdk.traces() == before


def test_kms_errors_nest_and_csms_errors_stay_flat(sdk, raw):
    kms = raw("POST", "/v1.0/{project_id}/kms/describe-key", body=b'{"key_id": "nope"}')
    assert kms.status == 400 and set(kms.json()) == {"error"}
    assert kms.json()["error"]["error_code"] == "KMS.0205"
    csms = raw("GET", "/v1/{project_id}/secrets/missing")
    assert csms.status == 400 and csms.json()["error_code"] == "CSMS.0106"
    assert kms.headers["x-request-id"] != csms.headers["x-request-id"]


def test_unknown_api_is_the_gateway_404(sdk, raw):
    reply = raw("POST", "/v1.0/{project_id}/kms/no-such-operation", body=b"{}")
    assert (reply.status, reply.json()["error_code"]) == (404, "APIGW.0101")
    wrong_method = raw("GET", "/v1.0/{project_id}/kms/create-key")
    assert (wrong_method.status, wrong_method.json()["error_code"]) == (405, "APIGW.0101")


def test_an_empty_200_and_a_204_have_no_body(sdk, raw):
    key_id = raw("POST", "/v1.0/{project_id}/kms/create-key", body=b'{"key_alias": "r"}').json()["key_info"]["key_id"]
    enabled = raw("POST", "/v1.0/{project_id}/kms/enable-key-rotation", body=json.dumps({"key_id": key_id}).encode())
    assert (enabled.status, enabled.body) == (200, b"")
    tagged = raw("POST", f"/v1.0/{{project_id}}/kms/{key_id}/tags",
                 body=json.dumps({"tag": {"key": "a", "value": "b"}}).encode())
    assert (tagged.status, tagged.body) == (204, b"")


def test_a_body_that_stops_arriving_is_cut_off(serve_with):
    _eng, running = serve_with(body_timeout=0.2)
    host, port = urlsplit(running.url).hostname, urlsplit(running.url).port
    with socket.create_connection((host, port), timeout=30) as sock:
        sock.sendall(b"POST /v1.0/p/kms/create-key HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
        head = sock.recv(4096)
    assert head.startswith(b"HTTP/1.1 408")


def test_a_request_head_that_never_ends_is_refused(served):
    _eng, running = served
    host, port = urlsplit(running.url).hostname, urlsplit(running.url).port
    with socket.create_connection((host, port), timeout=30) as sock:
        # headers that keep coming without the blank line that ends them: cut off past 16 KiB
        sock.sendall(b"GET /v1/p/secrets HTTP/1.1\r\nHost: x\r\n" + b"X-Filler: aaaaaaaa\r\n" * 4096)
        head = sock.recv(4096)
    assert head.startswith(b"HTTP/1.1 400")
