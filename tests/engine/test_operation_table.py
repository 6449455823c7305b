"""The operation table is the one place that names cloud operations: every entry reaches an
engine method that exists, checks the permission action and writes the trace it names, and
matches the official SDK's method and path; every cloud operation the engine has has an
entry; wire values convert and bad ones reach the engine's own refusals."""
from __future__ import annotations

import inspect
import re
from datetime import datetime, timezone

import huaweicloudsdkcsms.v1 as csms_sdk
import huaweicloudsdkkms.v2 as kms_sdk
import pytest

from engine import DewError
from engine.csms.service import CsmsService
from engine.events.service import EventsService
from engine.kms.service import KmsService
from engine.operations import OPERATIONS, WIRE_TYPES, by_name, invoke

SERVICES = {"kms": KmsService, "csms": CsmsService, "events": EventsService}
# public engine methods that are not cloud operations (local conveniences, UI helpers, topics)
NOT_CLOUD = {
    "kms": {"deletion_risk", "batch_enable_keys", "batch_disable_keys", "batch_schedule_key_deletion",
            "batch_cancel_key_deletion", "move_key", "create_enterprise_project", "list_enterprise_projects",
            "get_default_key", "cancel_import_token", "family"},
    "csms": {"configure_rotation", "show_rotation_config", "family"},
    "events": {"create_topic", "list_topics", "update_topic", "delete_topic", "subscribe_topic",
               "list_topic_subscriptions", "unsubscribe_topic", "list_deliveries", "enable_secret_event",
               "disable_secret_event", "count_notification_records", "unread_count", "show_notification",
               "mark_read", "mark_all_read", "family"},
}


def engine_method(op):
    service, method = op.engine.split(".", 1)
    return getattr(SERVICES[service], method)


def public_methods(cls) -> set[str]:
    return {n for n, v in inspect.getmembers(cls) if not n.startswith("_") and callable(v)}


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda o: f"{o.service}:{o.name}")
def test_each_entry_reaches_an_engine_method_that_checks_its_action_and_writes_its_trace(op):
    fn = engine_method(op)
    source = inspect.getsource(inspect.getmodule(fn))
    assert f'"{op.trace}"' in source
    if op.action:
        assert f'"{op.action}"' in source


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda o: f"{o.service}:{o.name}")
def test_each_entry_matches_the_official_sdk(op):
    client = kms_sdk.KmsClient if op.service == "kms" else csms_sdk.CsmsClient
    info = inspect.getsource(getattr(client, f"_{op.sdk}_http_info"))
    # the SDK's {resource_instances} is always the literal resource_instances
    path = re.search(r'"resource_path": "([^"]+)"', info).group(1).replace("{resource_instances}",
                                                                          "resource_instances")
    method = re.search(r'"method": "([A-Z]+)"', info).group(1)
    assert (op.method, op.paths[0]) == (method, path)
    placeholders = set(re.findall(r"{(\w+)}", path)) - {"project_id"}
    assert placeholders == {f.name for f in op.fields if f.where == "path"}


def test_every_cloud_operation_of_the_engine_has_an_entry():
    covered: dict[str, set[str]] = {k: set() for k in SERVICES}
    for op in OPERATIONS:
        service, method = op.engine.split(".", 1)
        covered[service].add(method)
    for service, cls in SERVICES.items():
        missing = public_methods(cls) - covered[service] - NOT_CLOUD[service]
        assert not missing, f"{service} methods without a table entry: {sorted(missing)}"


def test_names_routes_and_fields_are_unique_and_well_typed():
    assert len({(o.service, o.name) for o in OPERATIONS}) == len(OPERATIONS)
    routes = [(o.method, p) for o in OPERATIONS for p in o.paths]
    assert len(set(routes)) == len(routes)
    for op in OPERATIONS:
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", op.name) and op.help and op.service in ("kms", "csms")
        assert len({f.name for f in op.fields}) == len(op.fields)
        assert all(f.wire in WIRE_TYPES and f.where in ("body", "path", "query") for f in op.fields)
        assert op.status in (200, 201, 204)


def test_by_name_finds_an_operation_and_refuses_an_unknown_one():
    assert by_name("create-key").sdk == "create_key"
    assert by_name("kms:create-key") is by_name("create-key", "kms")
    with pytest.raises(KeyError):
        by_name("no-such-operation")


def test_string_numbers_and_booleans_convert(eng):
    kid = invoke(eng, "create-key", {"key_alias": "k"})["key_info"]["key_id"]
    assert invoke(eng, "schedule-key-deletion", {"key_id": kid, "pending_days": "30"})["key_state"] == "4"
    assert invoke(eng, "gen-random", {"random_data_length": 64})["random_data"]


def test_unconvertible_wire_values_reach_the_engines_refusals(eng):
    kid = invoke(eng, "create-key", {"key_alias": "k"})["key_info"]["key_id"]
    with pytest.raises(DewError) as e:
        invoke(eng, "schedule-key-deletion", {"key_id": kid, "pending_days": "soon"})
    assert e.value.code == "KMS.1401"
    with pytest.raises(DewError) as missing:
        invoke(eng, "describe-key", {})
    assert missing.value.code == "KMS.0205"
    traces = eng.audit.list_traces(trace_name="scheduleKeyDeletion")
    assert [t.code for t in traces] == ["KMS.1401"]  # the refusal is the engine's, audited


def test_base64_that_is_not_base64_is_refused(eng):
    kid = invoke(eng, "create-key", {"key_alias": "s", "key_spec": "EC_P256", "key_usage": "SIGN_VERIFY"})
    with pytest.raises(DewError) as e:
        invoke(eng, "sign", {"key_id": kid["key_info"]["key_id"], "message": "not base64!",
                             "signing_algorithm": "ECDSA_SHA_256"})
    assert e.value.code == "KMS.0308"


def test_tag_filters_of_the_wrong_shape_are_refused(eng):
    for tags in ([{"key": []}], [{"key": "a", "values": "b"}], ["env"]):
        with pytest.raises(DewError) as e:
            invoke(eng, "list-kms-by-tags", {"action": "filter", "tags": tags})
        assert e.value.code == "KMS.0414"


def test_epoch_times_accept_seconds_and_milliseconds(eng):
    invoke(eng, "create-secret", {"name": "s", "secret_string": "v"})
    later = int(datetime(2027, 1, 1, tzinfo=timezone.utc).timestamp())
    a = invoke(eng, "create-secret-version", {"secret_name": "s", "secret_string": "2", "expire_time": later})
    b = invoke(eng, "create-secret-version", {"secret_name": "s", "secret_string": "3",
                                              "expire_time": str(later * 1000)})
    assert a["version_metadata"]["expire_time"] == b["version_metadata"]["expire_time"] == later * 1000
    with pytest.raises(DewError) as e:
        invoke(eng, "create-secret-version", {"secret_name": "s", "secret_string": "4", "expire_time": "tomorrow"})
    assert e.value.code == "CSMS.0002"


# --- bad wire input is a property ------------------------------------------------------------
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

WIRE_TEXT = ["", "0", "-1", "7", "true", "false", "abc", "x" * 5000, "\ud800", "a\x00b", "AES_256", "latest",
             "%%%", "AAAA", "00000000-0000-0000-0000-000000000000", "resource_name", "create", "filter"]
wire_scalars = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2 ** 66), max_value=2 ** 66),
                         st.floats(allow_nan=True), st.text(max_size=30), st.sampled_from(WIRE_TEXT))
wire_values = st.recursive(wire_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["key", "value", "values", "target_name", "x"]),
                                                 inner, max_size=3)), max_leaves=6)
# the shapes the cloud's tag and notification fields take, with anything inside
wire_values = st.one_of(wire_values, st.lists(st.dictionaries(st.sampled_from(["key", "value", "values"]),
                                                              wire_values, max_size=3), max_size=3))


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda o: f"{o.service}:{o.name}")
@settings(max_examples=int(__import__("os").environ.get("TABLE_EXAMPLES", "5")), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                HealthCheck.too_slow])
@given(data=st.data())
def test_any_wire_input_is_a_result_or_a_dew_error(eng, op, data):
    """What JSON can carry, in any field: the table converts or passes it on, and the answer
    is the cloud's body or the engine's refusal, never another exception."""
    fields = data.draw(st.fixed_dictionaries({}, optional={f.name: wire_values for f in op.fields}))
    try:
        body = invoke(eng, op.name, fields, service=op.service)
    except DewError:
        return
    assert isinstance(body, dict)
