"""Creating a default key (`<service>/default`) writes exactly one `createKey` trace, in the
transaction that creates it — also `csms/default`, created by the first secret that needs
it; finding one writes none."""
from __future__ import annotations

import json

import pytest

from engine import DewError
from refusals import refused


def traces(eng, **filters):
    """(trace_name, resource_name, rating) oldest first."""
    return [(t.trace_name, t.resource_name, t.trace_rating)
            for t in reversed(eng.audit.list_traces(limit=500, **filters))]


def default_keys(eng):
    return [k.key_alias for k in eng.kms.list_keys(default_keys=True).keys]


def test_get_default_key_traces_the_creation_once(eng):
    obs = eng.kms.get_default_key("obs")
    assert traces(eng) == [("createKey", "obs/default", "normal")]
    [t] = eng.audit.list_traces()
    assert (t.resource_type, t.resource_id, t.user, t.code) == ("cmk", obs.key_id, "admin", "200")
    assert json.loads(t.response) == {"key_id": obs.key_id, "key_state": "2"}
    assert json.loads(t.request)["key_alias"] == "obs/default"
    for _ in range(3):  # found: no trace
        assert eng.kms.get_default_key("obs") == obs
    eng.kms.get_default_key("evs")
    assert traces(eng) == [("createKey", "obs/default", "normal"), ("createKey", "evs/default", "normal")]
    assert eng.audit.verify().ok


def test_first_secret_traces_csms_default_once_in_its_transaction(eng):
    eng.csms.create_secret("a", secret_string="x")
    key = eng.kms.get_default_key("csms")  # found: no trace
    assert traces(eng) == [("createKey", "csms/default", "normal"), ("createSecret", "a", "normal")]
    created, secret = eng.audit.list_traces(limit=2)[::-1]
    assert created.resource_id == key.key_id and created.time == secret.time
    assert created.seq + 1 == secret.seq
    eng.csms.create_secret("b", secret_string="y")
    eng.csms.create_secret("c", secret_string="z", kms_key_id="")
    assert [n for n, _, _ in traces(eng, trace_name="createKey")] == ["createKey"]
    assert eng.audit.count_traces(trace_name="createSecret") == 3
    assert eng.audit.verify().ok


def test_update_secret_back_to_the_default_key_traces_its_creation(eng):
    custom = eng.kms.create_key("custom")
    eng.csms.create_secret("a", secret_string="x", kms_key_id=custom.key_id)
    eng.csms.update_secret("a", kms_key_id=None)
    assert traces(eng) == [("createKey", "custom", "normal"), ("createSecret", "a", "normal"),
                           ("createKey", "csms/default", "normal"), ("updateSecret", "a", "normal")]
    eng.csms.update_secret("a", kms_key_id=custom.key_id)
    eng.csms.update_secret("a", kms_key_id=None)
    assert eng.audit.count_traces(trace_name="createKey") == 2


def test_a_refused_secret_rolls_back_the_default_key_and_its_trace(eng, monkeypatch):
    def refuse(*_a, **_k):
        raise DewError("CSMS.0002", "refused after the key was made", 400)

    monkeypatch.setattr("engine.csms.secrets.add_version", refuse)
    refused("CSMS.0002", eng.csms.create_secret, "a", secret_string="x")
    assert default_keys(eng) == []
    assert traces(eng) == [("createSecret", "a", "warning")]
    monkeypatch.undo()
    eng.csms.create_secret("a", secret_string="x")
    assert traces(eng, trace_name="createKey") == [("createKey", "csms/default", "normal")]
    assert default_keys(eng) == ["csms/default"]


def test_key_made_meanwhile_by_another_process_is_not_traced_again(eng, monkeypatch):
    first = eng.kms.get_default_key("obs")
    # the look-up misses it (as if another process created it just after): the write path finds it
    monkeypatch.setattr("engine.kms.lifecycle.find_default_key", lambda *a: None)
    assert eng.kms.get_default_key("obs") == first
    assert traces(eng) == [("createKey", "obs/default", "normal")]


def test_refusals_are_traced_and_create_nothing(eng):
    eng.iam.create_user("bob")
    bob = eng.as_user("bob")
    refused("KMS.0306", bob.kms.get_default_key, "obs")
    refused("KMS.1101", eng.kms.get_default_key, "OBS!")
    refused("KMS.1101", eng.kms.get_default_key, "")
    assert default_keys(eng) == []
    assert [(t.trace_name, t.code, t.user) for t in reversed(eng.audit.list_traces(trace_rating="warning"))] == [
        ("createKey", "KMS.0306", "bob"), ("createKey", "KMS.1101", "admin"),
        ("createKey", "KMS.1101", "admin")]
    eng.kms.get_default_key("obs")
    refused("KMS.0306", bob.kms.get_default_key, "obs")  # finding it needs the permission too
    assert eng.audit.count_traces(trace_name="createKey", trace_rating="normal") == 1


@pytest.mark.parametrize("service", ["csms", "obs"])
def test_default_key_counts_one_trace_per_account(eng, service):
    eng.iam.create_user("eve", domain="other", admin=True)
    eve = eng.as_user("eve")
    mine, theirs = eng.kms.get_default_key(service), eve.kms.get_default_key(service)
    assert mine.key_id != theirs.key_id
    eng.kms.get_default_key(service)
    eve.kms.get_default_key(service)
    assert eng.audit.count_traces(trace_name="createKey") == 1
    assert eve.audit.count_traces(trace_name="createKey") == 1
