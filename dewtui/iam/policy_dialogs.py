"""View a policy's document; create a custom policy in a JSON editor.

The editor is a Textual `TextArea` with `language="json"` (highlighted when Textual's
syntax extra is installed, plain text otherwise), a name, and the guide's example policies
as templates. The engine is the one validator: the policies tab opens the editor
`checked_by` `iam.create_policy` (the forms' shared rule); on a refusal the dialog stays
open, keeps the text, and shows the code and the message — which names the bad field
("statement 0: Effect must be Allow or Deny") — under the editor, or beside the name.
Enter in the name field saves, as does ctrl+s anywhere; enter in the editor is a new line
(tab moves on: indent with spaces); esc cancels, asking first when something was typed.
"""
from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from dewtui.iam.requests import PolicyRequest
from dewtui.iam.templates import POLICY_TEMPLATES, document_text, template_text
from dewtui.widgets.form import FormDialog

EMPTY_POLICY = '{\n  "Version": "1.1",\n  "Statement": [\n    {\n      "Effect": "Allow",\n      "Action": []\n    }\n  ]\n}'


class PolicyViewDialog(ModalScreen[None]):
    BINDINGS = [Binding("escape", "close", "Close")]

    def __init__(self, policy) -> None:
        super().__init__()
        self.policy = policy

    def compose(self) -> ComposeResult:
        kind = "system policy (read-only)" if self.policy.system else "custom policy of this account"
        with Vertical(classes="dialog iam-dialog", id="policy-view"):
            yield Label(f"Policy {escape(self.policy.name)}", classes="dialog-title")
            yield Label(f"{kind} · {self.policy.policy_id}", classes="explain")
            yield TextArea(document_text(self.policy.document), language="json", read_only=True,
                           show_line_numbers=True, id="policy-document")
            with Horizontal(classes="buttons"):
                yield Button("Close", variant="primary", id="close")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)


class PolicyEditorDialog(FormDialog[PolicyRequest]):
    """Opened `checked_by` a function that creates the policy: it dismisses with the policy."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "submit", "Save")]
    REFUSAL_FIELDS = {"policy name": "policy-name", "already exists": "policy-name"}  # else under the editor

    def compose(self) -> ComposeResult:
        templates = [(title, i) for i, (title, _doc) in enumerate(POLICY_TEMPLATES)]
        with Vertical(classes="dialog iam-dialog", id="policy-editor"):
            yield Label("Create custom policy  [dim]ctrl+s saves (the engine checks it) · esc cancels[/]",
                        classes="dialog-title")
            with Horizontal(classes="field", id="policy-head"):
                yield Label("Name", classes="head-label")
                yield Input(placeholder="1-128 characters", id="policy-name")
                yield Label("Template", classes="head-label")
                yield Select(templates, prompt="guide example…", id="policy-template")
            yield TextArea(EMPTY_POLICY, language="json", show_line_numbers=True, id="policy-text")
            yield Static("", id="errors", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Save", variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#policy-name", Input).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "policy-template" and isinstance(event.value, int):
            self.query_one("#policy-text", TextArea).text = template_text(event.value)

    def request(self) -> PolicyRequest | None:
        name = self.query_one("#policy-name", Input).value
        ok = bool(name.strip())
        self.query_one("#policy-name", Input).set_class(not ok, "-invalid")
        self.query_one("#errors", Static).update("" if ok else "• policy name: 1-128 characters")
        return PolicyRequest(name, self.query_one("#policy-text", TextArea).text) if ok else None

    def show_refusal(self, err) -> None:
        """The engine's "CODE: message" (it names the bad field); the editor keeps the text. A
        permission refusal is also kept for w, once the dialog is closed."""
        from dewtui.iam.why import remember_refusal
        remember_refusal(self.app, err)
        super().show_refusal(err)
        if self.refused_field(err) is None:
            self.query_one("#policy-text", TextArea).focus()
