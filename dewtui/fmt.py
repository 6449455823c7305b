"""Display formatting shared by screens (dates, states, spec/usage): no Textual here."""
from __future__ import annotations

from datetime import datetime, timezone

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
