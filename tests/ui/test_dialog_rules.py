"""The rule every dialog keeps: enter submits (or goes to the next step), escape cancels,
cancelling after typing asks first; a dialog the engine refuses stays open with the code and
message beside the field and everything typed kept. The secret wizard opens at once and
fills its choices from a worker."""
from __future__ import annotations

from textual.widgets import Input, Label, Select, Static, TextArea

from dewtui.events.topic_dialog import TopicDialog
from dewtui.secrets.create_wizard import CreateSecretWizard
from dewtui.secrets.delete_dialog import DeleteSecretDialog
from dewtui.secrets.version_dialog import AddVersionDialog
from dewtui.widgets.form import REFUSAL_CLASS, DiscardDialog
from ui.helpers import SIZE, Gate, make_app, settle, toasts
from ui.pilot_steps import goto_secrets, secrets_cursor_to


def refusals(screen) -> list[str]:
    return [str(s.render()) for s in screen.query(f".{REFUSAL_CLASS}")]


async def open_versions(pilot, name: str) -> None:
    await goto_secrets(pilot)
    secrets_cursor_to(pilot, name)
    await pilot.press("enter")
    await settle(pilot)
    pilot.app.screen.action_show_tab("versions")
    await settle(pilot)
    pilot.app.screen.query_one("#versions-table").focus()


async def test_add_version_expired_stays_open_with_the_refusal_and_the_value(events_eng):
    csms = events_eng.csms
    before = len(csms.list_secret_versions("api-token"))
    app = make_app(events_eng)
    async with app.run_test(size=SIZE) as pilot:
        await open_versions(pilot, "api-token")
        await pilot.press("a")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, AddVersionDialog)
        await pilot.press(*"new-value")
        dialog.query_one("#version-expiry", Input).focus()
        await pilot.press(*"2020-01-01 00:00", "enter")  # enter in a field submits
        await settle(pilot)
        assert app.screen is dialog  # still open
        [note] = refusals(dialog)
        assert note.startswith("CSMS.") and "expire_time must be in the future" in note
        assert dialog.query_one("#version-value #value-text", TextArea).text == "new-value"
        assert dialog.query_one("#version-expiry", Input).has_class("-invalid")
        assert len(csms.list_secret_versions("api-token")) == before
        # the next try goes through and closes the dialog
        dialog.query_one("#version-expiry", Input).value = ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, AddVersionDialog)
        assert len(csms.list_secret_versions("api-token")) == before + 1
        assert any(t.startswith("Added version") for t in toasts(app))


async def test_wizard_tab_tab_enter_never_discards(events_eng):
    app = make_app(events_eng)
    async with app.run_test(size=SIZE) as pilot:
        await goto_secrets(pilot)
        await pilot.press("n")
        await settle(pilot)
        wizard = app.screen
        assert isinstance(wizard, CreateSecretWizard)
        await pilot.press(*"payments-db")
        for _ in range(6):  # tab around to Cancel, wherever it is, and press enter there
            await pilot.press("tab")
            if app.focused is not None and app.focused.id == "cancel":
                break
        assert app.focused.id == "cancel"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DiscardDialog)
        await pilot.press("enter")  # Keep editing is focused
        await settle(pilot)
        assert app.screen is wizard
        assert wizard.query_one("#secret-name", Input).value == "payments-db"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DiscardDialog)
        await pilot.press("escape")  # escape keeps editing too
        await settle(pilot)
        assert app.screen is wizard


async def test_wizard_enter_goes_through_the_steps_and_a_taken_name_comes_back_to_step_one(events_eng):
    app = make_app(events_eng)
    async with app.run_test(size=SIZE) as pilot:
        await goto_secrets(pilot)
        await pilot.press("n")
        await settle(pilot)
        wizard = app.screen
        await pilot.press(*"api-token", "enter")
        await settle(pilot)
        assert wizard.step == 1
        await pilot.press(*"the-value")
        wizard.query_one("#secret-tags .kv-key", Input).focus()
        wizard.step = 2
        wizard._show()
        await pilot.press("enter")  # an empty tag row: on to rotation
        await settle(pilot)
        assert wizard.step == 3
        await pilot.press("ctrl+n", "ctrl+s")  # confirm, then create
        await settle(pilot)
        assert app.screen is wizard and wizard.step == 0
        [note] = refusals(wizard)
        assert note.startswith("CSMS.") and "api-token already exists" in note
        assert wizard.query_one("#secret-name", Input).value == "api-token"
        assert wizard.query_one("#value-text", TextArea).text == "the-value"
        assert app.focused is wizard.query_one("#secret-name", Input)
        assert [s.name for s in events_eng.csms.list_secrets().secrets].count("api-token") == 1


async def test_topic_dialog_refused_name_stays_then_discard_asks(events_eng):
    app = make_app(events_eng)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, TopicDialog)
        await pilot.press(*"ops-inbox", "enter")
        await settle(pilot)
        assert app.screen is dialog
        [note] = refusals(dialog)
        assert note.startswith("CSMS.") and "already exists" in note
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DiscardDialog)
        await pilot.press("tab", "enter")  # Discard
        await settle(pilot)
        assert not isinstance(app.screen, (TopicDialog, DiscardDialog))


async def test_escape_without_typing_closes_at_once(events_eng):
    app = make_app(events_eng)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3", "t")
        await settle(pilot)
        assert isinstance(app.screen, TopicDialog)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, (TopicDialog, DiscardDialog))


async def test_delete_dialog_enter_without_the_name_says_why(events_eng):
    app = make_app(events_eng)
    async with app.run_test(size=SIZE) as pilot:
        await goto_secrets(pilot)
        secrets_cursor_to(pilot, "api-token")
        await pilot.press("x")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, DeleteSecretDialog)
        await pilot.press(*"api", "enter")
        await settle(pilot)
        assert app.screen is dialog
        assert "Type the name api-token exactly" in str(dialog.query_one("#delete-error", Label).render())
        await pilot.press(*"-token", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, DeleteSecretDialog)
        assert events_eng.csms.show_secret("api-token").state == "PENDING_DELETE"


async def test_wizard_shows_at_once_and_fills_its_choices_from_a_worker(events_eng, monkeypatch):
    release = Gate()
    real = events_eng.kms.list_enterprise_projects

    def slow_projects(*a, **kw):
        release.wait()
        return real(*a, **kw)

    app = make_app(events_eng)
    async with app.run_test(size=SIZE) as pilot:
        await goto_secrets(pilot)  # the keys area's own project list loads at full speed
        monkeypatch.setattr(type(events_eng.kms), "list_enterprise_projects",
                            lambda self, *a, **kw: slow_projects(*a, **kw))
        await pilot.press("n")
        for _ in range(5):
            await pilot.pause()
        wizard = app.screen
        assert isinstance(wizard, CreateSecretWizard)  # open while the choices still load
        assert wizard.query_one("#secret-project", Select).loading
        await pilot.press(*"quick")  # typing works meanwhile
        release.open()
        await settle(pilot)
        assert not wizard.query_one("#secret-project", Select).loading
        assert not wizard.loading_choices
        assert wizard.query_one("#secret-name", Input).value == "quick"
        assert str(wizard.query_one("#wizard-title", Static).render()).startswith("Create secret")


async def test_audit_area_shows_at_once_loading_then_fills(events_eng, monkeypatch):
    from dewtui.audit.screen import AuditScreen
    from dewtui.widgets.paged_table import PagedTable
    release = Gate()
    real = events_eng.audit.list_traces

    def slow(*a, **kw):
        release.wait()
        return real(*a, **kw)

    monkeypatch.setattr(events_eng.audit, "list_traces", slow)
    app = make_app(events_eng)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("5")
        for _ in range(5):
            await pilot.pause()
        assert isinstance(app.screen, AuditScreen)
        table, pane = app.screen.query_one(PagedTable), app.screen.query_one("#audit-detail")
        assert pane.loading and not table.row_count
        assert "loading the trail" in str(app.screen.query_one("#audit-status", Static).render())
        release.open()
        await settle(pilot)
        assert not pane.loading and table.row_count
