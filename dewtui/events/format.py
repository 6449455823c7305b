"""Display helpers of the Events and Notifications areas: event type labels and levels."""
from __future__ import annotations

from engine.catalog import EVENT_TYPES_BY_NAME

LEVEL_STYLE = {"normal": "green", "warning": "yellow"}


def type_label(event_type: str) -> str:
    t = EVENT_TYPES_BY_NAME.get(event_type)
    return t.label if t else event_type


def level_markup(level: str) -> str:
    """"● Normal" in green, "● Warning" in yellow (the guide's level column)."""
    style = LEVEL_STYLE.get(level, "")
    text = level.capitalize()
    return f"[{style}]● {text}[/]" if style else text
