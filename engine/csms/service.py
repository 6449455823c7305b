"""`eng.csms` (filled in by the secrets issue)."""
from engine.service import Service


class CsmsService(Service):
    family = "CSMS"
