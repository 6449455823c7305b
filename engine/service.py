"""The unit of work every public service call runs in.

    with self._call("disableKey", "cmk", request={"key_id": key_id}) as call:
        key = ...; call.resource(key.key_id, key.key_alias)
        call.authorize("kms:cmk:update", key=key)
        ...; call.response = {...}

One transaction: checks, writes and the audit trace commit together. A refused call
(DewError) is rolled back and its trace (rating `warning`) written in a short transaction
of its own; any other exception is a fault, traced as `incident`, and re-raised.
"""
from __future__ import annotations

import logging
from contextlib import contextmanager
from datetime import datetime
from typing import Any, Iterator

from sqlmodel import Session

from engine.audit.writer import write_trace
from engine.context import Context
from engine.errors import DewError
from engine.iam.decision import Decision, authorize

log = logging.getLogger("engine")


class Call:
    """State of one service call: session, time, resource, request and response to audit."""

    def __init__(self, ctx: Context, s: Session, family: str, resource_type: str,
                 request: dict | None) -> None:
        self.ctx = ctx
        self.s = s
        self.family = family
        self.now: datetime = ctx.clock.now()
        self.resource_type = resource_type
        self.resource_id = ""
        self.resource_name = ""
        self.request = request or {}
        self.response: dict[str, Any] = {}

    @property
    def principal(self):
        return self.ctx.principal

    def resource(self, resource_id: str | None, resource_name: str | None = None) -> None:
        self.resource_id = resource_id or ""
        self.resource_name = resource_name or ""

    def authorize(self, action: str, *, key: Any = None, grant_op: str | None = None) -> Decision:
        """Refuse (403) unless the principal may do `action` (on `key`, via grant `grant_op`)."""
        return authorize(self.s, self.ctx.principal, action, family=self.family,
                         key_id=getattr(key, "key_id", None),
                         key_domain=getattr(key, "domain_id", None), grant_op=grant_op)


class Service:
    family = "KMS"

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    @property
    def ctx(self) -> Context:
        return self._ctx

    def _trace(self, s: Session, call: Call, trace_name: str, rating: str, code: str,
               message: str = "") -> None:
        p = self._ctx.principal
        write_trace(s, self._ctx.db, self._ctx.hsm.derive("audit-chain"),
                    trace_id=self._ctx.rng.uuid(), trace_name=trace_name,
                    resource_type=call.resource_type, resource_id=call.resource_id,
                    resource_name=call.resource_name, rating=rating, code=code,
                    domain_id=p.domain_id, user=p.name, source=self._ctx.source,
                    time=call.now, request=call.request, response=call.response,
                    message=message)

    @contextmanager
    def _call(self, trace_name: str, resource_type: str, *, request: dict | None = None,
              audit: bool = True) -> Iterator[Call]:
        self._ctx.hsm  # refuse at once while sealed
        s = self._ctx.db.new_session(write=True)
        call = Call(self._ctx, s, self.family, resource_type, request)
        try:
            yield call
            if audit:
                self._trace(s, call, trace_name, "normal", "200")
            s.commit()
        except DewError as e:
            s.rollback()
            call.response = {"error_code": e.code}
            self._trace_alone(call, trace_name, "warning", e.code, e.message)
            raise
        except Exception as e:
            s.rollback()
            log.error("fault in %s: %s", trace_name, type(e).__name__)
            call.response = {"error": type(e).__name__}
            self._trace_alone(call, trace_name, "incident", f"{self.family}.0101", type(e).__name__)
            raise
        finally:
            s.close()

    def _trace_alone(self, call: Call, trace_name: str, rating: str, code: str, message: str) -> None:
        try:
            with self._ctx.db.session() as s2:
                self._trace(s2, call, trace_name, rating, code, message)
        except Exception:  # never let auditing a refusal hide the refusal itself
            log.exception("could not write the audit trace for %s", trace_name)

    @contextmanager
    def _read(self) -> Iterator[Session]:
        """A read-only transaction for unaudited listings (no trace, no lock)."""
        self._ctx.hsm
        with self._ctx.db.session(write=False) as s:
            yield s
