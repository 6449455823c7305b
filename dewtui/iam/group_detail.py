"""A group's screen: its members (add/remove a user) and its policies (attach/detach).

There is no single-group read in the engine: the group is found again in `list_groups()`
after every change. A group deleted meanwhile closes the screen.
"""
from __future__ import annotations

from rich.markup import escape

from dewtui.iam.names_pane import FocusTabTable, NamesPane, names_bindings
from dewtui.shell.fmt import when
from dewtui.widgets.detail import DetailScreen, DetailTab
from engine import DewError


class GroupMembersPane(NamesPane):
    COLUMN = "Member"
    ADD_LABEL, REMOVE_LABEL = "Add user", "Remove user"
    BINDINGS = names_bindings("Add user", "Remove user")
    PICK_TITLE = "Add user to group"
    PICK_EXPLAIN = "Users of this account. A member gets the group's policies besides its own."
    NONE_TEXT = "No members."
    COUNT_NOUN = "members"

    def linked(self, group):
        return group.users

    def fetch_choices(self):
        return [u.name for u in self.engine.iam.list_users()]

    def add(self, name):
        self.engine.iam.add_user_to_group(name, self.item.name)

    def remove(self, name):
        self.engine.iam.remove_user_from_group(name, self.item.name)

    def done_text(self, name, added):
        return f"{name} {'added to' if added else 'removed from'} group {self.item.name}"


class GroupPoliciesPane(NamesPane):
    COLUMN = "Policy (applies to every member)"
    ADD_LABEL, REMOVE_LABEL = "Attach", "Detach"
    BINDINGS = names_bindings("Attach policy", "Detach policy")
    PICK_TITLE = "Attach policy to group"
    PICK_EXPLAIN = "System policies and this account's custom ones. Deny in any policy wins."
    NONE_TEXT = "No policy attached."
    COUNT_NOUN = "policies"

    def linked(self, group):
        return group.policies

    def fetch_choices(self):
        return [p.name for p in self.engine.iam.list_policies()]

    def add(self, name):
        self.engine.iam.attach_group_policy(self.item.name, name)

    def remove(self, name):
        self.engine.iam.detach_group_policy(self.item.name, name)

    def done_text(self, name, added):
        return f"Policy {name} {'attached to' if added else 'detached from'} group {self.item.name}"


GROUP_TABS: tuple[DetailTab, ...] = (
    DetailTab("members", "Members", GroupMembersPane),
    DetailTab("policies", "Policies", GroupPoliciesPane),
)


def group_title(group) -> str:
    return (f"[b]{escape(group.name)}[/]  group  [dim]members: {len(group.users)} · "
            f"created {when(group.created)} · {group.group_id}[/]")


class GroupDetailScreen(FocusTabTable, DetailScreen):
    TABS = GROUP_TABS
    NOUN = "group"
    TITLE_ID = "group-title"
    TABS_ID = "group-tabs"
    TAB_PREFIX = "gtab-"

    def title_markup(self, group) -> str:
        return group_title(group)

    def reload_item(self) -> None:
        iam, name = self.engine.iam, self.item.name

        def find():
            found = next((g for g in iam.list_groups() if g.name == name), None)
            if found is None:
                raise DewError("IAM.0404", f"no group named {name!r} in this account", 404)
            return found

        self.call_engine(find, label="show group", done=self.show_item, failed=self._gone,
                         group="group-detail", exclusive=True)

    def _gone(self, err: DewError) -> None:
        if err.code == "IAM.0404" and self.app.screen is self:
            self.app.pop_screen()
