"""The Audit area: search the trail (CTS), read one trace's JSON, export CSV, verify the chain.

Filters follow the cloud's trace list: trace name, resource type, resource id or name
("search by"), principal, rating, trace type (API call or console action), source (tui, api,
cli, scheduler) and a time range inside the retention window. The list is
newest first and paged in the database (`list_traces`/`count_traces` with limit/offset), so
a trail of any size stays responsive; the selected trace's JSON (`show_trace`, the cloud's
field names) is in the pane on the right. `ctrl+e` exports the current result (the engine
holds the newest 5000 matching rows and says so); `v` verifies the hash chain.
"""
from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal, VerticalScroll
from textual.widgets import DataTable, Input, Select, Static

from dewtui.audit.requests import CUSTOM_RANGE, SOURCES, TIME_RANGES, TRACE_TYPES, ExportRequest, TraceQuery, VerifyRequest
from dewtui.shell.fmt import clip, json_renderable, parse_utc, short_time, styled, when
from dewtui.widgets.paged_list import PagedListScreen
from dewtui.widgets.paged_table import PagedTable, page_status

# fixed widths (the cells are clipped to them): a page is drawn at its final widths at once,
# also while a dialog covers the screen
COLUMNS = (("time", "Time (UTC)", 14), ("name", "Trace name", 22), ("rating", "Rating", 8),
           ("resource", "Resource", 14), ("user", "User", 8))
RESOURCE_TYPES = ("cmk", "rng", "csms", "cts", "iam", "project")
RATINGS = ("normal", "warning", "incident")
TRACE_TYPE_LABELS = {"ApiCall": "API calls", "ConsoleAction": "Console actions"}
RATING_STYLE = {"normal": "green", "warning": "yellow", "incident": "bold red"}
INPUT_FIELDS = {"audit-name": "trace_name", "audit-resource": "resource", "audit-user": "user"}
RANGE_FIELDS = {"audit-since": "since", "audit-until": "until"}  # the custom range's ends
SELECT_FIELDS = {"audit-type": "resource_type", "audit-by": "search_by", "audit-rating": "trace_rating",
                 "audit-trace-type": "trace_type", "audit-source": "source", "audit-range": "time_range"}


def trace_cells(t) -> tuple:
    return (short_time(t.time), escape(clip(t.trace_name, 22)), styled(t.trace_rating, RATING_STYLE),
            escape(clip(t.resource_name or t.resource_id or "—", 14)), escape(clip(t.user, 8)))


def describe_filters(q: TraceQuery) -> str:
    parts = [f"{label} {value}" for label, value in (
        ("name", q.trace_name.strip()), ("type", q.resource_type or ""),
        (f"resource {q.search_by}", q.resource.strip()), ("user", q.user.strip()),
        ("rating", q.trace_rating or ""), ("trace type", q.trace_type or ""),
        ("source", q.source or "")) if value]
    if q.time_range == CUSTOM_RANGE:
        parts.append(f"from {when(q.since) if q.since else 'the retention start'} "
                     f"to {when(q.until) if q.until else 'now'}")
    else:
        parts.append(next(label for label, key, _d in TIME_RANGES if key == q.time_range))
    return " · ".join(parts)


class AuditScreen(PagedListScreen):
    # the filters are a grid: four to a row on a narrow terminal, six on a wide one
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (150, "-wide")]
    STATUS_ID = "audit-status"
    BINDINGS = [
        Binding("slash", "filter", "Filter", key_display="/", tooltip="trace name, then tab through the filters"),
        Binding("ctrl+e", "export", "Export CSV", tooltip="the current result, at most 5000 traces"),
        Binding("v", "verify", "Verify chain", tooltip="find the first altered, removed or inserted trace"),
        Binding("r", "reload", "Refresh"),
        Binding("escape", "clear", "Clear filters", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(TraceQuery())
        self.traces: dict[str, object] = {}
        self.chain = "chain not verified (v)"
        self._shown_trace: str | None = None

    def compose_body(self) -> ComposeResult:
        with Container(id="audit-filters"):
            yield Input(placeholder="/ trace name, e.g. createKey", id="audit-name")
            yield Select([(t, t) for t in RESOURCE_TYPES], prompt="Any resource", id="audit-type")
            yield Select([("by name", "name"), ("by id", "id")], value="name", allow_blank=False, id="audit-by")
            yield Input(placeholder="resource name or id", id="audit-resource")
            yield Input(placeholder="principal (user name)", id="audit-user")
            yield Select([(r.capitalize(), r) for r in RATINGS], prompt="Any rating", id="audit-rating")
            yield Select([(TRACE_TYPE_LABELS.get(t, t), t) for t in TRACE_TYPES], prompt="Any trace type", id="audit-trace-type")
            yield Select([(f"from {s}", s) for s in SOURCES], prompt="Any source", id="audit-source")
            yield Select([(label.capitalize(), key) for label, key, _d in TIME_RANGES], value="all",
                         allow_blank=False, id="audit-range")
            yield Input(placeholder="from YYYY-MM-DD HH:MM", id="audit-since", classes="audit-range-end")
            yield Input(placeholder="to (empty: now)", id="audit-until", classes="audit-range-end")
        with Horizontal(id="audit-body"):
            yield PagedTable(COLUMNS, id="audit-table")
            with VerticalScroll(id="audit-detail"):
                yield Static("select a trace to see its JSON", id="audit-json")
        yield Static("", id="audit-status")

    def on_mount(self) -> None:
        self.query_one(PagedTable).focus()
        # the frame shows at once; the first page fills it from a worker, the pane spins meanwhile
        self.query_one("#audit-detail").loading = True
        self.query_one("#audit-status", Static).update("loading the trail…")

    # --- loading -----------------------------------------------------------------------
    def reload(self, cursor: str = "keep") -> None:
        q, audit, now = self.lq, self.engine.audit, self.engine.now()

        def page():
            f = q.filters(now)
            return audit.list_traces(**f, limit=q.limit, offset=q.offset), audit.count_traces(**f)

        self.call_engine(page, group="audit-list", exclusive=True, label="list traces",
                         done=lambda r: self._show(*r, cursor), failed=self.list_refused)

    def forget_rows(self) -> None:
        self.query_one("#audit-detail").loading = False
        self.traces = {}
        self._shown_trace = None
        self.query_one("#audit-json", Static).update("no trace selected")

    def _show(self, traces, total: int, cursor: str) -> None:
        if not self.page_landed(len(traces), total):
            return
        self.traces = {t.trace_id: t for t in traces}
        self.query_one("#audit-detail").loading = False
        table = self.query_one(PagedTable)
        table.show_rows(((t.trace_id, trace_cells(t)) for t in traces), cursor)
        if not traces:
            self._shown_trace = None
            self.query_one("#audit-json", Static).update("no trace selected")
        else:
            self._detail(table.current_key())
        self._status()

    def _status(self) -> None:
        text = page_status(self.lq.offset, len(self.traces), self.total or 0, "traces", self.lq.limit)
        if not self.total:
            text = "no traces match the filters" if self.lq.filtered() else "no traces in the retention window"
        retention = self.engine.settings.audit_retention_days
        self.query_one("#audit-status", Static).update(
            f"{text}  ·  newest first, last {retention} days  ·  {self.chain}")

    def _detail(self, trace_id: str | None) -> None:
        if not trace_id or trace_id == self._shown_trace:
            return
        self._shown_trace = trace_id
        audit = self.engine.audit
        self.call_engine(lambda: audit.show_trace(trace_id), group="audit-detail", exclusive=True,
                         label="show trace", done=self._show_json)

    def _show_json(self, trace: dict) -> None:
        if trace.get("trace_id") == self._shown_trace:
            self.query_one("#audit-json", Static).update(json_renderable(trace))

    # --- messages from the widgets -----------------------------------------------------
    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key is not None and event.row_key.value is not None:
            self._detail(str(event.row_key.value))

    def on_input_changed(self, event: Input.Changed) -> None:
        field = INPUT_FIELDS.get(event.input.id or "")
        if field and getattr(self.lq, field) != event.value:
            self.set_query(**{field: event.value})
        elif event.input.id in RANGE_FIELDS:
            self._range_changed()

    def _range_changed(self) -> None:
        """The custom range's ends apply once both read as times (or are empty) in order;
        a field that does not is shown red and the list stays as it was."""
        ends: dict = {}
        for wid, name in RANGE_FIELDS.items():
            field = self.query_one(f"#{wid}", Input)
            try:
                ends[name] = parse_utc(field.value)
            except ValueError:
                field.add_class("-invalid")
                return
            field.remove_class("-invalid")
        if ends["since"] and ends["until"] and ends["since"] > ends["until"]:
            self.query_one("#audit-until", Input).add_class("-invalid")
            return
        if (ends["since"], ends["until"]) != (self.lq.since, self.lq.until):
            self.set_query(**ends)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one(PagedTable).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        field = SELECT_FIELDS.get(event.select.id or "")
        if field:
            value = None if event.value is Select.NULL else str(event.value)
            if getattr(self.lq, field) != value:
                self.set_query(**{field: value})
        if event.select.id == "audit-range":
            self.query_one("#audit-filters").set_class(event.value == CUSTOM_RANGE, "-custom")

    # --- actions -----------------------------------------------------------------------
    def action_filter(self) -> None:
        self.query_one("#audit-name", Input).focus()

    def action_reload(self) -> None:
        self._shown_trace = None
        self.reload()

    def action_clear(self) -> None:
        for wid in INPUT_FIELDS:
            self.query_one(f"#{wid}", Input).value = ""
        self.query_one("#audit-type", Select).clear()
        for wid in ("#audit-rating", "#audit-trace-type", "#audit-source"):
            self.query_one(wid, Select).clear()
        self.query_one("#audit-by", Select).value = "name"
        self.query_one("#audit-range", Select).value = "all"
        for wid in RANGE_FIELDS:
            self.query_one(f"#{wid}", Input).value = ""
        self.query_one(PagedTable).focus()

    def action_export(self) -> None:
        from dewtui.audit.export_dialog import ExportDialog
        q = self.lq
        stamp = self.engine.now().strftime("%Y%m%d-%H%M%S")
        dialog = ExportDialog(f"~/dew-traces-{stamp}.csv", self.total, describe_filters(q))
        self.app.push_screen(dialog, lambda req: self._export(req, q))

    def _export(self, req: ExportRequest | None, q: TraceQuery) -> None:
        from dewtui.audit.export_dialog import export_message
        if req is None:
            return
        audit, now, path = self.engine.audit, self.engine.now(), req.path
        self.call_engine(lambda: audit.export_csv(path, **q.filters(now)), label="export traces",
                         success=lambda r: export_message(r, path), done=lambda _r: self.reload())

    def action_verify(self, against: str = "") -> None:
        audit = self.engine.audit
        self.call_engine(lambda: audit.verify(against or None), label="verify traces",
                         done=lambda result: self._verified(result, against))

    def _verified(self, result, against: str) -> None:
        from dewtui.audit.verify_dialog import VerifyDialog, chain_status
        self.chain = chain_status(result)
        self._status()

        def again(req: VerifyRequest | None) -> None:
            if req is not None:
                self.action_verify(req.expected_head)

        self.app.push_screen(VerifyDialog(result, against), again)
