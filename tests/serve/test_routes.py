"""Every operation of the table is a route of the server, and nothing else is; an engine
failure that is not a refusal answers 500 with the family's internal code and no detail."""
from __future__ import annotations

from starlette.routing import Route

from dewtui.serve.app import create_app
from engine.operations import OPERATIONS


class BrokenEngine:
    """Authenticates anyone and fails every call the way a bug would."""

    def authenticate(self, *args, **kwargs):
        return self

    @property
    def kms(self):
        raise RuntimeError("secret detail that must not reach the client")


def test_every_operation_is_a_route_and_nothing_else():
    app = create_app(BrokenEngine())
    routes = {(m, r.path) for r in app.routes if isinstance(r, Route) for m in r.methods - {"HEAD"}}
    assert routes == {(o.method, p) for o in OPERATIONS for p in o.paths}


def test_literal_paths_win_over_parameters():
    app = create_app(BrokenEngine())
    matched = [r.path for r in app.routes if isinstance(r, Route)
               and r.matches({"type": "http", "path": "/v1/p/csms/events/tags", "method": "GET"})[0].name == "FULL"]
    assert matched[0] == "/v1/{project_id}/csms/events/{event_name}"


def test_a_bug_answers_500_without_detail(raw_app_request):
    status, body, headers = raw_app_request(create_app(BrokenEngine()), "POST", "/v1.0/p/kms/describe-key",
                                           b'{"key_id": "x"}')
    assert status == 500
    assert body["error"]["error_code"] == "KMS.0101" and "secret detail" not in str(body)
    assert headers[b"x-request-id"]
