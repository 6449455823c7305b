"""`eng.audit`: search, read, export and verify the audit trail (CTS).

Reading the trail (list, count, show, head, verify) is not traced; exporting is
(`exportTraces`). Queries see the caller's account and the retention window only.

Error codes (CTS-style, the cloud documents none for these local operations):
- `CTS.0002` (400) an invalid filter, page, export path or saved head (a head is
  `seq:chain`, seq a whole number ≥ 0 and chain 64 hex digits). `trace_type` is `ApiCall`
  or `ConsoleAction`, `source` one of `tui`, `api`, `cli`, `scheduler`.
- `CTS.0005` (400) the trace does not exist (or is outside retention / another account).
- `CTS.0007` (400) the export file cannot or may not be written: its directory is missing,
  or the target is a symlink, directory, device, FIFO or socket, or another user's file.
- `CTS.0302` (403) no permission: reading needs `cts:trace:list`, exporting
  `cts:trace:export` (the account administrator has both).

An export holds the newest 5000 matching traces at most; a query matching more is not
refused: its newest 5000 are written and the result (and the export's trace) says so.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

from sqlalchemy import func
from sqlmodel import Session, select

from engine.audit import query
from engine.audit.export import MAX_ROWS, ExportResult, render, write_private
from engine.audit.verify import AuditHead, VerifyResult, current_head, verify_chain
from engine.errors import DewError
from engine.models.core import Account, AuditTrace
from engine.service import Call, Service

MAX_PATH = 4096


class AuditService(Service):
    family = "CTS"
    default_resource_type = "cts"  # an argument the guard refuses is traced as a CTS call

    @contextmanager
    def _trail(self, trace: str, request: dict | None = None) -> Iterator[Call]:
        """An authorized read of the caller's account's trail (`cts:trace:list`); a refusal,
        bad filters included, is audited like any other."""
        with self._reading(trace, "cts", request=request) as call:
            call.authorize("cts:trace:list")
            yield call

    def _retention(self) -> int:
        return self.ctx.settings.audit_retention_days

    def list_traces(self, trace_name=None, resource_type=None, resource_id=None, resource_name=None,
                    user=None, trace_rating=None, since=None, until=None, trace_type=None,
                    source=None, limit: int = 50, offset: int = 0) -> list[query.Trace]:
        """Traces matching every given filter, newest first, paged in the database."""
        with self._trail("listTraces") as call:
            f = query.make_filter(trace_name, resource_type, resource_id, resource_name, user,
                                  trace_rating, since, until, trace_type, source)
            limit, offset = query.check_page(limit, offset)
            return query.page(call.s, f, call.principal.domain_id, call.now, self._retention(),
                              limit, offset)

    def count_traces(self, trace_name=None, resource_type=None, resource_id=None, resource_name=None,
                     user=None, trace_rating=None, since=None, until=None, trace_type=None,
                     source=None) -> int:
        with self._trail("listTraces") as call:
            f = query.make_filter(trace_name, resource_type, resource_id, resource_name, user,
                                  trace_rating, since, until, trace_type, source)
            return self._count(call.s, f)

    def _count(self, s: Session, f: query.TraceFilter) -> int:
        stmt = query.where(select(func.count()).select_from(AuditTrace), f,
                           self.ctx.principal.domain_id, self.ctx.clock.now(), self._retention())
        return int(s.exec(stmt).one())

    def show_trace(self, trace_id: str) -> dict[str, Any]:
        """One trace as the cloud's JSON (`trace_id`, `trace_name`, ..., `request`, `response`)."""
        with self._trail("showTrace", {"trace_id": trace_id}) as call:
            s = call.s
            stmt = query.where(select(AuditTrace), query.TraceFilter(), self.ctx.principal.domain_id,
                               self.ctx.clock.now(), self._retention())
            row = s.exec(stmt.where(AuditTrace.trace_id == trace_id)).first() \
                if isinstance(trace_id, str) else None
            if row is None:
                raise DewError("CTS.0005", f"trace {trace_id!r} does not exist", 400)
            acc = s.get(Account, row.domain_id)
            return query.cloud_json(query.to_trace(row), acc.name if acc else "")

    def export_csv(self, path: str, trace_name=None, resource_type=None, resource_id=None,
                   resource_name=None, user=None, trace_rating=None, since=None,
                   until=None, trace_type=None, source=None) -> ExportResult:
        """Write the query's newest traces (at most 5000, newest first) to `path`.

        → `ExportResult(rows, matched, truncated)`: a query matching more than 5000 traces
        writes the newest 5000 and returns `truncated=True` (recorded in the trace too)."""
        filters = dict(trace_name=trace_name, resource_type=resource_type, resource_id=resource_id,
                       resource_name=resource_name, user=user, trace_rating=trace_rating,
                       since=since, until=until, trace_type=trace_type, source=source)
        request = {"path": path, **{k: v for k, v in filters.items() if v is not None}}
        with self._call("exportTraces", "cts", request=request) as call:
            call.authorize("cts:trace:export")
            if not isinstance(path, str) or not path or len(path) > MAX_PATH or "\x00" in path:
                raise DewError("CTS.0002", f"the export path must be a file path of at most "
                                           f"{MAX_PATH} characters, without NUL", 400)
            f = query.make_filter(**filters)
            matched = self._count(call.s, f)
            rows = query.page(call.s, f, call.principal.domain_id, call.now, self._retention(),
                              MAX_ROWS, 0)
            target = write_private(path, render(rows), self.ctx.rng.hex_id(8))
            call.resource("", target[-255:])
            result = ExportResult(rows=len(rows), matched=matched, truncated=matched > len(rows))
            call.response = {"rows": result.rows, "matched": result.matched,
                             "truncated": result.truncated}
            return result

    def head(self) -> AuditHead:
        """The newest trace's (seq, chain value): save it to detect removal of the newest traces."""
        with self._trail("verifyTraces") as call:
            return current_head(call.s, self.ctx.hsm.derive("audit-chain"))

    def verify(self, expected_head: Any = None) -> VerifyResult:
        """Recompute the whole chain; report the first trace altered, removed or inserted."""
        with self._reading("verifyTraces", "cts") as call:
            if not self.ctx.db.is_sqlite:  # one snapshot for the whole walk (set before any query)
                call.s.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            call.authorize("cts:trace:list")
            saved = AuditHead.parse(expected_head) if expected_head is not None else None
            return verify_chain(call.s, self.ctx.hsm.derive("audit-chain"), saved)
