"""A field for a whole number in a range (pending days, rotation interval, password length).

Textual's `Input(type="integer")` drops every character that is not a digit without a word,
so typing 7.5 leaves 75 in the field: a different number than the user meant, and a valid
one. This field keeps what was typed as typed, and `problem()` says in words why it is not
a whole number in range; the dialog shows that next to the field and refuses to submit.
"""
from __future__ import annotations

import re

from textual.widgets import Input

WHOLE = re.compile(r"[0-9]+")


class WholeNumberInput(Input):
    """`number()` is the value when it is a whole number from `low` to `high`, else None."""

    def __init__(self, value: int | str, low: int, high: int, unit: str, **kw) -> None:
        kw.setdefault("placeholder", f"{low}-{high}")
        super().__init__(str(value), **kw)
        self.low, self.high, self.unit = low, high, unit

    def number(self) -> int | None:
        return None if self.problem() else int(self.value.strip())

    def problem(self) -> str:
        """"" when the value is fine; otherwise what is wrong, naming the range."""
        text = self.value.strip()
        wanted = f"{self.unit}, {self.low}–{self.high}"
        if not text:
            return f"enter a whole number of {wanted}"
        if not WHOLE.fullmatch(text):
            return f"{text} is not a whole number of {wanted}"
        if not self.low <= int(text) <= self.high:
            return f"{int(text)} is out of range: {wanted}"
        return ""
