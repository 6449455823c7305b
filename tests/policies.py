"""Helpers the permission tests share: a policy document, and reading rows behind the API."""
from __future__ import annotations

from sqlalchemy import func
from sqlmodel import select

from engine.models.core import AuditTrace


def allow(actions, resources=("*",), effect="Allow") -> dict:
    """A one-statement policy document (`effect="Deny"` for a Deny)."""
    return {"Version": "1.1", "Statement": [{"Effect": effect, "Action": list(actions),
                                             "Resource": list(resources)}]}


def traces(eng, domain_id: str, name: str) -> list[AuditTrace]:
    """The traces named `name` in account `domain_id`'s trail."""
    with eng.context.db.session(write=False) as s:
        return list(s.exec(select(AuditTrace).where(AuditTrace.domain_id == domain_id,
                                                    AuditTrace.trace_name == name)).all())


def count(eng, model) -> int:
    """How many rows the table of `model` holds."""
    with eng.context.db.session(write=False) as s:
        return int(s.exec(select(func.count()).select_from(model)).one())
