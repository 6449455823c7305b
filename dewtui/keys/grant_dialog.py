"""Create-grant dialog (guide 2.1.9.1): grantee and its type, operations, name, retiring principal.

Validated for comfort with the engine's own rules (at least one operation, not create-grant
alone, the grant-name pattern); then the engine creates the grant before the dialog closes
(a checked form): an unknown grantee or any other refusal stays in the dialog beside its
field, with everything typed kept. Returns the new grant's id.
"""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Label, RadioButton, RadioSet, Static

from dewtui.keys.checked_form import CheckedForm
from dewtui.keys.requests import GrantRequest
from engine.catalog import GRANT_NAME_RE, GRANT_OPERATIONS

OPERATION_LABELS = {
    "create-datakey": "Create data key",
    "create-datakey-without-plaintext": "Create data key, no plaintext",
    "encrypt-datakey": "Encrypt data key",
    "decrypt-datakey": "Decrypt data key",
    "describe-key": "Query key information",
    "create-grant": "Create grant",
    "retire-grant": "Retire grant",
    "encrypt-data": "Encrypt data",
    "decrypt-data": "Decrypt data",
}


def _row(label: str, widget) -> Horizontal:
    return Horizontal(Label(label, classes="field-label"), widget, classes="field")


class CreateGrantDialog(CheckedForm[str]):
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "submit", "Create")]
    CALL_LABEL = "create grant"

    def __init__(self, key, users: list[str] | None = None, grantee: str = "") -> None:
        super().__init__()
        self.key, self.users, self.grantee = key, users or [], grantee

    def compose(self) -> ComposeResult:
        known = ", ".join(self.users[:8]) + (" …" if len(self.users) > 8 else "")
        with Vertical(classes="dialog wide", id="grant-create"):
            yield Label("Create grant", classes="dialog-title")
            yield Static(f"Key [b]{self.key.key_alias}[/]  [dim]{self.key.key_id}[/]", classes="key-list")
            with Horizontal(classes="field"):
                yield Label("Grant to", classes="field-label")
                with RadioSet(id="grantee-type"):
                    yield RadioButton("User", value=True, id="type-user")
                    yield RadioButton("Account (every user in it)", id="type-domain")
            yield _row("Grantee", Input(self.grantee, placeholder="user (or account) name or id", id="grantee"))
            if known:
                yield Label(f"Known users: {known}", classes="hint", id="known-users")
            yield Label("Operations", classes="area-label")
            with Grid(id="grant-ops"):
                for op in GRANT_OPERATIONS:
                    yield Checkbox(OPERATION_LABELS[op], id=f"op-{op}")
            yield _row("Name", Input(placeholder="optional: letters, digits, : / _ -", id="grant-name"))
            yield _row("Retiring principal", Input(placeholder="optional: a user who may retire the grant",
                                                   id="retiring"))
            yield Static("", id="errors", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Create grant", variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#grantee", Input).focus()

    def operations(self) -> tuple[str, ...]:
        return tuple(op for op in GRANT_OPERATIONS if self.query_one(f"#op-{op}", Checkbox).value)

    def request(self) -> GrantRequest | None:
        errors = []
        grantee = self.query_one("#grantee", Input).value.strip()
        if not grantee:
            errors.append("enter the grantee's name or id")
        ops = self.operations()
        if not ops:
            errors.append("choose at least one operation")
        elif ops == ("create-grant",):
            errors.append("a grant cannot be create-grant alone (KMS.2401)")
        name = self.query_one("#grant-name", Input).value.strip()
        if name and not GRANT_NAME_RE.match(name):
            errors.append("grant name: 1-255 of letters, digits, : / _ -")
        self.query_one("#grantee").set_class(not grantee, "-invalid")
        self.query_one("#errors", Static).update("\n".join(f"• {e}" for e in errors))
        if errors:
            return None
        kind = "domain" if self.query_one("#type-domain", RadioButton).value else "user"
        return GrantRequest(grantee, kind, ops, name, self.query_one("#retiring", Input).value.strip())

    def engine_call(self, req: GrantRequest):
        kms, key_id = self.app.engine.kms, self.key.key_id  # type: ignore[attr-defined]
        return lambda: kms.create_grant(key_id, **req.kwargs())

    def field_for(self, err) -> str | None:
        text = err.message.lower()
        if "retiring" in text:
            return "retiring"
        if "grantee" in text or "principal" in text:
            return "grantee"
        if "name" in text:
            return "grant-name"
        return None
