"""Key tags take exactly the guide's KMS alphabet (table 2-11: English letters, digits, space,
`_ - @`); secret tags keep theirs, which adds Chinese. Project tags: every tag key in use on
the account's keys with its values (the guide's "Query project tags")."""
from __future__ import annotations

import json
import string

import pytest

from engine.kms.results import ProjectTag, ProjectTags, Tag
from refusals import refused

KMS_ALPHABET = string.ascii_letters + string.digits + " _-@"
# each outside the KMS table: punctuation, other scripts' letters and digits, full-width
# forms, other whitespace
OUTSIDE = [".", ":", "/", "=", "+", "*", "#", ",", "é", "ß", "中", "文", "Ж", "Ａ", "１",
           "٣", "²", "\t", "\u00a0", "\u3000"]


@pytest.fixture
def key(eng):
    return eng.kms.create_key("tagged").key_id


def test_every_character_of_the_table_is_accepted(eng, key):
    assert eng.kms.create_key_tag(key, "a" + KMS_ALPHABET + "z", KMS_ALPHABET.strip()) == \
        (Tag("a" + KMS_ALPHABET + "z", KMS_ALPHABET.strip()),)
    tags = eng.kms.batch_key_tags(key, {"cost center": "100", "owner@team_a-1": "ops-2@x"}, "create")
    assert Tag("owner@team_a-1", "ops-2@x") in tags and Tag("cost center", "100") in tags


@pytest.mark.parametrize("ch", OUTSIDE)
def test_characters_outside_the_table_refused_in_key_and_value(eng, key, ch):
    e = refused("KMS.0406", eng.kms.create_key_tag, key, f"env{ch}x", "prod")
    assert "English letters, digits, spaces, _ - @" in e.message
    refused("KMS.0405", eng.kms.create_key_tag, key, "env", f"prod{ch}x")
    refused("KMS.0406", eng.kms.batch_key_tags, key, {"ok": "1", f"k{ch}": "2"}, "create")
    refused("KMS.0405", eng.kms.batch_key_tags, key, [("ok", "1"), ("k", f"v{ch}")], "create")
    refused("KMS.0406", eng.kms.create_key, "other", tags={f"k{ch}": "v"})
    refused("KMS.0405", eng.kms.create_key, "other", tags={"k": f"v{ch}"})
    assert eng.kms.list_key_tags(key) == ()
    assert eng.kms.list_keys(search="other").total == 0


def test_refused_tags_are_audited(eng, key):
    refused("KMS.0406", eng.kms.create_key_tag, key, "环境", "prod")
    refused("KMS.0405", eng.kms.create_key, "other", tags={"env": "生产"})
    traces = eng.audit.list_traces(trace_rating="warning")
    assert [(t.trace_name, t.code) for t in traces] == [("createKey", "KMS.0405"),
                                                       ("createKeyTag", "KMS.0406")]


def test_secret_tags_keep_chinese(eng):
    s = eng.csms.create_secret("db", secret_string="x", tags={"环境": "生产", "team": "支付 组"})
    assert set(eng.csms.list_secret_tags(s.name)) == {Tag("环境", "生产"), Tag("team", "支付 组")}
    assert Tag("团队", "") in eng.csms.create_secret_tag("db", "团队")
    refused("CSMS.0002", eng.csms.create_secret_tag, "db", "a.b", "x")
    refused("CSMS.0002", eng.csms.create_secret_tag, "db", "ok", "a/b")


# --- project tags --------------------------------------------------------------------------
def test_project_tags_lists_every_key_with_its_values(eng):
    a = eng.kms.create_key("a", tags={"env": "prod", "team": "payments"}).key_id
    eng.kms.create_key("b", tags={"env": "dev", "owner": ""})
    eng.kms.create_key("c", tags={"env": "prod"})
    eng.kms.create_key("untagged")
    eng.csms.create_secret("s", secret_string="x", tags={"secret-only": "1"})  # not a key's tag
    eng.iam.create_user("eve", domain="other", admin=True)
    eng.as_user("eve").kms.create_key("theirs", tags={"env": "elsewhere", "private": "1"})
    got = eng.kms.list_project_tags()
    assert got == ProjectTags(tags=(ProjectTag("env", ("dev", "prod")), ProjectTag("owner", ("",)),
                                    ProjectTag("team", ("payments",))),
                              total=3, limit=100, offset=0)
    assert not got.truncated
    eng.kms.delete_key_tag(a, "team")
    assert [t.key for t in eng.kms.list_project_tags().tags] == ["env", "owner"]
    assert eng.as_user("eve").kms.list_project_tags().tags == (
        ProjectTag("env", ("elsewhere",)), ProjectTag("private", ("1",)))


def test_project_tags_are_paged_by_tag_key(eng):
    for i in range(5):
        eng.kms.create_key(f"k{i}", tags={f"t{i}": "v", "shared": str(i)})
    first = eng.kms.list_project_tags(limit=2)
    assert [t.key for t in first.tags] == ["shared", "t0"] and first.total == 6 and first.truncated
    assert first.tags[0].values == ("0", "1", "2", "3", "4")
    last = eng.kms.list_project_tags(limit=2, offset=4)
    assert [t.key for t in last.tags] == ["t3", "t4"] and not last.truncated
    assert eng.kms.list_project_tags(offset=6).tags == ()
    assert eng.kms.list_project_tags(limit=1000).total == 6


def test_project_tags_is_an_unaudited_read(eng):
    eng.kms.create_key("a", tags={"env": "prod"})
    before = eng.audit.count_traces()
    eng.kms.list_project_tags()
    assert eng.audit.count_traces() == before


@pytest.mark.parametrize("limit,offset,code", [
    (0, 0, "KMS.1601"), (1001, 0, "KMS.1601"), (True, 0, "KMS.1601"), ("10", 0, "KMS.1601"),
    (None, 0, "KMS.1601"), (10, -1, "KMS.1602"), (10, 1.5, "KMS.1602"),
])
def test_project_tags_page_refused(eng, limit, offset, code):
    refused(code, eng.kms.list_project_tags, limit=limit, offset=offset)


def test_project_tags_needs_cmktag_list(eng):
    eng.kms.create_key("a", tags={"env": "prod"})
    eng.iam.create_user("bob")
    bob = eng.as_user("bob")
    refused("KMS.0306", bob.kms.list_project_tags)
    [t] = eng.audit.list_traces(trace_name="listProjectTags")
    assert (t.trace_rating, t.code, t.user) == ("warning", "KMS.0306", "bob")
    eng.iam.create_policy("tag-reader", {"Version": "1.1", "Statement": [
        {"Effect": "Allow", "Action": ["kms:cmkTag:list"], "Resource": ["*"]}]})
    eng.iam.attach_policy("bob", "tag-reader")
    assert bob.kms.list_project_tags().tags == (ProjectTag("env", ("prod",)),)
    assert json.loads(t.request) == {"limit": 100, "offset": 0}
