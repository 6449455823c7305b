"""The IAM area (`6`): users, groups, policies and the permission simulator, one tab each.

Everything here is done as the acting user (`app.engine`): acting as a user without IAM
rights, each list says it was refused, and `w` asks the simulator why. The principal
switcher (`ctrl+u`, `dewtui.iam.switch`) is the operator's and stays where it was.
"""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, TabbedContent, TabPane

from dewtui.iam.lists import GroupsPane, PoliciesPane, UsersPane
from dewtui.iam.list_pane import ListPane
from dewtui.iam.requests import SimulationRequest
from dewtui.iam.simulator import SimulatorForm
from dewtui.widgets.screen import DewScreen

TABS = (("users", "Users"), ("groups", "Groups"), ("policies", "Policies"), ("simulator", "Simulator"))


class SimulatorPane(Vertical):
    def compose(self) -> ComposeResult:
        yield Label("The engine answers as it would decide a real call and names what decided: "
                    "a statement of the user's or a group's policy, a grant, or nothing.", classes="note")
        yield SimulatorForm(SimulationRequest(self.app.principal, "kms:cmk:list"),  # type: ignore[attr-defined]
                            id="simulator")


class IamScreen(DewScreen):
    BINDINGS = [Binding("r", "reload", "Refresh", show=False)]

    @property
    def PALETTE(self) -> list[tuple[str, str, str]]:  # noqa: N802  (read like the class attribute)
        return [(f"IAM: {title}", f"show_tab('{tab}')", "IAM area tab") for tab, title in TABS]

    def compose_body(self) -> ComposeResult:
        with TabbedContent(id="iam-tabs"):
            with TabPane("Users", id="iam-users"):
                yield UsersPane(id="users-pane")
            with TabPane("Groups", id="iam-groups"):
                yield GroupsPane(id="groups-pane")
            with TabPane("Policies", id="iam-policies"):
                yield PoliciesPane(id="policies-pane")
            with TabPane("Simulator", id="iam-simulator"):
                yield SimulatorPane(id="simulator-pane")

    def on_mount(self) -> None:
        self.simulating_as = self.app.principal  # type: ignore[attr-defined]  # the simulator's first user
        self.query_one("#users-pane DataTable").focus()

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        """The tab's list (or the simulator's first field) takes the keys, so its bindings show;
        a list is read again when its tab is shown."""
        if event.tabbed_content.id != "iam-tabs" or event.pane is None:
            return
        found = event.pane.query("DataTable, Input")
        if found:
            found.first().focus()
        self._reload_active()

    def _reload_active(self) -> None:
        """Read the shown list again (each read is audited: the hidden ones wait to be shown)."""
        pane = self.query_one(TabbedContent).active_pane
        lists = pane.query(ListPane) if pane is not None else None
        if lists and lists.first().loaded:
            lists.first().reload()

    def reload_shown(self) -> None:
        for pane in self.query(ListPane):
            pane.reload()
        user = self.query_one("#simulator #sim-user", Input)
        if user.value == self.simulating_as:  # untouched: the simulator asks about the new user
            user.value = self.simulating_as = self.app.principal  # type: ignore[attr-defined]

    def on_screen_resume(self) -> None:
        self._reload_active()

    def action_reload(self) -> None:
        self.reload_shown()

    def action_show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = f"iam-{tab}"
