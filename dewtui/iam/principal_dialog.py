""""Act as user…" (ctrl+u): choose the principal the app acts as, or create a user.

Lists the local users (name, account, administrator or not) with the acting one marked.
Returns a `PrincipalRequest`; `dewtui.iam.switch` makes the switch.
"""
from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from dewtui.iam.requests import PrincipalRequest
from dewtui.widgets.form import FormDialog
from engine.catalog import IAM_NAME_RE


def user_line(u, acting: str) -> str:
    role = "[green]administrator[/]" if u.is_admin else "[dim]no role: needs policies or grants[/]"
    mark = "[b]▶[/] " if u.name == acting else "  "
    return f"{mark}{u.name:<16} [dim]account[/] {u.domain_name:<12} {role}"


class PrincipalDialog(FormDialog[PrincipalRequest]):
    """OK (or enter in the list) acts as the highlighted user; enter in "New user" or its
    button creates that user (or picks it, if it exists) and acts as it."""

    SUBMIT_ON_ENTER = False  # enter in the new-user field creates, it does not pick

    def __init__(self, users: list, acting: str) -> None:
        super().__init__()
        self.users, self.acting = users, acting

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="principal-switch"):
            yield Label("Act as user", classes="dialog-title")
            yield Label(f"Every call is made as the chosen user (now: {self.acting}). A user without "
                        "policies or grants is refused, and the refusal is audited.", classes="explain")
            yield OptionList(*[Option(user_line(u, self.acting), id=u.name) for u in self.users],
                             id="principal-users")
            with Horizontal(classes="field"):
                yield Label("New user", classes="field-label")
                yield Input(placeholder="name: letters, digits, _ -", id="new-user")
                yield Button("Create", id="create-user")
            yield Static("", id="errors", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Act as", variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        names = [u.name for u in self.users]
        if self.acting in names:
            options.highlighted = names.index(self.acting)
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(PrincipalRequest(str(event.option.id)))

    def _create(self) -> None:
        name = self.query_one("#new-user", Input).value.strip()
        if not IAM_NAME_RE.match(name):
            self.query_one("#errors", Static).update("• a user name is 1-64 of letters, digits, _ -")
            return
        self.dismiss(PrincipalRequest(name, create=name not in {u.name for u in self.users}))

    def request(self) -> PrincipalRequest | None:
        options = self.query_one(OptionList)
        if options.highlighted is None:
            return None
        return PrincipalRequest(str(options.get_option_at_index(options.highlighted).id))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._create()

    def on_other_button(self, button_id: str | None) -> None:
        if button_id == "create-user":
            self._create()
