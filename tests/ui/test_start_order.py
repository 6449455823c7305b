"""What the TUI does before its first frame and what waits: the keys' first page is drawn before
the first-start passphrase offer is built over it, and the scheduler's modules load only when
the scheduler starts."""
from __future__ import annotations

import subprocess
import sys

from dewtui.keys.table import KeyTable
from dewtui.shell.rootkey_dialogs import FirstStartDialog
from ui.helpers import SIZE, make_app, settle


def rows_drawn_when_offered(app) -> list[int]:
    """The keys table's rows at each push of the first-start offer, recorded in the app."""
    seen: list[int] = []
    push = app.push_screen

    def recording(screen, *args, **kwargs):
        if isinstance(screen, FirstStartDialog):  # -1: no keys table on screen yet
            tables = [t for s in app.screen_stack for t in s.query(KeyTable)]
            seen.append(tables[0].row_count if tables and tables[0].is_mounted else -1)
        return push(screen, *args, **kwargs)

    app.push_screen = recording
    return seen


async def test_first_start_offer_opens_over_the_drawn_first_page(eng):
    eng.kms.create_key("first-start-key")
    app = make_app(eng, offer_passphrase=True)
    seen = rows_drawn_when_offered(app)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, FirstStartDialog)
    assert seen == [1]


async def test_first_start_offer_opens_over_an_empty_list(eng):
    app = make_app(eng, offer_passphrase=True)
    seen = rows_drawn_when_offered(app)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, FirstStartDialog)
    assert seen == [0]


def test_the_app_module_does_not_load_the_scheduler():
    probe = "import sys, dewtui.shell.app; print('apscheduler' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
