"""Python's cyclic garbage collector is paused while the TUI starts.

Starting imports Textual, SQLAlchemy and the engine's models, opens the engine and builds
the first screen: some hundred thousand objects that live as long as the app, and hardly any
garbage cycles. The collector would walk them all again and again meanwhile (a tenth of the
start's CPU time), so `run_tui` pauses it before the imports and the app resumes it once the
first page is on screen (`DewApp.first_page_shown`). Resuming first moves every object alive
then out of the collector's sight for good (`gc.freeze`): the app's lifelong objects are not
walked again by each later full collection either.

Only a pause made here is resumed: tests and other callers keep the collector as they set it.
"""
from __future__ import annotations

import gc

_paused = False  # this module turned the collector off and has not turned it on again


def pause() -> None:
    """Turn the collector off until `resume()` (nothing if it is off already)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    """Turn the collector back on after `pause()`, freezing what is alive now; else nothing."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()
