"""`eng.events` (filled in by the events issue)."""
from engine.service import Service


class EventsService(Service):
    family = "CSMS"
