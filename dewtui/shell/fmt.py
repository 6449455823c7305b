"""Display formatting shared by screens (dates, states, spec/usage, table cells, JSON).

No Textual here. Times are shown in UTC from the engine's clock (snapshots stay stable); JSON
is rendered with Rich, and text that is not JSON is shown as plain text rather than failing.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone

from rich.json import JSON
from rich.markup import escape
from rich.text import Text

USAGE_SHORT = {"ENCRYPT_DECRYPT": "encrypt", "SIGN_VERIFY": "sign", "GENERATE_VERIFY_MAC": "mac"}
TIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d")  # what a person types for a time (UTC)
STATE_STYLE = {"2": "green", "3": "yellow", "4": "red", "5": "cyan"}


def when(t: datetime | None) -> str:
    """UTC time to the minute: the clock is the engine's, so snapshots stay stable."""
    return t.strftime("%Y-%m-%d %H:%M") if t else "—"


def clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def spec_usage(spec: str, usage: str) -> str:
    return f"{spec} · {USAGE_SHORT.get(usage, usage)}"


def state_markup(state: object, label: str) -> str:
    style = STATE_STYLE.get(str(state), "")
    return f"[{style}]{label}[/]" if style else label


def count(n: int) -> str:
    return f"{n:,}"


def parse_utc(text: str) -> datetime | None:
    """A typed UTC time (`YYYY-MM-DD HH:MM` or `YYYY-MM-DD`), None for empty text;
    ValueError naming the format when the text is not a time."""
    text = text.strip()
    if not text:
        return None
    for fmt in TIME_FORMATS:
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=timezone.utc)
        except ValueError:
            continue
    raise ValueError("not a time: use YYYY-MM-DD HH:MM (UTC)")


def seconds(t: datetime | None) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S") if t else "—"


def short_time(t: datetime | None) -> str:
    """Month-day and time: the audit list spans the retention window (days, not years)."""
    return t.strftime("%m-%d %H:%M:%S") if t else "—"


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
