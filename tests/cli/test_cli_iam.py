"""`dewtui iam ...-access-key`: the secret is printed by create-access-key only (once, and it
signs), list shows none; refusals exit 1 with their code, usage errors 2."""
from __future__ import annotations

import hashlib
import hmac
import json

from policies import traces


def body(result) -> dict:
    assert result.exit_code == 0, (result.exit_code, result.stderr)
    return json.loads(result.stdout)


def test_create_prints_the_secret_once_and_it_signs(dew, engine_at):
    eng = engine_at()
    eng.iam.create_user("alice")
    r = dew("iam", "create-access-key", "--user-name", "alice", "--description", "ci")
    cred = body(r)["credential"]
    assert (cred["user_name"], cred["status"], cred["description"]) == ("alice", "active", "ci")
    assert len(cred["access"]) == 20 and len(cred["secret"]) == 40
    assert "not shown again" in r.stderr
    listed = dew("iam", "list-access-keys", "--user-name", "alice")
    assert [k["access"] for k in body(listed)["credentials"]] == [cred["access"]]
    assert cred["secret"] not in listed.stdout and "secret" not in body(listed)["credentials"][0]
    sts = "SDK-HMAC-SHA256\n" + eng.now().strftime("%Y%m%dT%H%M%SZ") + "\n" + "0" * 64
    signature = hmac.new(cred["secret"].encode(), sts.encode(), hashlib.sha256).hexdigest()
    assert eng.authenticate(cred["access"], sts, signature, project_id=eng.project_id).principal.name == "alice"
    [t] = traces(eng, eng.principal.domain_id, "createAccessKey")
    assert (t.source, t.resource_id) == ("cli", cred["access"])
    assert cred["secret"] not in t.request + t.response


def test_update_and_delete(dew, engine_at):
    engine_at().iam.create_user("alice")
    access = body(dew("iam", "create-access-key", "--user-name", "alice"))["credential"]["access"]
    assert body(dew("iam", "update-access-key", "--access-key", access, "--status", "inactive"))[
        "credential"]["status"] == "inactive"
    assert body(dew("iam", "delete-access-key", "--access-key", access)) == {}
    assert body(dew("iam", "list-access-keys", "--user-name", "alice"))["credentials"] == []


def test_refusals_exit_1_and_usage_errors_2(dew, engine_at):
    eng = engine_at()
    eng.iam.create_user("alice")
    eng.iam.create_user("bob")
    r = dew("iam", "create-access-key", "--user-name", "nobody")
    assert r.exit_code == 1 and r.stderr.startswith("dewtui: IAM.0404: ") and r.stdout == ""
    r = dew("iam", "create-access-key", "--user-name", "alice", "--as", "bob")
    assert r.exit_code == 1 and r.stderr.startswith("dewtui: IAM.0403: ")
    r = dew("iam", "update-access-key", "--access-key", "A" * 20, "--status", "off")
    assert r.exit_code == 2 and "'off' is not one of" in r.stderr.replace('"', "'")
    r = dew("iam", "list-access-keys")
    assert r.exit_code == 2 and "--user-name" in r.stderr
    assert body(dew("iam", "create-access-key", "--user-name", "bob", "--as", "bob"))["credential"]["user_name"] == "bob"
