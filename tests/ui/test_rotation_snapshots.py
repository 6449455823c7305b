"""SVG snapshots of the Rotation policy tab (enabled, rotated once; a disabled key) and the
rotate-now confirmation."""
from __future__ import annotations

from datetime import timedelta

import pytest

from ui.helpers import snap
from ui.pilot_steps import click, open_tab


@pytest.fixture
def data_eng(keys_and_users_eng, clock):
    eng = keys_and_users_eng
    orders = eng.sample_keys["orders"].key_id
    eng.kms.update_key_rotation_interval(orders, 90)
    eng.kms.enable_key_rotation(orders)
    clock.advance(timedelta(days=3))
    eng.kms.rotate_key(orders)
    return eng


def test_rotation_tab(snap_compare, data_eng):
    assert snap(snap_compare, data_eng, open_tab("app/orders", "rotation"))


def test_rotation_tab_disabled_key(snap_compare, data_eng):
    assert snap(snap_compare, data_eng, open_tab("legacy-key", "rotation"))


def test_rotate_confirm_dialog(snap_compare, data_eng):
    assert snap(snap_compare, data_eng, open_tab("app/orders", "rotation"), click("#rotate-now"))
