"""Display formatting shared by screens (dates, states, spec/usage): no Textual here."""
from __future__ import annotations

from datetime import datetime

USAGE_SHORT = {"ENCRYPT_DECRYPT": "encrypt", "SIGN_VERIFY": "sign", "GENERATE_VERIFY_MAC": "mac"}
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
