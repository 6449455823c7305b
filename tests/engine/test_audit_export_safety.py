"""The CSV export is safe to open and safe to write.

Opening: no cell of the file starts a formula, neither for a CSV parser nor for a
spreadsheet-like reader that also splits on line breaks inside quoted fields and strips
leading whitespace. Writing: only a regular file of the caller's is ever replaced; a
symlink, directory, device, FIFO or another user's file is refused (CTS.0007) and left alone.
"""
from __future__ import annotations

import csv
import io
import os
import stat

import pytest

from engine import DewError
from engine.models.core import AuditTrace
from refusals import refused

FORMULA = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
PAYLOAD = "=cmd|' /C calc'!A0"


def csv_cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def spreadsheet_cells(text: str) -> list[str]:
    """Like a lax spreadsheet import: every line break ends a row, even inside quotes."""
    cells = []
    for line in text.splitlines():  # \r, \n, \v, \f, \x1c-\x1e, \x85, \u2028, \u2029
        for row in csv.reader([line]):
            cells.extend(row)
    return cells


def formula_cells(cells) -> list[str]:
    return [c for c in cells if c.lstrip().startswith(FORMULA) or c.startswith(FORMULA)]


def export(eng, tmp_path, **filters) -> str:
    path = tmp_path / "traces.csv"
    eng.audit.export_csv(str(path), **filters)
    with path.open(encoding="utf-8", newline="") as f:
        return f.read()


# --- formulas ---------------------------------------------------------------------------
def test_a_bare_cr_in_a_refused_call_cannot_plant_a_formula_row(eng, tmp_path):
    eng.iam.create_user("bob")
    bob = eng.as_user("bob")
    for name in ("x\r" + PAYLOAD, "x\n" + PAYLOAD, "x\r\n " + PAYLOAD, "\r" + PAYLOAD):
        with pytest.raises(DewError):
            bob.kms.create_key(name, key_description="y\r" + PAYLOAD)
    text = export(eng, tmp_path, user="bob")
    rows = csv_cells(text)
    assert len(rows) == 1 + 4 and all(len(r) == len(rows[0]) for r in rows)
    assert formula_cells(c for r in rows for c in r) == []
    assert formula_cells(spreadsheet_cells(text)) == []
    assert len(text.splitlines()) == 1 + 4


def test_stored_rows_with_formulas_after_whitespace_or_breaks_are_neutralised(eng, tmp_path):
    nasty = [" =1+1", "\u00a0@SUM(A1)", "\n" + PAYLOAD, "\t=x", "\r-2+3", "a\r" + PAYLOAD,
             "a\u2028+1", "a\x0b" + PAYLOAD, "a\x1e=1", "a\x85=1", "\uff1d1+1", "\x00=1",
             "b\x7f\r=1"]
    with eng.context.db.session() as s:  # rows as an older version could have stored them
        for i, v in enumerate(nasty):
            s.add(AuditTrace(trace_id=f"old-{i}", trace_name=v, resource_type="cmk",
                             resource_id=v, resource_name=v, trace_rating="warning", code=v,
                             domain_id=eng.principal.domain_id, user=v, source="api",
                             time=eng.now(), request=v, response=v, message=v))
    text = export(eng, tmp_path)
    rows = csv_cells(text)
    assert len(rows) == 1 + len(nasty)
    assert formula_cells(c for r in rows for c in r) == []
    assert formula_cells(spreadsheet_cells(text)) == []
    assert len(text.splitlines()) == 1 + len(nasty)
    by_id = {r[11]: r for r in rows[1:]}
    assert by_id["old-0"][6] == "' =1+1"
    assert by_id["old-5"][6] == "a\\x0d" + PAYLOAD  # the break is shown, not kept
    assert by_id["old-12"][6] == "b\\x7f\\x0d=1"


# --- where the file goes -------------------------------------------------------------------
@pytest.fixture
def traced(eng):
    eng.kms.create_key("a")
    return eng


def test_export_never_follows_a_symlink(traced, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    link = tmp_path / "link.csv"
    link.symlink_to(victim)
    e = refused("CTS.0007", lambda: traced.audit.export_csv(str(link)))
    assert "symbolic link" in e.message
    assert link.is_symlink() and victim.read_text() == "keep me"
    dir_link = tmp_path / "dirlink.csv"
    dir_link.symlink_to(tmp_path)
    refused("CTS.0007", lambda: traced.audit.export_csv(str(dir_link)))
    dangling = tmp_path / "dangling.csv"
    dangling.symlink_to(tmp_path / "nowhere.csv")
    refused("CTS.0007", lambda: traced.audit.export_csv(str(dangling)))
    assert not (tmp_path / "nowhere.csv").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dangling.csv", "dew", "dirlink.csv",
                                                          "link.csv", "victim.txt"]  # no temp left
    refused_traces = traced.audit.list_traces(trace_name="exportTraces")
    assert [(t.trace_rating, t.code) for t in refused_traces] == [("warning", "CTS.0007")] * 3


def test_export_refuses_a_fifo(traced, tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    e = refused("CTS.0007", lambda: traced.audit.export_csv(str(fifo)))
    assert "not a regular file" in e.message
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_export_refuses_a_device_node(traced, tmp_path):
    node = tmp_path / "null.csv"
    os.mknod(node, 0o600 | stat.S_IFCHR, os.makedev(1, 3))
    refused("CTS.0007", lambda: traced.audit.export_csv(str(node)))
    assert stat.S_ISCHR(os.lstat(node).st_mode)


def test_export_refuses_a_directory_target(traced, tmp_path):
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    e = refused("CTS.0007", lambda: traced.audit.export_csv(str(folder)))
    assert "directory" in e.message
    assert folder.is_dir() and not any(folder.iterdir())


def test_export_refuses_another_users_file(traced, tmp_path, monkeypatch):
    theirs = tmp_path / "theirs.csv"
    theirs.write_text("their data")
    if os.geteuid() == 0:
        os.chown(theirs, 65534, 65534)
    else:  # without root a file cannot be given away: pretend to be someone else
        me = os.geteuid()
        monkeypatch.setattr(os, "geteuid", lambda: me + 1)
    e = refused("CTS.0007", lambda: traced.audit.export_csv(str(theirs)))
    assert "another user" in e.message
    assert theirs.read_text() == "their data"
    monkeypatch.undo()
    mine = tmp_path / "mine.csv"  # a regular file of the caller's is replaced, privately
    mine.write_text("old")
    os.chmod(mine, 0o644)
    assert traced.audit.export_csv(str(mine)).rows == 2  # createKey and the refused export
    assert mine.read_text().startswith("time,trace_name")
    assert stat.S_IMODE(os.stat(mine).st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dew", "mine.csv", "theirs.csv"]


def test_export_path_with_nul_or_too_long_refused(traced, tmp_path):
    refused("CTS.0002", lambda: traced.audit.export_csv(str(tmp_path / "a\x00b.csv")))
    refused("CTS.0002", lambda: traced.audit.export_csv("/" + "x" * 5000))
    refused("CTS.0007", lambda: traced.audit.export_csv(str(tmp_path / ("n" * 300 + ".csv"))))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dew"]
    traces = traced.audit.list_traces(resource_type="cts")
    assert [(t.trace_rating, t.code) for t in traces] == [("warning", "CTS.0007"), ("warning", "CTS.0002"),
                                                          ("warning", "CTS.0002")]
    assert all(len(t.request) < 1024 for t in traces) and "\\x00" in traces[-1].request

