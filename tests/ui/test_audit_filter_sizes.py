"""The Audit area's filters at every terminal width: snapshots of the whole filter grid with the
custom range open at 80, 160 and 250 columns (nothing clipped), and the trace type and source
filters reaching the engine's list_traces."""
from __future__ import annotations

import pytest
from textual.widgets import Select, Static

from dewtui.audit import requests
from dewtui.widgets.paged_table import PagedTable
from engine.audit import query as engine_query
from ui.helpers import SIZE, make_app, settle, snap


async def custom_range(pilot) -> None:
    pilot.app.screen.query_one("#audit-range").value = "custom"


@pytest.mark.parametrize("size", [(80, 24), (160, 40), (250, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_audit_filters_whole(snap_compare, events_eng, size):
    assert snap(snap_compare, events_eng, "5", custom_range, size=size)


def test_ui_offers_the_engines_trace_types_and_sources():
    assert requests.TRACE_TYPES == engine_query.TRACE_TYPES
    assert requests.SOURCES == engine_query.SOURCES


def rows(app) -> list[str]:
    return [str(r.value) for r in app.screen.query_one(PagedTable).rows]


async def test_trace_type_and_source_filter_the_list(events_eng):
    audit = events_eng.audit
    events_eng.with_source("cli").kms.create_key("from-the-cli")
    app = make_app(events_eng)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        app.screen.query_one("#audit-source", Select).value = "cli"
        await settle(pilot)
        cli = audit.list_traces(source="cli")
        assert cli and rows(app) == [t.trace_id for t in cli]
        assert all(t.source == "cli" for t in cli)
        app.screen.query_one("#audit-trace-type", Select).value = "ConsoleAction"
        await settle(pilot)
        assert rows(app) == []
        assert "no traces match the filters" in str(app.screen.query_one("#audit-status", Static).render())
        await pilot.press("escape")  # clears every filter, the two new ones too
        await settle(pilot)
        assert app.screen.query_one("#audit-source", Select).value is Select.NULL
        assert len(rows(app)) == min(app.screen.lq.limit, audit.count_traces())
