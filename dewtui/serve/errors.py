"""Error bodies as the cloud shapes them, with our DewError codes.

KMS nests them (`{"error": {"error_code", "error_msg"}}`), CSMS and the API gateway keep them
flat (`{"error_code", "error_msg"}`); every response carries `X-Request-Id`, which the SDK
copies into its exception's `request_id`.
"""
from __future__ import annotations

from starlette.responses import JSONResponse

# the gateway's own refusals (no operation reached): unknown API, unreadable credentials
NO_SUCH_API = "APIGW.0101"
UNAUTHENTICATED = "APIGW.0301"
# request-reading refusals per family: body too large, body not a JSON object
TOO_LARGE = {"kms": "KMS.0203", "csms": "CSMS.0004"}
BAD_JSON = {"kms": "KMS.0202", "csms": "CSMS.0004"}
INTERNAL = {"kms": "KMS.0101", "csms": "CSMS.0001"}


def error_response(service: str | None, code: str, message: str, status: int, request_id: str) -> JSONResponse:
    """`service` kms nests the body; csms and the gateway (None) keep it flat."""
    inner = {"error_code": code, "error_msg": message, "request_id": request_id}
    body = {"error": inner} if service == "kms" and not code.startswith("APIGW.") else inner
    return JSONResponse(body, status_code=status, headers={"X-Request-Id": request_id})
