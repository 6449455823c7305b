"""`dewtui kms|csms <operation>`: one command per table entry, JSON output parsed, exit codes
0 (done) / 1 (refused: code and message on stderr, nothing on stdout) / 2 (usage), secrets
hidden unless --show-secret, binary inputs from files or stdin, --as another user."""
from __future__ import annotations

import base64
import json

import pytest
from click.testing import CliRunner

from dewtui.__main__ import cli
from dewtui.cli.common import COMMON_PARAMS
from dewtui.cli.operations import option_name
from engine.operations import OPERATIONS
from policies import traces


def body(result) -> dict:
    assert result.exit_code == 0, (result.exit_code, result.stderr)
    return json.loads(result.stdout)


@pytest.fixture
def key_id(dew):
    return body(dew("kms", "create-key", "--key-alias", "app"))["key_info"]["key_id"]


def test_create_and_describe_a_key(dew, key_id, engine_at):
    details = body(dew("kms", "describe-key", "--key-id", key_id))["key_info"]
    assert (details["key_alias"], details["key_spec"], details["key_state"]) == ("app", "AES_256", "2")
    eng = engine_at()
    [t] = traces(eng, eng.principal.domain_id, "createKey")
    assert (t.user, t.source, t.resource_name) == ("admin", "cli", "app")


def test_a_refusal_exits_1_with_its_code_on_stderr(dew, key_id):
    r = dew("kms", "create-key", "--key-alias", "app")
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr.startswith("dewtui: KMS.1104: ")
    r = dew("kms", "describe-key", "--key-id", "not-a-key")
    assert r.exit_code == 1 and r.stderr.startswith("dewtui: KMS.0205: ")


@pytest.mark.parametrize("args, says", [
    (["kms", "create-key"], "Missing option --key-alias"),
    (["kms", "create-key", "--key-alias", "a", "--key-spec", "AES_128"], "'AES_128' is not one of"),
    (["kms", "schedule-key-deletion", "--key-id", "k", "--pending-days", "seven"], "not a valid integer"),
    (["kms", "create-kms-tag", "--key-id", "k", "--tag", "{not json"], "is not JSON"),
    (["kms", "create-grant", "--key-id", "k", "--grantee-principal", "u", "--operations",
      "encrypt-data,launch"], "launch not among"),
    (["kms", "encrypt-data", "--key-id", "k"], "--plain-text (or --plain-text-file)"),
    (["kms", "no-such-operation"], "No such command"),
    (["kms", "list-keys", "--output", "yaml"], "'yaml' is not one of"),
], ids=["missing-required", "bad-choice", "bad-integer", "bad-json", "bad-list-choice",
        "missing-binary", "unknown-operation", "bad-output"])
def test_usage_errors_exit_2(dew, args, says):
    r = dew(*args)
    assert r.exit_code == 2 and r.stdout == ""
    assert says in r.stderr.replace('"', "'")


def test_secrets_are_hidden_unless_asked(dew, key_id):
    ct = body(dew("kms", "encrypt-data", "--key-id", key_id, "--plain-text", "hello there"))["cipher_text"]
    r = dew("kms", "decrypt-data", "--cipher-text", ct)
    shown = body(r)
    assert shown["plain_text"] == "***" and shown["plain_text_base64"] == "***"
    assert "hello there" not in r.stdout and base64.b64encode(b"hello there").decode() not in r.stdout
    assert "--show-secret" in r.stderr
    assert body(dew("kms", "decrypt-data", "--cipher-text", ct, "--show-secret"))["plain_text"] == "hello there"
    dk = body(dew("kms", "create-datakey", "--key-id", key_id))
    assert dk["plain_text"] == "***" and len(dk["cipher_text"]) > 64


def test_binary_inputs_from_a_file_or_stdin(dew, key_id, tmp_path):
    data = bytes(range(256))
    (tmp_path / "plain").write_bytes(data)
    ct = body(dew("kms", "encrypt-data", "--key-id", key_id, "--plain-text-file", str(tmp_path / "plain")))
    (tmp_path / "ct").write_text(ct["cipher_text"] + "\n")
    out = body(dew("kms", "decrypt-data", "--cipher-text-file", str(tmp_path / "ct"), "--show-secret"))
    assert base64.b64decode(out["plain_text_base64"]) == data
    piped = body(dew("kms", "encrypt-data", "--key-id", key_id, "--plain-text-file", "-", input="from stdin"))
    back = body(dew("kms", "decrypt-data", "--cipher-text", piped["cipher_text"], "--show-secret"))
    assert back["plain_text"] == "from stdin"
    r = dew("kms", "encrypt-data", "--key-id", key_id, "--plain-text", "x",
            "--plain-text-file", str(tmp_path / "plain"))
    assert r.exit_code == 2 and "not both" in r.stderr


def test_sign_and_verify_a_message_file(dew, tmp_path):
    ec = body(dew("kms", "create-key", "--key-alias", "signer", "--key-spec", "EC_P256",
                  "--key-usage", "SIGN_VERIFY"))["key_info"]["key_id"]
    (tmp_path / "msg").write_bytes(b"\x00signed bytes\xff")
    sig = body(dew("kms", "sign", "--key-id", ec, "--message-file", str(tmp_path / "msg"),
                   "--signing-algorithm", "ECDSA_SHA_256", "--message-type", "RAW"))["signature"]
    ok = body(dew("kms", "verify", "--key-id", ec, "--message-file", str(tmp_path / "msg"),
                  "--signature", sig, "--signing-algorithm", "ECDSA_SHA_256", "--message-type", "RAW"))
    assert ok["signature_valid"] == "true"


def test_acting_as_another_user(dew, engine_at):
    eng = engine_at()
    eng.iam.create_user("bob")
    r = dew("kms", "create-key", "--key-alias", "bobs", "--as", "bob")
    assert r.exit_code == 1 and r.stderr.startswith("dewtui: KMS.0306: ")
    [t] = traces(eng, eng.principal.domain_id, "createKey")
    assert (t.user, t.source, t.code) == ("bob", "cli", "KMS.0306")
    r = dew("kms", "list-keys", "--as", "nobody")
    assert r.exit_code == 1 and r.stderr.startswith("dewtui: IAM.0404: ")


def test_text_and_table_output(dew, key_id):
    text = dew("kms", "list-keys", "--output", "text")
    assert text.exit_code == 0 and "total: 1" in text.stdout.splitlines()
    table = dew("kms", "describe-key", "--key-id", key_id, "-o", "table")
    assert table.exit_code == 0 and "key_alias" in table.stdout and "app" in table.stdout
    assert not table.stdout.lstrip().startswith("{")


def test_json_is_the_default_when_stdout_is_not_a_terminal(dew, key_id):
    assert body(dew("kms", "list-keys"))["keys"] == [key_id]


def test_secrets_round_trip_through_csms(dew):
    body(dew("csms", "create-secret", "--name", "db", "--secret-string", "s3cret-value"))
    r = dew("csms", "show-secret-version", "--secret-name", "db", "--version-id", "latest")
    version = body(r)["version"]
    assert version["secret_string"] == "***" and "s3cret-value" not in r.stdout
    shown = body(dew("csms", "show-secret-version", "--secret-name", "db", "--version-id", "latest",
                     "--show-secret"))
    assert shown["version"]["secret_string"] == "s3cret-value"
    r = dew("csms", "show-secret", "--secret-name", "nope")
    assert r.exit_code == 1 and r.stderr.startswith("dewtui: CSMS.")


# --- every table entry is a command ---------------------------------------------------
@pytest.mark.parametrize("op", OPERATIONS, ids=[f"{o.service}:{o.name}" for o in OPERATIONS])
def test_every_operation_is_a_command(op):
    r = CliRunner().invoke(cli, [op.service, op.name, "--help"])
    assert r.exit_code == 0, r.output
    for f in op.fields:
        assert option_name(f) in r.output
        assert f.name not in COMMON_PARAMS
        if f.binary:
            assert option_name(f) + "-file" in r.output
    assert (op.help or op.name).split()[0] in r.output


def test_the_groups_list_exactly_the_table():
    for service in ("kms", "csms"):
        r = CliRunner().invoke(cli, [service, "--help"])
        listed = {line.split()[0] for line in r.output.split("Commands:")[1].splitlines() if line.startswith("  ")
                  and not line.startswith("   ")}
        assert listed == {o.name for o in OPERATIONS if o.service == service}


def test_a_sealed_root_key_is_refused_until_the_passphrase_is_given(dew, home, monkeypatch):
    from engine import Engine
    Engine.open(home=home, passphrase="long enough words").close()
    r = dew("kms", "list-keys")
    assert r.exit_code == 1 and r.stderr.startswith("dewtui: DEW.0001: ") and "DEW_PASSPHRASE" in r.stderr
    monkeypatch.setenv("DEW_PASSPHRASE", "long enough words")
    assert body(dew("kms", "list-keys"))["keys"] == []
