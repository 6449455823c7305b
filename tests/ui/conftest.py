"""UI fixtures: the app on the test engine (helpers live in `ui.helpers`)."""
from __future__ import annotations

import pytest

from ui.helpers import make_app


@pytest.fixture
def app(eng):
    return make_app(eng)
