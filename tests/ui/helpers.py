"""UI test helpers: an app on a test engine, and waiting for engine workers to finish."""
from __future__ import annotations

from dewtui.shell.app import DewApp

SIZE = (120, 40)
LOCATION = "~/.local/share/dewtui/dew.db"  # fixed: the real tmp path varies per run


async def settle(pilot, rounds: int = 4) -> None:
    """Wait until no engine worker runs and the messages they posted are handled."""
    app = pilot.app
    for _ in range(rounds):
        await app.workers.wait_for_complete()
        await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause(0.05)


def make_app(engine) -> DewApp:
    return DewApp(engine, location=LOCATION)



def snap(snap_compare, engine, *steps):
    """Start the app on `engine`, go through `steps` (keys to press, or async functions of
    the pilot), let the workers settle after each, and compare the screen's SVG."""
    async def run_before(pilot):
        await settle(pilot)
        for step in steps:
            if isinstance(step, str):
                await pilot.press(step)
            else:
                await step(pilot)
            await settle(pilot)
    return snap_compare(make_app(engine), terminal_size=SIZE, run_before=run_before)
