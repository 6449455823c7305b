"""Display helpers of the Events, Notifications and Audit areas (no Textual widgets here).

Times are shown in UTC from the engine's clock (snapshots stay stable); JSON is rendered
with Rich, and text that is not JSON is shown as plain text rather than failing.
"""
from __future__ import annotations

import json
from datetime import datetime

from rich.json import JSON
from rich.markup import escape
from rich.text import Text

from engine.catalog import EVENT_TYPES_BY_NAME

RATING_STYLE = {"normal": "green", "warning": "yellow", "incident": "bold red"}
LEVEL_STYLE = {"normal": "green", "warning": "yellow"}


def seconds(t: datetime | None) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S") if t else "—"


def short_time(t: datetime | None) -> str:
    """Month-day and time: the audit list spans the retention window (days, not years)."""
    return t.strftime("%m-%d %H:%M:%S") if t else "—"


def type_label(event_type: str) -> str:
    t = EVENT_TYPES_BY_NAME.get(event_type)
    return t.label if t else event_type


def styled(value: str, styles: dict[str, str], bold: bool = False) -> str:
    """A table cell as markup (Rich `Text` cells render one column off in a DataTable)."""
    style = " ".join(s for s in (styles.get(value, ""), "bold" if bold else "") if s)
    return f"[{style}]{escape(value)}[/]" if style else escape(value)


def json_renderable(value) -> JSON | Text:
    """Pretty JSON of a dict, a list or a JSON string; anything else as plain text."""
    try:
        text = value if isinstance(value, str) else json.dumps(value, default=str)
        rendered = JSON(text, indent=2, sort_keys=isinstance(value, str))  # dicts keep the cloud's order
    except (ValueError, TypeError):
        return Text(str(value))
    rendered.text.no_wrap = False  # long ids fold inside a narrow pane instead of being cut
    rendered.text.overflow = "fold"
    return rendered


def level_markup(level: str) -> str:
    """"● Normal" in green, "● Warning" in yellow (the guide's level column)."""
    style = LEVEL_STYLE.get(level, "")
    text = level.capitalize()
    return f"[{style}]● {text}[/]" if style else text
