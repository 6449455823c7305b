"""The typed-time parser every dialog and the audit range share."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from dewtui.shell.fmt import parse_utc


def test_parse_utc_reads_minutes_and_days_in_utc():
    assert parse_utc(" 2026-03-01 09:10 ") == datetime(2026, 3, 1, 9, 10, tzinfo=timezone.utc)
    assert parse_utc("2026-03-01") == datetime(2026, 3, 1, tzinfo=timezone.utc)
    assert parse_utc("   ") is None


@pytest.mark.parametrize("text", ["next week", "2026-13-01", "2026-03-01 25:00", "01/03/2026"])
def test_parse_utc_refuses_what_is_not_a_time(text):
    with pytest.raises(ValueError, match="YYYY-MM-DD HH:MM"):
        parse_utc(text)
