"""UI fixtures: the app on the test engine, engines holding the sample accounts, a fixed HOME,
and no timed effects on screen: no blinking cursor (a snapshot taken while the cursor is off
would differ) and no 0.2 s pressed look on buttons (a second click within it is ignored)."""
from __future__ import annotations

import pytest
from textual.widgets import Button, Input, TextArea

from ui.helpers import make_app
from ui.sample_data import fixed_ec_material, populate_events, populate_keys, populate_users


@pytest.fixture(autouse=True)
def _no_cursor_blink(monkeypatch):
    """Text fields keep their cursor shown: what is on screen no longer depends on when."""
    for widget in (Input, TextArea):
        monkeypatch.setattr(widget.cursor_blink, "_default", False)


@pytest.fixture(autouse=True)
def _no_button_press_effect(monkeypatch):
    """Buttons take a click at once, however soon after the last one, and never show pressed."""
    real_init = Button.__init__

    def init(self, *args, **kwargs):
        real_init(self, *args, **kwargs)
        self.active_effect_duration = 0

    monkeypatch.setattr(Button, "__init__", init)


@pytest.fixture(autouse=True)
def _short_idle_polls(monkeypatch):
    # Pilot.press waits for the app to go idle after every key by sleeping in 20 ms slices
    # (textual._wait); 2 ms slices find the same idle moments without the dead time. The
    # tests' own settle() still waits for every worker and message before asserting.
    monkeypatch.setattr("textual._wait.SLEEP_GRANULARITY", 0.002)
    monkeypatch.setattr("textual._wait.SLEEP_IDLE", 0.001)


@pytest.fixture
def app(eng):
    return make_app(eng)


@pytest.fixture
def home_env(tmp_path, monkeypatch):
    """HOME at a fixed-name folder of the test's tmp dir: paths show as `~/...`."""
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    return home


@pytest.fixture
def keys_eng(eng, monkeypatch):
    """The sample keys (EC material fixed); `eng.sample_keys` holds their descriptions by
    short name."""
    monkeypatch.setattr("engine.kms.lifecycle.generate_material", fixed_ec_material)
    eng.sample_keys = populate_keys(eng)
    return eng


@pytest.fixture
def keys_and_users_eng(home_env, keys_eng):
    """The sample keys, users bob and carol, and HOME at a fixed-name folder."""
    populate_users(keys_eng)
    return keys_eng


@pytest.fixture
def events_eng(eng, clock):
    """The sample topics, events, subscribed secrets, notifications and audit trail."""
    populate_events(eng, clock)
    return eng
