"""UI fixtures: the app on the test engine, engines holding the sample accounts, a fixed HOME,
and no timed effects on screen: no blinking cursor (a snapshot taken while the cursor is off
would differ) and no 0.2 s pressed look on buttons (a second click within it is ignored)."""
from __future__ import annotations

import pytest
from textual.css.stylesheet import Stylesheet
from textual.widgets import Button, Input, TextArea

from ui.helpers import (idle_waits_follow_the_app, make_app, press_returns_once_keys_are_taken,
                        track_waiting_pumps)
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
def _idle_waits_follow_the_app(monkeypatch):
    """Pilot's waits for the app to go idle end when it has, with no dead time
    (helpers.idle_waits_follow_the_app)."""
    idle_waits_follow_the_app(monkeypatch)


@pytest.fixture(autouse=True)
def _waiting_pumps_tracked(monkeypatch):
    """settle() sees which message pumps are handling a message (helpers.track_waiting_pumps)."""
    track_waiting_pumps(monkeypatch)


@pytest.fixture(autouse=True)
def _typed_keys_taken(monkeypatch):
    """A test's next step comes after the app took every key it typed (see helpers)."""
    press_returns_once_keys_are_taken(monkeypatch)


_PARSED_CSS: dict = {}  # (source, where from, ..., the variables) -> its rules, for this process


@pytest.fixture(autouse=True)
def _css_parsed_once(monkeypatch):
    """Each test's app parses the same style sheets with the same variables: the rules parsed
    for the first app serve every later one (Textual keeps them per app, and reuses them the
    same way within one)."""
    real_parse_rules = Stylesheet._parse_rules

    def parse_rules(self, css, read_from, is_default_rules=False, tie_breaker=0, scope=""):
        key = (css, read_from, is_default_rules, tie_breaker, scope, frozenset(self._variables.items()))
        try:
            return _PARSED_CSS[key]
        except KeyError:
            rules = _PARSED_CSS[key] = real_parse_rules(self, css, read_from, is_default_rules, tie_breaker, scope)
            return rules

    monkeypatch.setattr(Stylesheet, "_parse_rules", parse_rules)


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
