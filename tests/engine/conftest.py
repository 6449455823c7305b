"""Engine-test fixtures shared by more than one module (the engine itself: tests/conftest.py)."""
from __future__ import annotations

import pytest

from policies import allow


@pytest.fixture
def partner(eng):
    """Account `partner`: `padmin`, its only administrator, and `mallory` there holding
    `iam:*`. → the engine acting as mallory."""
    eng.iam.create_user("padmin", domain="partner", admin=True)
    padmin = eng.as_user("padmin")
    padmin.iam.create_policy("iam-all", allow(["iam:*:*"]))
    padmin.iam.create_user("mallory")
    padmin.iam.attach_policy("mallory", "iam-all")
    return eng.as_user("mallory")
