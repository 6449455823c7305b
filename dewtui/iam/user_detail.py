"""A user's screen: its groups, its own policies (attach/detach) and its access keys.

The user is read again (`iam.show_user`) after every change, so each tab shows what the
engine holds. A user deleted meanwhile closes the screen.
"""
from __future__ import annotations

from rich.markup import escape

from dewtui.iam.access_keys_tab import AccessKeysPane
from dewtui.iam.names_pane import FocusTabTable, NamesPane, names_bindings
from dewtui.shell.fmt import when
from dewtui.widgets.detail import DetailScreen, DetailTab
from engine import DewError


class UserGroupsPane(NamesPane):
    COLUMN = "Group"
    ADD_LABEL, REMOVE_LABEL = "Add to group", "Leave group"
    BINDINGS = names_bindings("Add to group", "Leave group")
    PICK_TITLE = "Add to group"
    PICK_EXPLAIN = "The user gets the group's policies besides its own."
    NONE_TEXT = "In no group."
    COUNT_NOUN = "groups"

    def linked(self, user):
        return user.groups

    def fetch_choices(self):
        return [g.name for g in self.engine.iam.list_groups()]

    def add(self, name):
        self.engine.iam.add_user_to_group(self.item.name, name)

    def remove(self, name):
        self.engine.iam.remove_user_from_group(self.item.name, name)

    def done_text(self, name, added):
        return f"{self.item.name} {'added to' if added else 'removed from'} group {name}"


class UserPoliciesPane(NamesPane):
    COLUMN = "Policy (attached to the user)"
    ADD_LABEL, REMOVE_LABEL = "Attach", "Detach"
    BINDINGS = names_bindings("Attach policy", "Detach policy")
    PICK_TITLE = "Attach policy"
    PICK_EXPLAIN = "System policies and this account's custom ones. Deny in any policy wins."
    NONE_TEXT = "No policy of its own (its groups' policies still apply)."
    COUNT_NOUN = "policies"

    def linked(self, user):
        return user.policies

    def fetch_choices(self):
        return [p.name for p in self.engine.iam.list_policies()]

    def add(self, name):
        self.engine.iam.attach_policy(self.item.name, name)

    def remove(self, name):
        self.engine.iam.detach_policy(self.item.name, name)

    def done_text(self, name, added):
        return f"Policy {name} {'attached to' if added else 'detached from'} {self.item.name}"


USER_TABS: tuple[DetailTab, ...] = (
    DetailTab("groups", "Groups", UserGroupsPane),
    DetailTab("policies", "Policies", UserPoliciesPane),
    DetailTab("access-keys", "Access keys", AccessKeysPane),
)


def user_title(user) -> str:
    role = "[green]administrator[/]" if user.is_admin else "user"
    return (f"[b]{escape(user.name)}[/]  {role}  [dim]account {escape(user.domain_name)} · "
            f"created {when(user.created)} · {user.user_id}[/]")


class UserDetailScreen(FocusTabTable, DetailScreen):
    TABS = USER_TABS
    NOUN = "user"
    TITLE_ID = "user-title"
    TABS_ID = "user-tabs"
    TAB_PREFIX = "utab-"

    def title_markup(self, user) -> str:
        return user_title(user)

    def reload_item(self) -> None:
        iam, name = self.engine.iam, self.item.name
        self.call_engine(lambda: iam.show_user(name), label="show user", done=self.show_item,
                         failed=self._gone, group="user-detail", exclusive=True)

    def _gone(self, err: DewError) -> None:
        if err.code == "IAM.0404" and self.app.screen is self:
            self.app.pop_screen()
