"""Root key rotation: everything sealed under the root moves to a new one in one transaction,
the key file is replaced only after the commit, and a failure or a kill at any point leaves
the old or the new root opening everything.

Each test builds a small world (an AES key with a ciphertext, an HMAC key, an imported key,
an outstanding import token, a secret with a password generator, a topic with a webhook
subscription, users and policies, audit traces), rotates, and reads all of it back.
"""
from __future__ import annotations

import base64
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives import serialization
from sqlalchemy import LargeBinary
from sqlmodel import SQLModel, select

from engine import Engine, SeededRng
from engine.events.webhooks import secret_aad
from engine.hsm.rootkey import NEXT_FILE, ROOT_KEY_FILE
from engine.kms.imports import MATERIAL_DIFFERS
from engine.kms.rules import NO_KEY, TOKEN_INVALID as TOKEN_REFUSED
from engine.iam.access_keys import SEAL_LABEL as ACCESS_KEY_AAD
from engine.integrity import PURPOSE as ROW_MAC_PURPOSE
from engine.models.access_keys import AccessKey
from engine.models.imports import ImportParams
from engine.models.kms import Cmk, KeyVersion
from engine.models.webhooks import TopicSubscription
from engine.rootkeys import registry, rotation
from refusals import refused

MATERIAL = bytes(range(32))
OTHER_MATERIAL = bytes(range(1, 33))
MESSAGE = b"a message"


def oaep_wrap(public_key_b64: str, material: bytes) -> str:
    pub = serialization.load_der_public_key(base64.b64decode(public_key_b64))
    ct = pub.encrypt(material, padding.OAEP(mgf=padding.MGF1(hashes.SHA256()),  # type: ignore[union-attr]
                                            algorithm=hashes.SHA256(), label=None))
    return base64.b64encode(ct).decode()


@dataclass
class World:
    aes: str
    hmac: str
    imported: str
    cipher_text: str
    mac: str
    signing_secret: str
    subscription_id: str
    access: str
    access_secret: str


def build_world(eng: Engine) -> World:
    aes = eng.kms.create_key("aes").key_id
    hm = eng.kms.create_key("hmac", key_spec="HMAC_256").key_id
    ct = eng.kms.encrypt_data(aes, b"hello").cipher_text
    mac = eng.kms.generate_mac(hm, MESSAGE, "HMAC_SHA_256").mac
    imp = eng.kms.create_key("imported", origin="external").key_id
    params = eng.kms.get_parameters_for_import(imp)
    eng.kms.import_key_material(imp, params.import_token, oaep_wrap(params.public_key, MATERIAL))
    pending = eng.kms.create_key("pending-import", origin="external").key_id
    eng.kms.get_parameters_for_import(pending)  # an outstanding token
    eng.csms.create_secret("db-password", secret_string="s3cret")
    eng.csms.configure_rotation("db-password", "30d", generator={"type": "password", "length": 20})
    eng.events.create_topic("ops")
    sub = eng.events.subscribe_topic("ops", "https://hooks.example.com/dew")
    eng.iam.create_user("bob")
    ak = eng.iam.create_access_key("bob")
    return World(aes, hm, imp, ct, mac, sub.signing_secret, sub.subscription_id, ak.access, ak.secret)


def assert_world_reads(eng: Engine, w: World) -> None:
    assert eng.kms.decrypt_data(w.cipher_text).plain_text == b"hello"
    assert eng.kms.verify_mac(w.hmac, MESSAGE, "HMAC_SHA_256", w.mac) is True
    assert eng.csms.show_secret_version("db-password").secret_string == "s3cret"
    gen = eng.csms.show_rotation_config("db-password").generator
    assert gen["type"] == "password" and gen["length"] == 20
    with eng.context.db.session(write=False) as s:
        sub = s.get(TopicSubscription, w.subscription_id)
        opened = eng.context.hsm.open(sub.sealed_secret, *secret_aad(sub.subscription_id, sub.topic_id,
                                                                     sub.endpoint))
    assert opened.decode() == w.signing_secret
    with eng.context.db.session(write=False) as s:
        ak = s.get(AccessKey, w.access)
        assert eng.context.hsm.open(ak.secret_sealed, ACCESS_KEY_AAD, ak.access).decode() == w.access_secret
    assert eng.audit.verify().ok
    assert [u.name for u in eng.principals()].count("bob") == 1


def raw_rows(eng: Engine, model) -> list:
    with eng.context.db.session(write=False) as s:
        return s.exec(select(model)).all()


# --- rotation ---------------------------------------------------------------------------------
def test_rotation_reseals_everything_and_keeps_it_readable(eng, home, clock):
    w = build_world(eng)
    before_file = (home / ROOT_KEY_FILE).read_bytes()
    before_blobs = {(v.key_id, v.version): v.sealed_material for v in raw_rows(eng, KeyVersion)}
    old_fp = eng.context.hsm.fingerprint()
    result = eng.rotate_root_key()
    assert result.fingerprint != old_fp and result.fingerprint == eng.context.hsm.fingerprint()
    assert (home / ROOT_KEY_FILE).read_bytes() != before_file and not (home / NEXT_FILE).exists()
    after = {(v.key_id, v.version): v.sealed_material for v in raw_rows(eng, KeyVersion)}
    assert after.keys() == before_blobs.keys()
    assert all(after[k] != before_blobs[k] for k in after)
    assert raw_rows(eng, ImportParams) == [] and result.dropped == 1
    assert_world_reads(eng, w)
    eng.close()
    reopened = Engine.open(home=home, clock=clock, rng=SeededRng(9))
    assert_world_reads(reopened, w)
    reopened.close()


def test_rotation_writes_one_trace_and_the_trail_verifies_under_the_new_key(eng):
    build_world(eng)
    result = eng.rotate_root_key()
    traces = eng.audit.list_traces(trace_name="rotateRootKey")
    assert len(traces) == 1 and traces[0].code == "200"
    check = eng.audit.verify(expected_head=result.audit_head)
    assert check.ok and check.checked >= result.traces


def test_imported_material_digest_survives_rotation_and_reopening(eng, home, clock):
    w = build_world(eng)
    eng.rotate_root_key()
    eng.rotate_root_key()
    eng.close()
    eng = Engine.open(home=home, clock=clock, rng=SeededRng(4))  # the carried digest key from meta
    eng.kms.delete_imported_key_material(w.imported)
    params = eng.kms.get_parameters_for_import(w.imported)
    refused(MATERIAL_DIFFERS, eng.kms.import_key_material, w.imported,
            params.import_token, oaep_wrap(params.public_key, OTHER_MATERIAL))
    params = eng.kms.get_parameters_for_import(w.imported)
    eng.kms.import_key_material(w.imported, params.import_token, oaep_wrap(params.public_key, MATERIAL))
    assert eng.kms.describe_key(w.imported).key_state.value == "2"  # enabled again
    eng.close()


def test_an_import_token_issued_before_rotation_is_refused_after(eng):
    k = eng.kms.create_key("imported", origin="external").key_id
    params = eng.kms.get_parameters_for_import(k)
    eng.rotate_root_key()
    refused(TOKEN_REFUSED, eng.kms.import_key_material, k, params.import_token,
            oaep_wrap(params.public_key, MATERIAL))
    assert eng.kms.describe_key(k).key_state.value == "5"  # still pending import


def test_a_second_rotation_works_and_carries_the_digest_key_once(eng, home, clock):
    w = build_world(eng)
    eng.rotate_root_key()
    eng.rotate_root_key()
    assert_world_reads(eng, w)
    eng.close()
    again = Engine.open(home=home, clock=clock, rng=SeededRng(3))
    assert_world_reads(again, w)
    again.close()


def test_rotation_is_for_administrators_only_and_the_refusal_is_traced(eng):
    build_world(eng)
    bob = eng.as_user("bob")
    fp = eng.context.hsm.fingerprint()
    refused("KMS.0306", bob.rotate_root_key)
    assert eng.context.hsm.fingerprint() == fp
    warned = [t for t in _traces(eng) if t.trace_name == "rotateRootKey"]
    assert len(warned) == 1 and warned[0].code == "KMS.0306" and warned[0].user == "bob"


def _traces(eng):
    return eng.audit.list_traces(limit=200)


def test_passphrase_sealed_root_stays_sealed_under_the_same_passphrase(home, clock):
    eng = Engine.open(home=home, clock=clock, rng=SeededRng(7), passphrase="correct horse")
    w = build_world(eng)
    eng.rotate_root_key()
    doc = json.loads((home / ROOT_KEY_FILE).read_text())
    assert doc["kind"] != "plain"
    eng.close()
    refused("DEW.0002", Engine.open, home=home, clock=clock, rng=SeededRng(8), passphrase="wrong")
    sealed = Engine.open(home=home, clock=clock, rng=SeededRng(8))
    assert sealed.sealed
    sealed.unseal("correct horse")
    assert_world_reads(sealed, w)
    sealed.close()


def test_an_old_database_copy_with_the_new_root_key_is_refused(eng, home, clock, tmp_path):
    k = eng.kms.create_key("doomed").key_id
    eng.close()
    copy = tmp_path / "old-copy"
    shutil.copytree(home, copy)
    eng = Engine.open(home=home, clock=clock, rng=SeededRng(7))
    eng.kms.schedule_key_deletion(k, 7)
    clock.advance(timedelta(days=8))
    eng.run_due()
    refused(NO_KEY, eng.kms.describe_key, k)
    eng.rotate_root_key()
    eng.close()
    # the old database beside the new root key: refused, so nothing deleted comes back
    shutil.copy2(home / ROOT_KEY_FILE, copy / ROOT_KEY_FILE)
    refused("DEW.0005", Engine.open, home=copy, clock=clock, rng=SeededRng(7))


def test_a_tampered_trail_is_not_rechained(eng):
    build_world(eng)
    from sqlalchemy import text
    with eng.context.db.session() as s:
        s.connection().execute(text("UPDATE audit_trace SET user = 'mallory' WHERE seq = 2"))
    fp = eng.context.hsm.fingerprint()
    refused("DEW.0010", eng.rotate_root_key)
    assert eng.context.hsm.fingerprint() == fp
    assert not (eng.home / NEXT_FILE).exists()


# --- an injected failure ----------------------------------------------------------------------
@pytest.mark.parametrize("step", ["resealed topic_subscription.sealed_secret", "restamped", "rechained"])
def test_a_failure_mid_way_leaves_the_database_and_the_old_key(eng, home, clock, monkeypatch, step):
    w = build_world(eng)
    root_before = (home / ROOT_KEY_FILE).read_bytes()
    blobs_before = [v.sealed_material for v in raw_rows(eng, KeyVersion)]
    macs_before = [k.mac for k in raw_rows(eng, Cmk)]

    def boom(name: str) -> None:
        if name == step:
            raise RuntimeError("injected")

    monkeypatch.setattr(rotation, "checkpoint", boom)
    with pytest.raises(RuntimeError):
        eng.rotate_root_key()
    monkeypatch.undo()
    assert (home / ROOT_KEY_FILE).read_bytes() == root_before and not (home / NEXT_FILE).exists()
    assert [v.sealed_material for v in raw_rows(eng, KeyVersion)] == blobs_before
    assert [k.mac for k in raw_rows(eng, Cmk)] == macs_before
    assert len(raw_rows(eng, ImportParams)) == 1
    assert_world_reads(eng, w)
    eng.close()
    reopened = Engine.open(home=home, clock=clock, rng=SeededRng(9))
    assert_world_reads(reopened, w)
    reopened.close()


# --- SIGKILL during rotation ------------------------------------------------------------------
CHILD = textwrap.dedent("""
    import sys
    from datetime import datetime, timezone
    from engine import Engine, FrozenClock, SeededRng
    from engine.rootkeys import rotation

    home, stop_at, passphrase = sys.argv[1], sys.argv[2], sys.argv[3] or None

    def stop(name):
        if name == stop_at:
            print("at " + name, flush=True)
            sys.stdin.read()  # wait here until killed

    rotation.checkpoint = stop
    eng = Engine.open(home=home, clock=FrozenClock(datetime(2026, 3, 1, 9, tzinfo=timezone.utc)),
                      rng=SeededRng(11), passphrase=passphrase)
    eng.rotate_root_key()
    print("done", flush=True)
""")


def kill_rotation_at(home: Path, step: str, passphrase: str = "") -> None:
    """Run a rotation in a child process, SIGKILL it when it reaches `step`."""
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(home), step, passphrase],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, text=True)
    try:
        line = child.stdout.readline()  # type: ignore[union-attr]
        assert line.strip() == f"at {step}", line
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait()
    assert child.returncode == -signal.SIGKILL


@pytest.mark.parametrize("step,rotated", [
    ("next written", False),
    ("restamped", False),
    ("before commit", False),
    ("committed", True),
    ("renamed", True),
])
def test_sigkill_during_rotation_leaves_one_working_root(home, clock, step, rotated):
    eng = Engine.open(home=home, clock=clock, rng=SeededRng(7))
    w = build_world(eng)
    old_fp = eng.context.hsm.fingerprint()
    eng.close()
    kill_rotation_at(home, step)
    reopened = Engine.open(home=home, clock=clock, rng=SeededRng(9))
    assert (reopened.context.hsm.fingerprint() != old_fp) is rotated
    assert not (home / NEXT_FILE).exists()
    assert_world_reads(reopened, w)
    reopened.close()


def test_sigkill_after_commit_with_a_passphrase_unseals_into_the_new_root(home, clock):
    eng = Engine.open(home=home, clock=clock, rng=SeededRng(7), passphrase="correct horse")
    w = build_world(eng)
    old_fp = eng.context.hsm.fingerprint()
    eng.close()
    kill_rotation_at(home, "committed", "correct horse")
    assert (home / NEXT_FILE).exists()
    sealed = Engine.open(home=home, clock=clock, rng=SeededRng(9))
    sealed.unseal("correct horse")
    assert sealed.context.hsm.fingerprint() != old_fp and not (home / NEXT_FILE).exists()
    assert_world_reads(sealed, w)
    sealed.close()


# --- the registry of sealed columns -----------------------------------------------------------
SEALED_NAME_PARTS = ("sealed", "wrapped", "generator", "encrypted")


def test_every_column_holding_sealed_bytes_is_in_the_registry():
    import engine.models  # noqa: F401  (every table)
    named = {(e.table, e.column) for e in registry.SEALED} | set(registry.DROPPED) | \
        set(registry.NOT_UNDER_ROOT)
    found = set()
    for table in SQLModel.metadata.tables.values():
        for column in table.columns:
            if isinstance(column.type, LargeBinary) or any(p in column.name for p in SEALED_NAME_PARTS):
                found.add((table.name, column.name))
    missing = found - named
    assert not missing, f"sealed columns rotation does not know about: {sorted(missing)}"
    assert ("key_version", "sealed_material") in found


def test_the_registry_names_each_column_once_and_every_derived_purpose():
    entries = [(e.table, e.column) for e in registry.SEALED] + list(registry.DROPPED) + \
        list(registry.NOT_UNDER_ROOT)
    assert len(entries) == len(set(entries))
    assert set(registry.CARRIED) <= set(registry.DERIVED)
    engine_dir = Path(__file__).resolve().parents[2] / "engine"
    used = set()
    for path in engine_dir.rglob("*.py"):
        used |= set(re.findall(r'derive\("([a-z-]+)"\)', path.read_text()))
        used |= set(re.findall(r'keyed_digest\("([a-z-]+)"', path.read_text()))
    used.add(ROW_MAC_PURPOSE)
    assert used <= set(registry.DERIVED), sorted(used - set(registry.DERIVED))


# --- other processes --------------------------------------------------------------------------
def test_rotation_is_refused_while_another_engine_has_the_data_directory_open(eng, home, clock):
    w = build_world(eng)
    other = Engine.open(home=home, clock=clock, rng=SeededRng(5))  # as another process would
    fp = eng.context.hsm.fingerprint()
    err = refused("DEW.0004", eng.rotate_root_key)
    assert "another dewtui process" in err.message
    assert eng.context.hsm.fingerprint() == fp and not (home / NEXT_FILE).exists()
    assert [t.code for t in _traces(eng) if t.trace_name == "rotateRootKey"] == ["DEW.0004"]
    other.close()
    eng.rotate_root_key()
    assert_world_reads(eng, w)


def test_an_open_during_a_rotation_is_refused(home, clock, monkeypatch):
    eng = Engine.open(home=home, clock=clock, rng=SeededRng(7))
    seen = []

    def try_open(name: str) -> None:
        if name == "next written":
            seen.append(refused("DEW.0004", Engine.open, home=home, clock=clock, rng=SeededRng(5)))

    monkeypatch.setattr(rotation, "checkpoint", try_open)
    eng.rotate_root_key()
    assert len(seen) == 1 and "rotation is running" in seen[0].message
    eng.close()
    Engine.open(home=home, clock=clock, rng=SeededRng(6)).close()


def test_a_pruned_trail_is_rechained_from_its_anchor(eng, clock):
    build_world(eng)
    clock.advance(timedelta(days=eng.settings.audit_retention_days + 1))
    eng.kms.create_key("recent")
    assert eng.run_due().total >= 1  # the old traces pruned: the anchor is in meta
    before = eng.audit.verify()
    assert before.ok
    eng.rotate_root_key()
    after = eng.audit.verify()
    assert after.ok and after.checked == before.checked + 1  # the rotation's own trace
