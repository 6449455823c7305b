"""Which values of an operation's response are secrets, and hiding them: the CLI prints them
as `***` unless `--show-secret`, the palette's result dialog until "Show secrets".
(No Click, no Textual: both interfaces import it.)"""
from __future__ import annotations

from typing import Any

HIDDEN = "***"
# response fields that carry a secret value (plaintexts, data keys, secret values, random bytes)
SECRET_KEYS = frozenset({"plain_text", "plain_text_base64", "datakey", "data_key", "secret_string",
                         "secret_binary", "random_data", "secret", "private_key", "key_material"})


def hide_secrets(value: Any, show: bool = False) -> tuple[Any, bool]:
    """`value` with every secret field replaced by `***` (unless `show`), and whether any was."""
    if show:
        return value, False
    hidden = False

    def walk(v: Any) -> Any:
        nonlocal hidden
        if isinstance(v, dict):
            out = {}
            for k, x in v.items():
                if k in SECRET_KEYS and x not in (None, ""):
                    out[k] = HIDDEN
                    hidden = True
                else:
                    out[k] = walk(x)
            return out
        if isinstance(v, list):
            return [walk(x) for x in v]
        return v

    return walk(value), hidden
