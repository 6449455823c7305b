"""The local notification inbox: listing, reading and marking delivered notifications.

A mixin of `EventsService`; it holds `_reading_events`, the authorized read both use.
Records belong to the caller's account; listing is filtered and paged in the database,
newest first. Reading needs `csms:event:list`; marking read is a (traced) change of the
inbox only.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterable, Iterator

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from engine.errors import DewError
from engine.events.results import NotificationRecordInfo
from engine.models.events import NotificationRecord
from engine.service import Service

MAX_PAGE = 1000


def record_info(r: NotificationRecord) -> NotificationRecordInfo:
    return NotificationRecordInfo(
        record_id=r.record_id, event_name=r.event_name, trigger_event_type=r.trigger_event_type,
        level=r.level, secret_name=r.secret_name, secret_type=r.secret_type,
        version_id=r.version_id, create_time=r.create_time,
        notification_target_name=r.notification_target_name,
        notification_target_id=r.notification_target_id,
        notification_content=r.notification_content,
        notification_status=r.notification_status, read=r.read)


def _filtered(stmt: Any, domain: str, event_name: str | None, event_type: str | None,
              secret_name: str | None, unread_only: bool) -> Any:
    stmt = stmt.where(NotificationRecord.domain_id == domain)
    if event_name:
        stmt = stmt.where(NotificationRecord.event_name == event_name)
    if event_type:
        stmt = stmt.where(NotificationRecord.trigger_event_type == event_type)
    if secret_name:
        stmt = stmt.where(NotificationRecord.secret_name == secret_name)
    if unread_only:
        stmt = stmt.where(NotificationRecord.read == False)  # noqa: E712
    return stmt


def _page(limit: object, offset: object) -> tuple[int, int]:
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_PAGE:
        raise DewError("CSMS.0002", f"limit must be 1-{MAX_PAGE}", 400)
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        raise DewError("CSMS.0002", "offset must be 0 or more", 400)
    return limit, offset


class Inbox(Service):
    @contextmanager
    def _reading_events(self, action: str, trace: str | None,
                        request: dict | None = None) -> Iterator[Session]:
        """An authorized read over the account's events; with `trace`, a refusal is audited."""
        with self._reading(trace or "", "csms", request=request, audit=trace is not None) as call:
            call.authorize(action)
            yield call.s

    def list_notification_records(self, event_name: str | None = None, event_type: str | None = None,
                                  secret_name: str | None = None, unread_only: bool = False,
                                  limit: int = 50, offset: int = 0) -> list[NotificationRecordInfo]:
        """Delivered notifications, newest first, filtered and paged in the database."""
        with self._reading_events("csms:event:list", "listNotificationRecords") as s:
            limit, offset = _page(limit, offset)
            stmt = _filtered(select(NotificationRecord), self.ctx.principal.domain_id, event_name,
                             event_type, secret_name, unread_only)
            stmt = stmt.order_by(col(NotificationRecord.seq).desc(), col(NotificationRecord.create_time).desc())
            return [record_info(r) for r in s.exec(stmt.offset(offset).limit(limit)).all()]

    def count_notification_records(self, event_name: str | None = None, event_type: str | None = None,
                                   secret_name: str | None = None, unread_only: bool = False) -> int:
        with self._reading_events("csms:event:list", None) as s:  # polled by the UI: refusals not traced
            stmt = _filtered(select(func.count()).select_from(NotificationRecord),
                             self.ctx.principal.domain_id, event_name, event_type, secret_name, unread_only)
            return int(s.exec(stmt).one())

    def unread_count(self) -> int:
        return self.count_notification_records(unread_only=True)

    def show_notification(self, record_id: str) -> NotificationRecordInfo:
        """One record; its `.content` is the parsed content JSON."""
        with self._reading_events("csms:event:list", "showNotificationRecord", {"record_id": record_id}) as s:
            r = s.get(NotificationRecord, record_id) if isinstance(record_id, str) else None
            if r is None or r.domain_id != self.ctx.principal.domain_id:
                raise DewError("CSMS.0005", f"notification record {record_id!r} does not exist", 400)
            return record_info(r)

    def mark_read(self, record_ids: Iterable[str]) -> int:
        """Mark these records read; returns how many changed. Unknown ids are ignored."""
        if isinstance(record_ids, str):
            record_ids = [record_ids]
        ids = [i for i in record_ids if isinstance(i, str)] \
            if isinstance(record_ids, (list, tuple, set, frozenset)) else None
        with self._call("markNotificationsRead", "csms", request={"record_ids": (ids or [])[:50],
                                                                   "count": len(ids or [])}) as call:
            call.authorize("csms:event:list")
            if ids is None:
                raise DewError("CSMS.0002", "record_ids must be a list of record ids", 400)
            return self._set_read(call, ids)

    def mark_all_read(self) -> int:
        with self._call("markNotificationsRead", "csms", request={"all": True}) as call:
            call.authorize("csms:event:list")
            return self._set_read(call, None)

    def _set_read(self, call: Any, ids: list[str] | None) -> int:
        stmt = update(NotificationRecord).where(
            col(NotificationRecord.domain_id) == call.principal.domain_id,
            col(NotificationRecord.read) == False).values(read=True)  # noqa: E712
        if ids is None:
            n = int(call.s.exec(stmt).rowcount or 0)
        else:  # in chunks: a database takes a bounded number of bound parameters
            n = sum(int(call.s.exec(stmt.where(col(NotificationRecord.record_id).in_(ids[i:i + 500])))
                        .rowcount or 0) for i in range(0, len(ids), 500))
        call.response = {"marked": n}
        return n
