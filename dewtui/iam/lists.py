"""The IAM area's three lists: users, groups and policies (one tab each).

Users show their groups, attached policies and how many access keys they hold; enter opens
a user (groups, policies, access keys) or a group (members, policies); a policy opens its
document. `n` creates, `x` deletes after a confirmation (the engine's refusals — the user
acting, the account's last administrator, an administrator by a non-administrator — are the
usual toast). Every call is made as the acting user.
"""
from __future__ import annotations

from rich.markup import escape
from textual.binding import Binding
from textual.widgets import DataTable

from dewtui.iam.list_pane import ListPane
from dewtui.iam.requests import NameRequest
from dewtui.shell.fmt import clip
from engine import DewError


def names(values, width: int) -> str:
    return escape(clip(", ".join(values), width)) if values else "—"


def key_count(iam, user: str) -> int | None:
    """How many access keys `user` holds, or None when the acting user may not list them."""
    listing = getattr(iam, "list_access_keys", None)  # an engine without access keys: unknown
    if listing is None:
        return None
    try:
        return len(listing(user))
    except DewError:
        return None


class UsersPane(ListPane):
    COLUMNS = (("name", "User", 16), ("admin", "Admin", 5), ("groups", "Groups", 18),
               ("policies", "Policies", 22), ("keys", "Keys", 4))
    NOUN = "users"
    BINDINGS = [
        Binding("n", "create", "New user"),
        Binding("x", "delete", "Delete user", tooltip="after a confirmation"),
    ]

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.key_counts: dict[str, int | None] = {}

    def fetch(self):
        iam = self.engine.iam
        users = iam.list_users()
        self.key_counts = {u.name: key_count(iam, u.name) for u in users}
        note = f"{len(users)} users · enter: groups, policies, access keys · n: new · x: delete"
        return users, note

    def rows(self, users):
        counts = self.key_counts
        return [(u.name, (escape(clip(u.name, 16)), "[green]yes[/]" if u.is_admin else "no",
                          names(u.groups, 18), names(u.policies, 22),
                          "—" if counts.get(u.name) is None else str(counts[u.name]))) for u in users]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        user = self.current()
        if user is not None:
            from dewtui.iam.user_detail import UserDetailScreen
            self.app.push_screen(UserDetailScreen(user))

    def action_create(self) -> None:
        from dewtui.iam.dialogs import NameDialog

        def go(req: NameRequest | None) -> None:
            if req is not None:
                self.call_engine(lambda: self.engine.iam.create_user(req.name, admin=req.admin),
                                 label="create user", success=f"User {req.name} created",
                                 done=lambda u: self.reload(select=u.name))

        self.app.push_screen(NameDialog("user", "A user of this account. It can do nothing until a "
                                                "policy (its own or a group's) or a grant allows it.",
                                        admin_box=True), go)

    def action_delete(self) -> None:
        user = self.current()
        if user is None:
            return
        name = user.name
        self.confirm("Delete user", f"Delete user {name}? Its policy attachments and group memberships "
                     "go with it; grants naming it stay on their keys.", "Delete",
                     lambda: self.call_engine(lambda: self.engine.iam.delete_user(name), label="delete user",
                                              success=f"User {name} deleted", done=lambda _r: self.reload()))


class GroupsPane(ListPane):
    COLUMNS = (("name", "Group", 18), ("users", "Members", 26), ("policies", "Policies", 26))
    NOUN = "groups"
    BINDINGS = [
        Binding("n", "create", "New group"),
        Binding("x", "delete", "Delete group", tooltip="after a confirmation"),
    ]

    def fetch(self):
        groups = self.engine.iam.list_groups()
        return groups, f"{len(groups)} groups · enter: members and policies · n: new · x: delete"

    def rows(self, groups):
        return [(g.name, (escape(clip(g.name, 18)), names(g.users, 26), names(g.policies, 26)))
                for g in groups]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        group = self.current()
        if group is not None:
            from dewtui.iam.group_detail import GroupDetailScreen
            self.app.push_screen(GroupDetailScreen(group))

    def action_create(self) -> None:
        from dewtui.iam.dialogs import NameDialog

        def go(req: NameRequest | None) -> None:
            if req is not None:
                self.call_engine(lambda: self.engine.iam.create_group(req.name), label="create group",
                                 success=f"Group {req.name} created", done=lambda g: self.reload(select=g.name))

        self.app.push_screen(NameDialog("group", "Members of a group get the policies attached to it, "
                                                 "besides their own. Deny still wins."), go)

    def action_delete(self) -> None:
        group = self.current()
        if group is None:
            return
        name = group.name
        self.confirm("Delete group", f"Delete group {name}? Its {len(group.users)} members lose the "
                     "group's policies and keep their own.", "Delete",
                     lambda: self.call_engine(lambda: self.engine.iam.delete_group(name), label="delete group",
                                              success=f"Group {name} deleted", done=lambda _r: self.reload()))


def actions_summary(document: dict) -> str:
    statements = document.get("Statement") or []
    actions = [a for st in statements if isinstance(st, dict) for a in (st.get("Action") or [])]
    return ", ".join(str(a) for a in actions)


class PoliciesPane(ListPane):
    COLUMNS = (("name", "Policy", 22), ("kind", "Type", 6), ("n", "Stmts", 5), ("actions", "Actions", 36))
    NOUN = "policies"
    BINDINGS = [
        Binding("n", "create", "New policy", tooltip="a JSON editor, with the guide's examples"),
    ]

    def fetch(self):
        policies = self.engine.iam.list_policies()
        system = sum(1 for p in policies if p.system)
        return policies, (f"{system} system, {len(policies) - system} custom · enter: document · "
                          "n: new policy (JSON)")

    def rows(self, policies):
        return [(p.name, (escape(clip(p.name, 22)), "system" if p.system else "custom",
                          str(len(p.document.get("Statement") or [])),
                          escape(clip(actions_summary(p.document), 36)))) for p in policies]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        policy = self.current()
        if policy is not None:
            from dewtui.iam.policy_dialogs import PolicyViewDialog
            self.app.push_screen(PolicyViewDialog(policy))

    def action_create(self) -> None:
        from dewtui.iam.policy_dialogs import PolicyEditorDialog
        iam = self.engine.iam

        def created(policy) -> None:
            if policy is not None:
                self.app.notify(f"Policy {policy.name} created", timeout=4)
                self.reload(select=policy.name)

        dialog = PolicyEditorDialog().checked_by(lambda req: iam.create_policy(req.name, req.text),
                                                 label="create policy")
        self.app.push_screen(dialog, created)
