"""Key tags: add, edit the value, delete, batches (all or nothing), the 20 cap, the rules."""
from __future__ import annotations

from dataclasses import replace

import pytest
from sqlmodel import select

from engine import Engine, SeededRng
from engine.config import Settings
from engine.kms.results import Tag
from engine.models.core import AuditTrace
from refusals import code_of


def trace_codes(eng, name):
    with eng.context.db.session(write=False) as s:
        return [t.code for t in s.exec(select(AuditTrace).where(AuditTrace.trace_name == name)
                                        .order_by(AuditTrace.seq)).all()]


@pytest.fixture
def key(eng):
    return eng.kms.create_key("a").key_id


def test_add_edit_delete(eng, key):
    assert eng.kms.create_key_tag(key, "env", "prod") == (Tag("env", "prod"),)
    assert eng.kms.create_key_tag(key, "team") == (Tag("env", "prod"), Tag("team", ""))
    assert eng.kms.create_key_tag(key, "env", "dev") == (Tag("env", "dev"), Tag("team", ""))  # edit
    assert eng.kms.list_key_tags(key) == (Tag("env", "dev"), Tag("team", ""))
    assert eng.kms.describe_key(key).tags == (Tag("env", "dev"), Tag("team", ""))
    assert eng.kms.delete_key_tag(key, "team") == (Tag("env", "dev"),)
    assert code_of(eng.kms.delete_key_tag, key, "team") == "KMS.0416"
    assert trace_codes(eng, "createKeyTag") == ["200", "200", "200"]
    assert trace_codes(eng, "deleteKeyTag") == ["200", "KMS.0416"]


@pytest.mark.parametrize("k,v,code", [
    ("", "x", "KMS.0406"), ("a" * 129, "x", "KMS.0406"), (" lead", "x", "KMS.0406"),
    ("trail ", "x", "KMS.0406"), ("bad*char", "x", "KMS.0406"), (None, "x", "KMS.0406"),
    ("ok", "v" * 256, "KMS.0405"), ("ok", "bad<", "KMS.0405"), ("ok", " lead", "KMS.0405"),
])
def test_tag_rules(eng, key, k, v, code):
    assert code_of(eng.kms.create_key_tag, key, k, v) == code
    assert eng.kms.list_key_tags(key) == ()


def test_allowed_characters(eng, key):
    tags = eng.kms.create_key_tag(key, "a" * 128, "v" * 255)
    assert len(tags) == 1
    assert eng.kms.create_key_tag(key, "my tag_1-@x", "a b_c-@d")[1] == Tag("my tag_1-@x", "a b_c-@d")


def test_cap_of_twenty(eng, key):
    for i in range(20):
        eng.kms.create_key_tag(key, f"t{i:02d}", "v")
    assert code_of(eng.kms.create_key_tag, key, "one-more", "v") == "KMS.0409"
    assert len(eng.kms.create_key_tag(key, "t00", "edited")) == 20  # editing is not adding
    assert code_of(eng.kms.batch_key_tags, key, {"x": "1"}, "create") == "KMS.0409"


def test_cap_is_a_setting(home, clock):
    e = Engine.open(home=home, clock=clock, rng=SeededRng(2),
                    settings=replace(Settings(), tags_per_resource=2))
    k = e.kms.create_key("a").key_id
    e.kms.batch_key_tags(k, {"a": "1", "b": "2"}, "create")
    assert code_of(e.kms.create_key_tag, k, "c") == "KMS.0409"
    e.close()


def test_batch_create_and_delete(eng, key):
    eng.kms.create_key_tag(key, "env", "prod")
    tags = eng.kms.batch_key_tags(
        key, [{"key": "env", "value": "dev"}, {"key": "owner", "value": "ops"}], "create")
    assert tags == (Tag("env", "dev"), Tag("owner", "ops"))
    assert eng.kms.batch_key_tags(key, ["env"], "delete") == (Tag("owner", "ops"),)
    assert eng.kms.batch_key_tags(key, [{"key": "owner"}], "delete") == ()
    assert trace_codes(eng, "batchCreateKeyTags") == ["200"]
    assert trace_codes(eng, "batchDeleteKeyTags") == ["200", "200"]


def test_batch_is_all_or_nothing(eng, key):
    eng.kms.batch_key_tags(key, {"a": "1", "b": "2"}, "create")
    assert code_of(eng.kms.batch_key_tags, key, {"c": "3", "bad*": "4"}, "create") == "KMS.0406"
    assert code_of(eng.kms.batch_key_tags, key, ["a", "missing"], "delete") == "KMS.0416"
    assert code_of(eng.kms.batch_key_tags, key, [("c", "1"), ("c", "2")], "create") == "KMS.0412"
    for i in range(18):
        eng.kms.create_key_tag(key, f"t{i}")
    assert code_of(eng.kms.batch_key_tags, key, {"a": "edited", "new": "x"}, "create") == "KMS.0409"
    tags = dict((t.key, t.value) for t in eng.kms.list_key_tags(key))
    assert (len(tags), tags["a"], tags["b"]) == (20, "1", "2")


def test_batch_refusals(eng, key):
    assert code_of(eng.kms.batch_key_tags, key, {"a": "1"}, "update") == "KMS.0404"
    assert code_of(eng.kms.batch_key_tags, key, {}, "create") == "KMS.0401"
    assert code_of(eng.kms.batch_key_tags, key, [], "delete") == "KMS.0401"
    dk = eng.kms.get_default_key("obs").key_id
    assert code_of(eng.kms.batch_key_tags, dk, {"a": "1"}, "create") == "KMS.0211"
    assert code_of(eng.kms.delete_key_tag, dk, "a") == "KMS.0211"
    assert code_of(eng.kms.create_key_tag, "00000000-0000-0000-0000-000000000000", "a") == "KMS.0207"
    assert code_of(eng.kms.list_key_tags, "00000000-0000-0000-0000-000000000000") == "KMS.0207"
    assert eng.kms.list_key_tags(dk) == ()


def test_other_user_refused(eng, key):
    eng.iam.create_user("bob")
    bob = eng.as_user("bob").kms
    assert code_of(bob.create_key_tag, key, "a") == "KMS.0306"
    assert code_of(bob.delete_key_tag, key, "a") == "KMS.0306"
    assert code_of(bob.batch_key_tags, key, {"a": "1"}, "create") == "KMS.0306"
    assert code_of(bob.list_key_tags, key) == "KMS.0306"
    assert trace_codes(eng, "listKeyTags") == ["KMS.0306"]
    assert eng.kms.list_key_tags(key) == ()


def test_tags_on_disabled_and_pending_deletion_keys(eng, key):
    eng.kms.disable_key(key)
    assert eng.kms.create_key_tag(key, "a") == (Tag("a", ""),)
    eng.kms.schedule_key_deletion(key)
    assert eng.kms.delete_key_tag(key, "a") == ()
