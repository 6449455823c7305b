"""The string to sign is rebuilt byte for byte as the official SDK's signer makes it, and a
malformed Authorization header is refused."""
from __future__ import annotations

import hashlib
import hmac

import pytest
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer

from dewtui.serve.signing import SigningError, parse_authorization, string_to_sign

SK = "s" * 40


def sdk_signed(method: str, path: str, query: list, body: bytes) -> SdkRequest:
    req = SdkRequest(method=method, schema="http", host="127.0.0.1:8090", resource_path=path, query_params=query,
                     header_params={"Content-Type": "application/json", "X-Project-Id": "p" * 32,
                                    "User-Agent": "huaweicloud-usdk-python/3.0"}, body=body)
    return Signer(BasicCredentials("A" * 20, SK, "p" * 32)).sign(req)


@pytest.mark.parametrize("method,path,query,body", [
    ("POST", "/v1.0/p/kms/create-key", [], b'{"key_alias": "a"}'),
    ("GET", "/v1/p/secrets", [("limit", "5"), ("marker", "a b/c"), ("event_name", "x~y")], b""),
    ("DELETE", "/v1/p/csms/abc/tags/k%20%2A%C3%A9", [], b""),
])
def test_the_string_to_sign_matches_the_sdks_signature(method, path, query, body):
    req = sdk_signed(method, path, query, body)
    auth = parse_authorization(req.header_params["Authorization"])
    raw_query = req.uri.split("?", 1)[1] if "?" in req.uri else ""
    headers = [(k, v) for k, v in req.header_params.items() if k != "Authorization"]
    signed = string_to_sign(method, path, raw_query, headers, auth, body)
    assert hmac.new(SK.encode(), signed.encode(), hashlib.sha256).hexdigest() == auth.signature
    tampered = string_to_sign(method, path, raw_query, headers, auth, body + b" ")
    assert hmac.new(SK.encode(), tampered.encode(), hashlib.sha256).hexdigest() != auth.signature


@pytest.mark.parametrize("value", [
    None, "", "Basic abc",
    "SDK-HMAC-SHA256 Access=A, SignedHeaders=host;x-sdk-date",
    "SDK-HMAC-SHA256 Access=A, Access=B, SignedHeaders=host;x-sdk-date, Signature=00",
    "SDK-HMAC-SHA256 Access=A, SignedHeaders=content-type;x-sdk-date, Signature=00",  # host unsigned
    "SDK-HMAC-SHA256 Access=A, SignedHeaders=x-sdk-date;host, Signature=00",  # not sorted
    "SDK-HMAC-SHA256 Access=A, SignedHeaders=Host;x-sdk-date, Signature=00",
    "SDK-HMAC-SHA256 Access=A, SignedHeaders=host;x-sdk-date, Signature=" + "0" * 3000,
])
def test_malformed_authorization_is_refused(value):
    with pytest.raises(SigningError):
        parse_authorization(value)


def test_a_signed_header_missing_from_the_request_is_refused():
    auth = parse_authorization("SDK-HMAC-SHA256 Access=A, SignedHeaders=host;x-project-id;x-sdk-date, Signature=00")
    with pytest.raises(SigningError):
        string_to_sign("GET", "/", "", [("Host", "h"), ("X-Sdk-Date", "20260101T000000Z")], auth, b"")
    with pytest.raises(SigningError):
        string_to_sign("GET", "/", "", [("Host", "h"), ("Host", "i"), ("X-Project-Id", "p"),
                                        ("X-Sdk-Date", "20260101T000000Z")], auth, b"")
