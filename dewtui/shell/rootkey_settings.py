"""The TUI's own settings beside the data: `tui-settings.json` in the data directory.

Holds what the user told the TUI to remember (today: "never ask again" for the first-start
passphrase offer). Written whole (temporary file, rename) and private (0600); a missing or
unreadable file means the defaults.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

SETTINGS_FILE = "tui-settings.json"
OFFER_PASSPHRASE = "offer_root_passphrase"


def load(home: Path) -> dict:
    try:
        data = json.loads((home / SETTINGS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save(home: Path, settings: dict) -> None:
    path = home / SETTINGS_FILE
    tmp = path.with_name(SETTINGS_FILE + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(settings, fh, indent=2, sort_keys=True)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def offer_passphrase(home: Path) -> bool:
    """Whether the first-start passphrase offer may be shown (not turned off)."""
    return load(home).get(OFFER_PASSPHRASE, True) is not False


def never_offer_passphrase(home: Path) -> None:
    settings = load(home)
    settings[OFFER_PASSPHRASE] = False
    save(home, settings)
