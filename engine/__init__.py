"""dewtui's headless engine: KMS, secrets, events, audit and IAM behind one `Engine`.

Public surface: `Engine`, the errors, the clock and randomness sources, and result types.
This package never imports `textual` or `dewtui`.
"""
from engine.clock import FrozenClock, SystemClock
from engine.config import Settings
from engine.errors import CsmsError, DewError, KmsError
from engine.facade import Engine
from engine.kms.states import KeyState
from engine.rand import SeededRng, SystemRng

__all__ = ["Engine", "DewError", "KmsError", "CsmsError", "FrozenClock", "SystemClock",
           "SeededRng", "SystemRng", "Settings", "KeyState"]
