"""Pilot tests of the Audit area: filters, detail JSON, CSV export (and its limit), verify."""
from __future__ import annotations

import csv

from sqlalchemy import text
from textual.widgets import Input, Static

from dewtui.audit.export_dialog import ExportDialog
from dewtui.audit.verify_dialog import VerifyDialog
from dewtui.audit.screen import AuditScreen
from dewtui.widgets.paged_table import PagedTable
from ui.helpers import SIZE, make_app, settle, toasts


def rows(app) -> list[str]:
    return [str(r.value) for r in app.screen.query_one(PagedTable).rows]


def static_text(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def open_audit(pilot) -> None:
    await settle(pilot)
    await pilot.press("5")
    await settle(pilot)
    assert isinstance(pilot.app.screen, AuditScreen)


async def test_list_filters_and_detail(events_eng):
    audit = events_eng.audit
    app = make_app(events_eng)
    async with app.run_test(size=SIZE) as pilot:
        await open_audit(pilot)
        assert rows(app) == [t.trace_id for t in audit.list_traces()]  # newest first
        newest = audit.list_traces(limit=1)[0]
        assert newest.trace_id in static_text(app, "#audit-json")
        await pilot.press("down")
        await settle(pilot)
        second = audit.list_traces(limit=1, offset=1)[0]
        assert second.trace_id in static_text(app, "#audit-json")

        app.screen.query_one("#audit-rating").value = "warning"
        await settle(pilot)
        warnings = audit.list_traces(trace_rating="warning")
        assert rows(app) == [t.trace_id for t in warnings] and len(warnings) == 1
        assert warnings[0].trace_name == "deleteSecretEvent"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("slash", *"createSecret", "enter")
        await settle(pilot)
        assert rows(app) == [t.trace_id for t in audit.list_traces(trace_name="createSecret")]
        app.screen.query_one("#audit-resource", Input).value = "api"
        await settle(pilot)
        [api] = audit.list_traces(trace_name="createSecret", resource_name="api")
        assert rows(app) == [api.trace_id]


async def test_export_writes_the_current_result(events_eng, tmp_path):
    target = tmp_path / "traces.csv"
    app = make_app(events_eng)
    async with app.run_test(size=SIZE) as pilot:
        await open_audit(pilot)
        app.screen.query_one("#audit-type").value = "csms"
        await settle(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert isinstance(app.screen, ExportDialog)
        app.screen.query_one("#export-path", Input).value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        with open(target, newline="") as f:
            exported = list(csv.DictReader(f))
        want = [t for t in events_eng.audit.list_traces(resource_type="csms", limit=100)]
        assert [r["trace_id"] for r in exported] == [t.trace_id for t in want]
        assert f"Exported {len(want)} traces to {target}" in toasts(app)
        assert events_eng.audit.list_traces(limit=1)[0].trace_name == "exportTraces"  # traced


async def test_export_over_the_limit_writes_the_newest_and_says_so(events_eng, tmp_path, monkeypatch):
    monkeypatch.setattr("engine.audit.service.MAX_ROWS", 3)  # a 5000-trace trail, in miniature
    target = tmp_path / "big.csv"
    app = make_app(events_eng)
    async with app.run_test(size=SIZE) as pilot:
        await open_audit(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        app.screen.query_one("#export-path", Input).value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        assert len(target.read_text().splitlines()) == 1 + 3  # the header and the newest 3
        assert any(t.startswith("Exported the newest 3 of ") for t in toasts(app))


async def test_verify_intact_then_altered(events_eng):
    app = make_app(events_eng)
    async with app.run_test(size=SIZE) as pilot:
        await open_audit(pilot)
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, VerifyDialog) and app.screen.result.ok
        head = str(events_eng.audit.head())
        assert head in static_text(app, "#verify-head")
        await pilot.press("escape")
        await settle(pilot)
        assert "chain intact" in static_text(app, "#audit-status")

        with events_eng.context.db.engine.begin() as conn:  # edit a trace behind the engine's back
            conn.execute(text("UPDATE audit_trace SET resource_name = 'evil' WHERE seq = 4"))
        await pilot.press("v")
        await settle(pilot)
        result = app.screen.result
        assert not result.ok and (result.problem, result.seq) == ("altered", 4)
        assert "a trace was altered" in static_text(app, "#verify-status")
        await pilot.press("escape")
        await settle(pilot)
        assert "chain broken: altered at seq 4" in static_text(app, "#audit-status")


async def test_verify_against_a_saved_head(events_eng):
    saved = str(events_eng.audit.head())
    with events_eng.context.db.engine.begin() as conn:  # remove the newest trace and rewind meta
        last = conn.execute(text("SELECT seq, prev FROM audit_trace ORDER BY seq DESC LIMIT 1")).one()
        conn.execute(text("DELETE FROM audit_trace WHERE seq = :s"), {"s": last.seq})
        conn.execute(text("UPDATE meta SET value = :v WHERE name = 'audit_head'"), {"v": last.prev})
    assert events_eng.audit.verify().ok  # undetectable without the saved head
    app = make_app(events_eng)
    async with app.run_test(size=SIZE) as pilot:
        await open_audit(pilot)
        await pilot.press("v")
        await settle(pilot)
        assert app.screen.result.ok
        app.screen.query_one("#saved-head", Input).value = saved
        await pilot.click("#against")
        await settle(pilot)
        assert isinstance(app.screen, VerifyDialog)
        assert not app.screen.result.ok and app.screen.result.problem == "removed"


async def test_custom_time_range(events_eng):
    """"Custom range" shows from/to fields; a range in order filters in the database, a
    field that is not a time (or ends before it starts) turns red and changes nothing."""
    audit = events_eng.audit
    fmt = "%Y-%m-%d %H:%M"
    times = sorted({t.time.replace(second=0, microsecond=0) for t in audit.list_traces(limit=500)})
    since, until = times[1], times[-2]
    app = make_app(events_eng)
    async with app.run_test(size=SIZE) as pilot:
        await open_audit(pilot)
        screen = app.screen
        since_field, until_field = screen.query_one("#audit-since", Input), screen.query_one("#audit-until", Input)
        assert not since_field.display and not until_field.display  # hidden until chosen
        screen.query_one("#audit-range").value = "custom"
        await settle(pilot)
        assert since_field.display and until_field.display
        since_field.value = since.strftime(fmt)
        until_field.value = until.strftime(fmt)
        await settle(pilot)
        expected = audit.list_traces(since=since, until=until, limit=500)
        assert 0 < len(expected) < audit.count_traces()
        shown = rows(app)
        assert shown and shown == [t.trace_id for t in expected][: len(shown)]
        assert screen.total == len(expected)
        assert (screen.lq.since, screen.lq.until) == (since, until)

        since_field.value = "yesterday"
        await settle(pilot)
        assert since_field.has_class("-invalid")
        assert (screen.lq.since, screen.lq.until) == (since, until) and screen.total == len(expected)

        since_field.value = since.strftime(fmt)
        until_field.value = times[0].strftime(fmt)  # ends before it starts
        await settle(pilot)
        assert until_field.has_class("-invalid")
        assert screen.total == len(expected)

        await pilot.press("escape")
        await settle(pilot)
        assert screen.lq.time_range == "all" and screen.total == audit.count_traces()
        assert not since_field.display
