"""The unit of work every public service call runs in: one road each for writes, audited
reads and due jobs, all authorizing and auditing the same way.

    with self._call("disableKey", "cmk", request={"key_id": key_id}) as call:
        key = ...; call.resource(key.key_id, key.key_alias)
        call.authorize("kms:cmk:update", key=key)
        ...; call.response = {...}

- `_call`: one write transaction; checks, writes and the audit trace commit together
  (calls made at the same time by other threads share it: group commit, each call in a
  savepoint of its own; see engine.db.GroupCommit).
- `_reading`: one read-only transaction; the read itself is not traced, its refusal is.
- `_job`: one write transaction of due work run by the scheduler's principal; each item it
  handles is traced (in the account that owns the item) inside that transaction.
A refused call (DewError) is rolled back (its savepoint) and its trace (rating `warning`)
written without its work — also into the target's account when the call reached across
accounts; any other exception is a fault, traced as `incident`, and re-raised.

Every public method of every service is wrapped (`__init_subclass__`) by the argument guard
(`engine.arguments`): arguments of the wrong type or size are refused before any work.
"""
from __future__ import annotations

import functools
import inspect
import logging
import weakref
from contextlib import contextmanager
from datetime import datetime
from typing import Any, Callable, Iterator

from sqlmodel import Session

from engine.arguments import ArgumentGuard, trace_name_of
from engine.audit.writer import write_trace
from engine.context import Context
from engine.db import GroupCommitFailed
from engine.errors import DewError
from engine.hsm.seal import Hsm
from engine.iam.decision import Decision, decide, refusal
from engine.iam.principal import Principal
from engine.iam.resources import Resource, account_resource, key_resource

log = logging.getLogger("engine")

_CHAIN_KEYS: "weakref.WeakKeyDictionary[Hsm, bytes]" = weakref.WeakKeyDictionary()


def _chain_key(hsm: Hsm) -> bytes:
    """The audit chain key of an open root key, derived once per Hsm (memory only)."""
    key = _CHAIN_KEYS.get(hsm)
    if key is None:
        key = _CHAIN_KEYS[hsm] = hsm.derive("audit-chain")
    return key


class Call:
    """State of one service call: session, time, resource, request and response to audit."""

    def __init__(self, ctx: Context, s: Session | None, family: str, resource_type: str,
                 request: dict | None, now: datetime | None = None) -> None:
        self.ctx = ctx
        self.s: Session = s  # type: ignore[assignment]  # None only for a refusal's trace
        self.family = family
        self.now: datetime = now or ctx.clock.now()
        self.resource_type = resource_type
        self.resource_id = ""
        self.resource_name = ""
        self.request = request or {}
        self.response: dict[str, Any] = {}
        self.other_accounts: set[str] = set()  # accounts whose trail also gets this trace
        self.own_trace = True  # False: the call's work was traced with trace(); _call adds none

    @property
    def principal(self) -> Principal:
        return self.ctx.principal

    def resource(self, resource_id: str | None, resource_name: str | None = None) -> None:
        self.resource_id = resource_id if isinstance(resource_id, str) else ""
        self.resource_name = resource_name if isinstance(resource_name, str) else ""

    def trace(self, trace_name: str, resource_type: str, resource_id: str, resource_name: str,
              request: dict, response: dict) -> None:
        """One more trace in this call's transaction (e.g. a key created on the caller's
        behalf): it commits, or rolls back, with the call's changes."""
        p = self.principal
        write_trace(self.s, self.ctx.db, _chain_key(self.ctx.hsm), trace_id=self.ctx.rng.uuid(),
                    trace_name=trace_name, resource_type=resource_type, resource_id=resource_id,
                    resource_name=resource_name, rating="normal", code="200",
                    domain_id=p.domain_id, user=p.name, source=self.ctx.source,
                    source_ip=self.ctx.client_ip, time=self.now, request=request, response=response)

    def account(self, service: str | None = None) -> Resource:
        """The caller's account as a whole (for create and list actions)."""
        return account_resource(service or self.family,
                                self.principal.domain_id)

    def authorize(self, action: str, resource: Resource | None = None, *, key: Any = None,
                  grant_op: str | None = None) -> Decision:
        """Refuse unless the principal may do `action` on `resource` (default: its account;
        `key=` a key row: that key, where grant `grant_op` may also allow it)."""
        if key is not None:
            resource = key_resource(key.domain_id, key.key_id)
        target = resource or self.account()
        d = decide(self.s, self.principal, action, target, grant_op)
        if not d.allowed:
            if target.domain_id != self.principal.domain_id:
                self.other_accounts.add(target.domain_id)
            raise refusal(self.principal, action, target, self.family)
        return d


class Job:
    """One transaction of due work: `trace()` records each item it handled."""

    def __init__(self, svc: "Service", s: Session, trace_name: str, resource_type: str,
                 now: datetime) -> None:
        self.svc, self.s, self.now, self.ctx = svc, s, now, svc.ctx
        self.trace_name, self.resource_type = trace_name, resource_type

    def trace(self, *, resource_id: str, resource_name: str, domain_id: str, request: dict,
              response: dict, trace_name: str | None = None, rating: str = "normal",
              code: str = "200", message: str = "") -> None:
        call = Call(self.svc.ctx, self.s, self.svc.family, self.resource_type, request, self.now)
        call.resource(resource_id, resource_name)
        call.response = response
        self.svc._trace(self.s, call, trace_name or self.trace_name, rating, code, message,
                        domain_id=domain_id)


class Service:
    family = "KMS"
    default_resource_type = "cmk"

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        if cls.__dict__.get("guarded", True) is False:
            return
        for name, fn in inspect.getmembers(cls, inspect.isfunction):
            if name.startswith("_") or getattr(fn, "__guarded__", False):
                continue
            setattr(cls, name, _guarded(fn))

    @property
    def ctx(self) -> Context:
        return self._ctx

    # --- auditing ------------------------------------------------------------------------
    def _trace(self, s: Session, call: Call, trace_name: str, rating: str, code: str,
               message: str = "", domain_id: str | None = None) -> None:
        p = self._ctx.principal
        write_trace(s, self._ctx.db, _chain_key(self._ctx.hsm),
                    trace_id=self._ctx.rng.uuid(), trace_name=trace_name,
                    resource_type=call.resource_type, resource_id=call.resource_id,
                    resource_name=call.resource_name, rating=rating, code=code,
                    domain_id=domain_id or p.domain_id, user=p.name, source=self._ctx.source,
                    source_ip=self._ctx.client_ip, time=call.now, request=call.request, response=call.response,
                    message=message)

    def _write_refusal(self, s: Session, call: Call, trace_name: str, rating: str, code: str,
                       message: str) -> None:
        """A refusal's or fault's trace in every account it touched, in a savepoint of `s`."""
        try:
            with s.begin_nested():
                for domain in [self._ctx.principal.domain_id, *sorted(call.other_accounts)]:
                    self._trace(s, call, trace_name, rating, code, message, domain_id=domain)
        except Exception:  # never let auditing a refusal hide the refusal itself
            log.exception("could not write the audit trace for %s", trace_name)

    def _trace_alone(self, call: Call, trace_name: str, rating: str, code: str, message: str) -> None:
        """A refusal's or fault's trace, committed without the call's work (with the group's
        calls when others are writing: engine.db.GroupCommit)."""
        groups = self._ctx.db.groups
        try:
            if not groups.enabled or groups.held_here():  # a transaction of its own
                with self._ctx.db.session() as s2:
                    self._write_refusal(s2, call, trace_name, rating, code, message)
                return
            group = groups.enter()
            try:
                self._write_refusal(group.session, call, trace_name, rating, code, message)
            finally:
                groups.leave(group)
        except Exception:  # never let auditing a refusal hide the refusal itself
            log.exception("could not write the audit trace for %s", trace_name)

    def _refusal_of(self, call: Call, trace_name: str, e: BaseException) -> tuple[str, str, str]:
        """(rating, code, message) of a refused call's trace; sets its response."""
        if isinstance(e, DewError):
            call.response = {"error_code": e.code}
            return "warning", e.code, e.message
        log.error("fault in %s: %s", trace_name, type(e).__name__)
        call.response = {"error": type(e).__name__}
        return "incident", f"{self.family}.0101", type(e).__name__

    def _refused(self, call: Call, trace_name: str, e: BaseException) -> None:
        self._trace_alone(call, trace_name, *self._refusal_of(call, trace_name, e))

    # --- the three roads -----------------------------------------------------------------
    @contextmanager
    def _call(self, trace_name: str, resource_type: str, *, request: dict | None = None) -> Iterator[Call]:
        """A write: checks, writes and the trace in one transaction — shared with the writes
        other threads make at the same time (group commit: one commit, one fsync), each in a
        savepoint of its own, so a refusal rolls back only its own work and is traced in the
        same group. The call returns only once its group is committed."""
        self._ctx.hsm  # refuse at once while sealed
        groups = self._ctx.db.groups
        if not groups.enabled or groups.held_here():  # (PostgreSQL; a call inside another's work)
            with self._call_alone(trace_name, resource_type, request=request) as call:
                yield call
            return
        group = groups.enter()
        s = group.session
        call = Call(self._ctx, s, self.family, resource_type, request)
        try:
            savepoint = s.begin_nested() if group.members else None  # the first needs none
        except BaseException:  # the group's transaction is broken: its commit will say so
            self._leave_quietly(group, trace_name)
            raise
        try:
            yield call
            if call.own_trace:
                self._trace(s, call, trace_name, "normal", "200")
            if savepoint is not None:
                savepoint.commit()
            else:
                s.flush()  # its own changes fail here, as its own refusal, not in the next call
        except BaseException as e:
            try:
                if savepoint is None:
                    s.rollback()
                elif savepoint.is_active:
                    savepoint.rollback()
                if isinstance(e, Exception):
                    self._write_refusal(s, call, trace_name, *self._refusal_of(call, trace_name, e))
            finally:
                self._leave_quietly(group, trace_name)
            raise
        try:
            groups.leave(group)
        except GroupCommitFailed as failed:  # nothing of the call was saved: a fault
            cause = failed.__cause__ or failed
            self._refused(call, trace_name, cause)
            raise cause from None

    def _leave_quietly(self, group: Any, trace_name: str) -> None:
        """Give the turn back after a refusal: a failed group commit is only logged (the
        refusal is what the caller hears)."""
        try:
            self._ctx.db.groups.leave(group)
        except GroupCommitFailed:
            log.exception("could not commit the audit trace for %s", trace_name)

    @contextmanager
    def _call_alone(self, trace_name: str, resource_type: str, *, request: dict | None = None) -> Iterator[Call]:
        """A write in a transaction of its own (no group)."""
        s = self._ctx.db.new_session(write=True)
        call = Call(self._ctx, s, self.family, resource_type, request)
        try:
            yield call
            if call.own_trace:
                self._trace(s, call, trace_name, "normal", "200")
            s.commit()
        except Exception as e:
            s.rollback()
            self._refused(call, trace_name, e)
            raise
        finally:
            s.close()

    @contextmanager
    def _reading(self, trace_name: str, resource_type: str, *, request: dict | None = None,
                 audit: bool = True) -> Iterator[Call]:
        """An authorized read: no lock and no trace, but a refusal is traced (unless `audit`
        is False: reads the UI polls every few seconds)."""
        self._ctx.hsm
        s = self._ctx.db.new_session(write=False)
        call = Call(self._ctx, s, self.family, resource_type, request)
        try:
            yield call
            s.commit()
        except Exception as e:
            s.rollback()
            if audit:
                self._refused(call, trace_name, e)
            raise
        finally:
            s.close()

    @contextmanager
    def _job(self, trace_name: str, resource_type: str, now: datetime) -> Iterator[Job]:
        """Due work: one write transaction; `job.trace(...)` per item handled."""
        self._ctx.hsm
        s = self._ctx.db.new_session(write=True)
        try:
            yield Job(self, s, trace_name, resource_type, now)
            s.commit()
        except BaseException:
            s.rollback()
            raise
        finally:
            s.close()

    def _anything_due(self, probe: Any) -> bool:
        """Due work is looked for in a read transaction (no write lock): does `probe`, a select
        of due rows' ids through an index on their due time, find one? Jobs open their write
        transaction only when it does, so an idle pass writes nothing."""
        return anything_due(self._ctx.db, probe)

    @contextmanager
    def _read(self) -> Iterator[Session]:
        """A bare read-only transaction for internal look-ups that return nothing to the
        caller (e.g. choosing a trace name); public reads use `_reading`."""
        self._ctx.hsm
        with self._ctx.db.session(write=False) as s:
            yield s

    def _refuse_early(self, method: str, request: dict, err: DewError) -> None:
        """Audit a call the argument guard refused before it started."""
        call = Call(self._ctx, None, self.family, self.default_resource_type, request)
        self._refused(call, trace_name_of(method, self.family), err)


def anything_due(db: Any, probe: Any) -> bool:
    """`Service._anything_due` for the due jobs that are plain functions."""
    with db.session(write=False) as s:
        return s.exec(probe.limit(1)).first() is not None


def _guarded(fn: Callable[..., Any]) -> Callable[..., Any]:
    guards: list[ArgumentGuard] = []  # built at the first call: reading type hints costs
    # about 2 ms a method, which importing a service would otherwise pay for all of them

    @functools.wraps(fn)
    def wrapper(self: Service, *args: Any, **kwargs: Any) -> Any:
        if not guards:
            guards.append(ArgumentGuard(fn))
        guard = guards[0]
        try:
            guard.check(self.family, args, kwargs)
        except DewError as e:
            self._refuse_early(fn.__name__, guard.request(args, kwargs), e)
            raise
        return fn(self, *args, **kwargs)

    wrapper.__guarded__ = True  # type: ignore[attr-defined]
    return wrapper
