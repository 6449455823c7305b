"""How every test expects a refusal: the call raises a DewError with this code."""
from __future__ import annotations

from typing import Any, Callable

import pytest

from engine import DewError


def refused(code: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> DewError:
    """Call `fn`; it must refuse with `code`. → the error (for its message)."""
    with pytest.raises(DewError) as ei:
        fn(*args, **kwargs)
    assert ei.value.code == code, ei.value
    return ei.value


def code_of(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> str:
    """Call `fn`; it must refuse. → the refusal's code."""
    with pytest.raises(DewError) as ei:
        fn(*args, **kwargs)
    return ei.value.code
