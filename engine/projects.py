"""Enterprise projects: `default` always exists; others are created by name."""
from __future__ import annotations

from sqlmodel import Session, select

from engine.errors import DewError
from engine.models.core import EnterpriseProject

DEFAULT_PROJECT = "default"


def project_exists(s: Session, domain_id: str, name: str) -> bool:
    if name == DEFAULT_PROJECT:
        return True
    return s.exec(select(EnterpriseProject).where(EnterpriseProject.domain_id == domain_id,
                                                  EnterpriseProject.name == name)).first() is not None


def require_project(s: Session, domain_id: str, name: object, family: str = "KMS") -> str:
    if not isinstance(name, str) or not name:
        raise DewError(f"{family}.0308" if family == "KMS" else "CSMS.0002",
                       "enterprise project id must be a non-empty string", 400)
    if not project_exists(s, domain_id, name):
        raise DewError(f"{family}.0308" if family == "KMS" else "CSMS.0002",
                       f"enterprise project {name!r} does not exist", 400)
    return name


def list_projects(s: Session, domain_id: str) -> list[str]:
    rows = s.exec(select(EnterpriseProject.name).where(EnterpriseProject.domain_id == domain_id)
                  .order_by(EnterpriseProject.name)).all()
    return [DEFAULT_PROJECT] + [r for r in rows if r != DEFAULT_PROJECT]
