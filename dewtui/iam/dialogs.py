"""Small dialogs of the IAM area: name a new user or group, pick one name from a list (a
group to join, a policy to attach, a user to add), describe a new access key.

Each returns a typed request (or the chosen name) through `dismiss()`; the screen or tab
that opened it calls the engine, and the engine's refusal is the usual toast.
"""
from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from dewtui.iam.requests import AccessKeyRequest, NameRequest
from dewtui.widgets.form import FormDialog
from engine.catalog import IAM_NAME_RE


class NameDialog(FormDialog[NameRequest]):
    """Create a user (with an "administrator" box) or a group: one name."""

    def __init__(self, what: str, explain: str, admin_box: bool = False) -> None:
        super().__init__()
        self.what, self.explain, self.admin_box = what, explain, admin_box

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog iam-dialog", id="name-dialog"):
            yield Label(f"Create {self.what}", classes="dialog-title")
            yield Label(self.explain, classes="explain")
            with Horizontal(classes="field"):
                yield Label("Name", classes="field-label")
                yield Input(placeholder="1-64: letters, digits, _ -", id="iam-name")
            if self.admin_box:
                with Horizontal(classes="field"):
                    yield Label("Role", classes="field-label")
                    yield Checkbox("administrator of the account", id="iam-admin")
            yield Static("", id="errors", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Create", variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#iam-name", Input).focus()

    def request(self) -> NameRequest | None:
        name = self.query_one("#iam-name", Input).value.strip()
        ok = bool(IAM_NAME_RE.fullmatch(name))
        self.query_one("#iam-name", Input).set_class(not ok, "-invalid")
        self.query_one("#errors", Static).update("" if ok else f"• {self.what} name: 1-64 of letters, digits, _ -")
        if not ok:
            return None
        admin = bool(self.admin_box and self.query_one("#iam-admin", Checkbox).value)
        return NameRequest(name, admin)


class PickDialog(FormDialog[str]):
    """Choose one of `names` (enter or OK); returns the name."""

    def __init__(self, title: str, explain: str, names: list[str], ok: str = "OK") -> None:
        super().__init__()
        self.title_text, self.explain, self.names, self.ok = title, explain, names, ok

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog iam-dialog", id="pick-dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Label(self.explain, classes="explain")
            if self.names:
                yield OptionList(*[Option(escape(n), id=n) for n in self.names], id="pick-list")
            else:
                yield Label("Nothing left to choose.", classes="note")
            with Horizontal(classes="buttons"):
                yield Button(self.ok, variant="primary", id="ok", disabled=not self.names)
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        if self.names:
            self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(str(event.option.id))

    def request(self) -> str | None:
        if not self.names:
            return None
        options = self.query_one(OptionList)
        if options.highlighted is None:
            return None
        return str(options.get_option_at_index(options.highlighted).id)


class AccessKeyDialog(FormDialog[AccessKeyRequest]):
    """Create an access key for `user`: an optional description."""

    def __init__(self, user: str) -> None:
        super().__init__()
        self.user = user

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog iam-dialog", id="access-key-dialog"):
            yield Label(f"Create access key for {escape(self.user)}", classes="dialog-title")
            yield Label("A program signs its SDK requests with the access key (AK) and its secret "
                        "(SK). The secret is shown once, right after creation.", classes="explain")
            with Horizontal(classes="field"):
                yield Label("Description", classes="field-label")
                yield Input(placeholder="optional, e.g. the app that uses it", id="ak-description")
            yield Static("", id="errors", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Create", variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#ak-description", Input).focus()

    def request(self) -> AccessKeyRequest | None:
        text = self.query_one("#ak-description", Input).value
        if len(text) > 255:
            self.query_one("#errors", Static).update("• description: at most 255 characters")
            return None
        return AccessKeyRequest(text.strip())
