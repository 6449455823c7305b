"""`eng.audit` (query, export and verification come with the audit issue)."""
from engine.service import Service


class AuditService(Service):
    family = "CTS"
