"""Secret versions and stages: numbering, the stage moves, built-ins, limits, the version cap."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlmodel import select

from engine import DewError, Engine, SeededRng, Settings
from engine.models.csms import SecretStage, SecretVersion
from refusals import code_of


def stages(eng, name) -> dict[str, tuple[str, ...]]:
    return {v.id: v.version_stages for v in eng.csms.list_secret_versions(name)}


def open_engine(home, clock, **settings):
    return Engine.open(home=home, clock=clock, rng=SeededRng(3),
                       settings=replace(Settings(), **settings))


def test_versions_numbered_and_current_previous_follow(eng):
    eng.csms.create_secret("a", secret_string="one")
    eng.csms.create_secret_version("a", secret_string="two")
    m = eng.csms.create_secret_version("a", secret_string="three")
    assert m.id == "v3" and m.version_stages == ("SYSCURRENT",) and m.secret_name == "a"
    assert stages(eng, "a") == {"v3": ("SYSCURRENT",), "v2": ("SYSPREVIOUS",), "v1": ()}
    assert [v.id for v in eng.csms.list_secret_versions("a")] == ["v3", "v2", "v1"]
    assert eng.csms.show_secret_version("a", "latest").secret_string == "three"
    assert eng.csms.show_secret_version("a", "v2").secret_string == "two"


def test_a_stage_moves_never_duplicates(eng):
    eng.csms.create_secret("a", secret_string="one")
    eng.csms.create_secret_version("a", secret_string="two")
    st = eng.csms.update_secret_stage("a", "BLUE", "v1")
    assert (st.name, st.version_id, st.secret_name) == ("BLUE", "v1", "a")
    eng.csms.update_secret_stage("a", "BLUE", "v2")  # moved off v1
    assert stages(eng, "a") == {"v2": ("SYSCURRENT", "BLUE"), "v1": ("SYSPREVIOUS",)}
    assert eng.csms.show_secret_stage("a", "BLUE").version_id == "v2"
    with eng.context.db.session(write=False) as s:
        assert len(s.exec(select(SecretStage).where(SecretStage.stage_name == "BLUE")).all()) == 1


def test_moving_syscurrent_back_moves_syspevious(eng):
    eng.csms.create_secret("a", secret_string="one")
    eng.csms.create_secret_version("a", secret_string="two")
    eng.csms.create_secret_version("a", secret_string="three")
    eng.csms.update_secret_stage("a", "SYSCURRENT", "v1")  # roll back
    assert stages(eng, "a") == {"v3": ("SYSPREVIOUS",), "v2": (), "v1": ("SYSCURRENT",)}
    assert eng.csms.show_secret_version("a").secret_string == "one"


def test_new_version_with_named_stages(eng):
    eng.csms.create_secret("a", secret_string="one")
    m = eng.csms.create_secret_version("a", secret_string="two", version_stages=["PENDING", "PENDING"])
    assert m.version_stages == ("PENDING",)  # not current unless asked
    assert stages(eng, "a") == {"v2": ("PENDING",), "v1": ("SYSCURRENT",)}
    m = eng.csms.create_secret_version("a", secret_string="three", version_stages=["SYSCURRENT", "PENDING"])
    assert stages(eng, "a") == {"v3": ("SYSCURRENT", "PENDING"), "v2": (), "v1": ("SYSPREVIOUS",)}


def test_builtin_stages_not_deletable_custom_ones_are(eng):
    eng.csms.create_secret("a", secret_string="one")
    eng.csms.create_secret_version("a", secret_string="two")
    assert code_of(eng.csms.delete_secret_stage, "a", "SYSCURRENT") == "CSMS.0105"
    assert code_of(eng.csms.delete_secret_stage, "a", "SYSPREVIOUS") == "CSMS.0105"
    assert code_of(eng.csms.delete_secret_stage, "a", "GHOST") == "CSMS.0005"
    assert code_of(eng.csms.show_secret_stage, "a", "GHOST") == "CSMS.0005"
    eng.csms.update_secret_stage("a", "BLUE", "v1")
    eng.csms.delete_secret_stage("a", "BLUE")
    assert stages(eng, "a") == {"v2": ("SYSCURRENT",), "v1": ("SYSPREVIOUS",)}


def test_stage_name_and_version_checks(eng):
    eng.csms.create_secret("a", secret_string="one")
    assert code_of(eng.csms.update_secret_stage, "a", "bad stage", "v1") == "CSMS.0002"
    assert code_of(eng.csms.update_secret_stage, "a", "x" * 65, "v1") == "CSMS.0002"
    assert code_of(eng.csms.update_secret_stage, "a", "OK", "v7") == "CSMS.0005"
    assert code_of(eng.csms.create_secret_version, "a", secret_string="x", version_stages=["bad!"]) == "CSMS.0002"


def test_twelve_stages_max(eng):
    eng.csms.create_secret("a", secret_string="one")
    eng.csms.create_secret_version("a", secret_string="two")  # SYSCURRENT + SYSPREVIOUS
    for i in range(10):
        eng.csms.update_secret_stage("a", f"S{i}", "v1")
    assert code_of(eng.csms.update_secret_stage, "a", "S10", "v2") == "CSMS.0203"
    eng.csms.update_secret_stage("a", "S0", "v2")  # moving an existing stage is fine
    too_many = [f"N{i}" for i in range(13)]
    assert code_of(eng.csms.create_secret_version, "a", secret_string="x", version_stages=too_many) == "CSMS.0204"
    assert code_of(eng.csms.create_secret_version, "a", secret_string="x",
                   version_stages=["NEWSTAGE"]) == "CSMS.0203"
    assert len(eng.csms.list_secret_versions("a")) == 2  # refused calls left nothing behind


def test_version_cap_drops_oldest_unstaged(home, clock):
    e = open_engine(home, clock, versions_per_secret=3)
    e.csms.create_secret("a", secret_string="one")
    e.csms.update_secret_stage("a", "KEEP", "v1")
    e.csms.create_secret_version("a", secret_string="two")
    e.csms.create_secret_version("a", secret_string="three")  # v1 KEEP, v2 PREV, v3 CUR
    e.csms.create_secret_version("a", secret_string="four")   # v2 lost its stage: dropped
    assert stages(e, "a") == {"v4": ("SYSCURRENT",), "v3": ("SYSPREVIOUS",), "v1": ("KEEP",)}
    assert e.csms.show_secret_version("a", "v1").secret_string == "one"  # staged: protected
    e.close()


def test_version_cap_refuses_when_every_version_is_staged(home, clock):
    e = open_engine(home, clock, versions_per_secret=3)
    e.csms.create_secret("a", secret_string="one")
    e.csms.create_secret_version("a", secret_string="two")
    e.csms.create_secret_version("a", secret_string="three")
    e.csms.update_secret_stage("a", "KEEP", "v1")
    with pytest.raises(DewError) as ei:  # v1 KEEP, v2 PREV, v3 CUR, v4 TEST: nothing to drop
        e.csms.create_secret_version("a", secret_string="four", version_stages=["TEST"])
    assert ei.value.code == "CSMS.0002" and "stage" in ei.value.message
    assert stages(e, "a") == {"v3": ("SYSCURRENT",), "v2": ("SYSPREVIOUS",), "v1": ("KEEP",)}
    e.csms.delete_secret_stage("a", "KEEP")
    assert e.csms.create_secret_version("a", secret_string="four", version_stages=["TEST"]).id == "v4"
    assert stages(e, "a") == {"v4": ("TEST",), "v3": ("SYSCURRENT",), "v2": ("SYSPREVIOUS",)}
    e.close()


def test_twenty_versions_default_cap(eng):
    eng.csms.create_secret("a", secret_string="v")
    for i in range(24):
        eng.csms.create_secret_version("a", secret_string=f"v{i}")
    ids = [v.id for v in eng.csms.list_secret_versions("a")]
    assert len(ids) == 20 and ids[0] == "v25" and ids[-1] == "v6"


def test_version_expiry_set_and_reset_notification(eng, clock):
    eng.csms.create_secret("a", secret_string="v")
    when = clock.now() + timedelta(days=3)
    m = eng.csms.create_secret_version("a", secret_string="w", expire_time=when)
    assert m.expire_time == when
    assert code_of(eng.csms.update_version, "a", "v2", clock.now() - timedelta(days=1)) == "CSMS.0002"
    with eng.context.db.session() as s:
        row = s.get(SecretVersion, (eng.csms.show_secret("a").id, "v2"))
        row.expiry_notified = True
        s.add(row)
    later = clock.now() + timedelta(days=9)
    assert eng.csms.update_version("a", "v2", later).expire_time == later
    with eng.context.db.session(write=False) as s:
        assert s.get(SecretVersion, (eng.csms.show_secret("a").id, "v2")).expiry_notified is False
    assert eng.csms.update_version("a", "latest", None).expire_time is None
