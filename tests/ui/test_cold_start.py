"""What keeps the TUI's start short without changing what it shows: the keys' first page read
while the app starts is the page shown (asked for once, drawn in the first frame), the footer
keeps its keys while the bindings it shows stay the same, the garbage collector paused for the
start runs again once the first page is on screen."""
from __future__ import annotations

import gc
import subprocess
import sys
import threading

from textual.widgets import Input, Static
from textual.widgets._footer import FooterKey

from dewtui.__main__ import tui_only
from dewtui.keys.screen import KeysScreen, first_page_calls
from dewtui.keys.table import KeyTable
from dewtui.shell import gc_pause
from dewtui.shell.prefetch import Prefetch
from dewtui.shell.stylesheet import ReparseOnChange
from dewtui.widgets.footer import DewFooter
from engine import DewError
from ui.helpers import SIZE, make_app, record_calls, settle


def shown(app) -> tuple[list[str], str, str]:
    """The key ids in the table, the status line and the quota line."""
    screen = app.screen
    table = screen.query_one(KeyTable)
    ids = [str(table.coordinate_to_cell_key((row, 0)).row_key.value) for row in range(table.row_count)]
    return ids, str(screen.query_one("#status", Static).render()), str(screen.query_one("#quota", Static).render())


async def shown_without_read_ahead(engine) -> tuple[list[str], str, str]:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        return shown(app)


async def test_the_page_read_ahead_is_the_page_shown_and_asked_for_once(keys_eng, monkeypatch):
    expected = await shown_without_read_ahead(keys_eng)
    lists = record_calls(monkeypatch, keys_eng.kms, "list_keys")
    quotas = record_calls(monkeypatch, keys_eng.kms, "user_quotas")
    prefetch = Prefetch(first_page_calls(keys_eng, SIZE[1]))
    prefetch.wait()
    app = make_app(keys_eng, prefetch=prefetch)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert shown(app) == expected
        assert app.screen.lq.limit == app.screen.query_one(KeyTable).size.height - 1
        assert len(lists) == 1 and len(quotas) == 1  # the reads made ahead, none again


async def test_a_page_read_ahead_still_running_is_waited_for_not_asked_again(keys_eng, monkeypatch):
    expected = await shown_without_read_ahead(keys_eng)
    gate = threading.Event()
    real = keys_eng.kms.list_keys
    lists: list[dict] = []

    def slow(**kwargs):
        lists.append(kwargs)
        gate.wait(10)
        return real(**kwargs)

    monkeypatch.setattr(keys_eng.kms, "list_keys", slow)
    prefetch = Prefetch(first_page_calls(keys_eng, SIZE[1]))
    app = make_app(keys_eng, prefetch=prefetch)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        gate.set()
        await settle(pilot)
        assert shown(app) == expected
        assert len(lists) == 1


async def test_a_page_read_ahead_for_another_terminal_height_is_not_shown(keys_eng, monkeypatch):
    expected = await shown_without_read_ahead(keys_eng)
    lists = record_calls(monkeypatch, keys_eng.kms, "list_keys")
    prefetch = Prefetch(first_page_calls(keys_eng, SIZE[1] - 10))
    prefetch.wait()
    app = make_app(keys_eng, prefetch=prefetch)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert shown(app) == expected
        assert [c["limit"] for c in lists] == [SIZE[1] - 17, SIZE[1] - 7]  # read ahead, then its own


async def test_a_refused_read_ahead_is_shown_as_a_refused_list(keys_eng, monkeypatch):
    def refused(**_kwargs):
        raise DewError("KMS.0301", "no permission to list keys", 403)

    monkeypatch.setattr(keys_eng.kms, "list_keys", refused)
    prefetch = Prefetch(first_page_calls(keys_eng, SIZE[1]))
    prefetch.wait()
    app = make_app(keys_eng, prefetch=prefetch)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        ids, status, _quota = shown(app)
        assert ids == [] and status.startswith("KMS.0301: no permission to list keys")
        assert app.after_first_page is None  # what waits for the first page went on


def footer_keys(app) -> list[FooterKey]:
    return list(app.screen.query(FooterKey))


async def test_footer_keeps_its_keys_while_the_bindings_stay_the_same(keys_eng):
    app = make_app(keys_eng)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = footer_keys(app)
        for _ in range(3):  # e.g. a dialog pushed and popped: the same keys again
            app.screen.refresh_bindings()
        await settle(pilot)
        after = footer_keys(app)
        assert [k.action for k in before] == [k.action for k in after]
        assert all(a is b for a, b in zip(before, after)) and len(after) == len(before)


async def test_footer_builds_its_keys_once_while_the_keys_screen_starts(keys_eng, monkeypatch):
    builds: list[list[str]] = []  # the actions of each set of keys the footer built
    real_compose = DewFooter.compose

    def counting(self):
        widgets = list(real_compose(self))
        if widgets:
            builds.append([w.action for w in widgets if isinstance(w, FooterKey)])
        return iter(widgets)

    monkeypatch.setattr(DewFooter, "compose", counting)
    at_mount: list[int] = []  # the footer's keys when the screen is mounted, before its first frame
    real_mount = KeysScreen.on_mount

    def mounted(self):
        real_mount(self)
        at_mount.append(len(self.query_one(DewFooter).children))

    monkeypatch.setattr(KeysScreen, "on_mount", mounted)
    app = make_app(keys_eng)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.focused is app.screen.query_one(KeyTable)
        assert builds == [[k.action for k in footer_keys(app)]]  # the table's keys, built once
        assert at_mount == [len(footer_keys(app))]


async def test_footer_shows_the_keys_of_the_newly_focused_widget(keys_eng):
    app = make_app(keys_eng)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "select_cursor" in [k.action for k in footer_keys(app)]  # the table's enter: Open
        app.screen.query_one("#search", Input).focus()
        await settle(pilot)
        assert "select_cursor" not in [k.action for k in footer_keys(app)]


async def test_a_paused_collector_runs_again_once_the_first_page_is_shown(keys_eng):
    gc_pause.pause()
    try:
        assert not gc.isenabled()
        app = make_app(keys_eng)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert app.after_first_page is None  # the first page was shown
            assert gc.isenabled()
    finally:
        gc_pause.resume()
        gc.enable()
        gc.unfreeze()


def test_resume_leaves_a_collector_it_did_not_pause_as_it_is():
    gc.disable()
    try:
        gc_pause.resume()
        assert not gc.isenabled()
    finally:
        gc.enable()


def sheet_with(variables: dict[str, str], *sources: str) -> ReparseOnChange:
    sheet = ReparseOnChange(variables=variables)
    for n, css in enumerate(sources):
        sheet.add_source(css, read_from=(f"sheet{n}.tcss", ""))
    sheet.parse()
    return sheet


def colors(sheet: ReparseOnChange) -> dict[str, str]:
    return {name: rule.styles.color.hex for rule in sheet.rules for name in rule.selector_names}


def test_a_reparse_with_the_same_variables_and_sources_keeps_the_rules():
    sheet = sheet_with({"accent": "#ff0000"}, "Static { color: $accent; }")
    rules = list(sheet.rules)
    sheet.set_variables({"accent": "#ff0000"})
    sheet.reparse()
    assert all(a is b for a, b in zip(sheet.rules, rules)) and len(sheet.rules) == len(rules)


def test_other_variables_are_parsed_again():
    sheet = sheet_with({"accent": "#ff0000"}, "Static { color: $accent; }")
    sheet.set_variables({"accent": "#0000ff"})
    sheet.reparse()
    assert colors(sheet) == {"Static": "#0000FF"}


def test_a_new_source_is_parsed_at_the_reparse_beside_the_kept_rules():
    sheet = sheet_with({"accent": "#ff0000"}, "Static { color: $accent; }")
    kept = sheet.rules[0]
    sheet.add_source("Label { color: #00ff00; }", read_from=("later.tcss", ""))
    sheet.set_variables({"accent": "#ff0000"})
    sheet.reparse()
    assert sheet.rules[0] is kept and colors(sheet) == {"Static": "#FF0000", "Label": "#00FF00"}


# Loaded when first used, never by starting the TUI: the other areas, dialogs and forms (the
# text area and tree-sitter), the operations palette, the server, the CLI's commands and
# Click itself, the scheduler, the asymmetric crypto (keys are made and used in the engine's
# worker calls).
NOT_AT_START = ("tree_sitter", "textual.widgets._text_area", "dewtui.widgets.form",
                "dewtui.shell.rootkey_dialogs", "dewtui.shell.rootkey_actions",
                "dewtui.shell.operations_palette", "dewtui.secrets", "dewtui.events.screen",
                "dewtui.audit", "dewtui.iam", "dewtui.serve", "dewtui.cli.operations",
                "dewtui.cli.headless", "apscheduler", "cryptography.hazmat.primitives.asymmetric",
                "click")


def test_starting_the_tui_imports_only_what_its_first_frame_needs():
    probe = ("import sys, dewtui.__main__; from dewtui.shell.app import run_tui; "
             "from dewtui.keys.screen import first_page_calls; import dewtui.shell.prefetch; "
             f"print(sorted(m for m in sys.modules if m.startswith({NOT_AT_START!r})))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


async def test_the_project_filter_choices_are_asked_for_after_the_first_page(keys_eng, monkeypatch):
    app = make_app(keys_eng)
    real = keys_eng.kms.list_enterprise_projects
    asked: list[bool] = []  # whether the first page was shown when the projects were asked for

    def projects(*args, **kwargs):
        asked.append(app.after_first_page is None)
        return real(*args, **kwargs)

    monkeypatch.setattr(keys_eng.kms, "list_enterprise_projects", projects)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert asked == [True]
        options = [str(prompt) for prompt, _value in app.screen.query_one("#f-project")._options[1:]]
        assert options == real()


def test_only_a_bare_command_line_or_a_home_starts_the_tui_without_click(monkeypatch):
    monkeypatch.delenv("_DEWTUI_COMPLETE", raising=False)
    assert tui_only([]) == (True, None)
    assert tui_only(["--home", "/data/dew"]) == (True, "/data/dew")
    for argv in (["--home"], ["--help"], ["--home", "--help"], ["--home", "d", "kms"], ["kms"], ["--home=d"]):
        assert tui_only(argv) == (False, None), argv
    monkeypatch.setenv("_DEWTUI_COMPLETE", "bash_source")  # completion asks through Click
    assert tui_only([]) == (False, None)
