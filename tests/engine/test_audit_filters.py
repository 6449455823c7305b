"""Audit queries filter by trace type (`ApiCall` / `ConsoleAction`) and trace source (`tui`,
`api`, `cli`, `scheduler`), as the console's Trace Type and Trace Source drop-downs; an
export of a query matching more traces than an export holds writes the newest ones and says so."""
from __future__ import annotations

import csv
import json

import pytest

from engine.audit.export import ExportResult
from refusals import refused


@pytest.fixture
def mixed(eng):
    """genRandom traces from every entry point: api ×2, tui ×3, cli ×1, scheduler ×1."""
    by_source = {"api": eng, "tui": eng.with_source("tui"), "cli": eng.with_source("cli"),
                 "scheduler": eng.system()}
    for source, n in (("api", 2), ("tui", 3), ("cli", 1), ("scheduler", 1)):
        for _ in range(n):
            by_source[source].kms.gen_random(64)
    return eng


def sources(traces) -> list[str]:
    return [t.source for t in traces]


def test_list_and_count_by_source(mixed):
    audit = mixed.audit
    for source, n in (("api", 2), ("tui", 3), ("cli", 1), ("scheduler", 1)):
        assert sources(audit.list_traces(source=source)) == [source] * n
        assert audit.count_traces(source=source) == n
    assert audit.count_traces() == 7
    assert [t.user for t in audit.list_traces(source="scheduler")] == ["system"]


def test_list_and_count_by_trace_type(mixed):
    audit = mixed.audit
    console = audit.list_traces(trace_type="ConsoleAction")
    assert sources(console) == ["tui"] * 3 and {t.trace_type for t in console} == {"ConsoleAction"}
    api_calls = audit.list_traces(trace_type="ApiCall")
    assert sorted(sources(api_calls)) == ["api", "api", "cli", "scheduler"]
    assert audit.count_traces(trace_type="ConsoleAction") == 3
    assert audit.count_traces(trace_type="ApiCall") == 4
    # combined with each other and with the other filters: every one must match
    assert audit.count_traces(trace_type="ConsoleAction", source="api") == 0
    assert audit.count_traces(trace_type="ApiCall", source="cli", trace_name="genRandom") == 1
    assert audit.count_traces(trace_type="ApiCall", trace_name="createKey") == 0
    assert len(audit.list_traces(trace_type="ApiCall", source="api", limit=1)) == 1


def test_empty_filter_values_mean_no_filter(mixed):
    assert mixed.audit.count_traces(trace_type="", source="") == 7
    assert mixed.audit.count_traces(trace_type=None, source=None) == 7


@pytest.mark.parametrize("bad", ["apicall", "Console", "API", "tui", " ApiCall", 3, ["ApiCall"]])
def test_invalid_trace_type_refused(mixed, bad, tmp_path):
    e = refused("CTS.0002", mixed.audit.list_traces, trace_type=bad)
    assert "trace_type" in e.message
    refused("CTS.0002", mixed.audit.count_traces, trace_type=bad)
    path = tmp_path / "x.csv"
    refused("CTS.0002", mixed.audit.export_csv, str(path), trace_type=bad)
    assert not path.exists()
    [t] = mixed.audit.list_traces(trace_name="exportTraces")
    assert (t.trace_rating, t.code) == ("warning", "CTS.0002")


@pytest.mark.parametrize("bad", ["TUI", "http", "console", "ConsoleAction", "system", 1, True])
def test_invalid_source_refused(mixed, bad, tmp_path):
    e = refused("CTS.0002", mixed.audit.list_traces, source=bad)
    assert "source" in e.message
    refused("CTS.0002", mixed.audit.count_traces, source=bad)
    path = tmp_path / "x.csv"
    refused("CTS.0002", mixed.audit.export_csv, str(path), source=bad)
    assert not path.exists()


def test_export_filters_by_type_and_source(mixed, tmp_path):
    path = tmp_path / "cli.csv"
    assert mixed.audit.export_csv(str(path), source="cli") == ExportResult(1, 1, False)
    assert [r["source"] for r in csv.DictReader(path.open())] == ["cli"]
    result = mixed.audit.export_csv(str(path), trace_type="ConsoleAction")
    assert result == ExportResult(rows=3, matched=3, truncated=False)
    rows = list(csv.DictReader(path.open()))
    assert [(r["trace_type"], r["source"]) for r in rows] == [("ConsoleAction", "tui")] * 3
    last = mixed.audit.list_traces(trace_name="exportTraces", limit=1)[0]
    assert json.loads(last.request)["trace_type"] == "ConsoleAction"


def test_export_over_the_cap_writes_the_newest_and_says_so(mixed, tmp_path, monkeypatch):
    monkeypatch.setattr("engine.audit.service.MAX_ROWS", 2)  # the 5000 cap, in miniature
    newest_tui = [t.trace_id for t in mixed.audit.list_traces(source="tui")][:2]
    path = tmp_path / "capped.csv"
    result = mixed.audit.export_csv(str(path), source="tui")
    assert result == ExportResult(rows=2, matched=3, truncated=True)
    assert [r["trace_id"] for r in csv.DictReader(path.open())] == newest_tui
    done = mixed.audit.list_traces(trace_name="exportTraces", limit=1)[0]
    assert (done.trace_rating, done.code) == ("normal", "200")
    assert json.loads(done.response) == {"rows": 2, "matched": 3, "truncated": True}
    # at the cap exactly: everything, not truncated
    assert mixed.audit.export_csv(str(path), source="api", trace_name="genRandom") == \
        ExportResult(rows=2, matched=2, truncated=False)
