"""The permission simulator: "may USER do ACTION on RESOURCE?", answered by the engine.

`SimulatorForm` is the form and its answer, used by the IAM area's Simulator tab and by the
"Why was that refused?" dialog (`dewtui.iam.why`). The engine decides (`iam.simulate`); the
form only words its answer: allowed or denied, and what decided it — the administrator
role, a statement (which policy, attached to the user or through which group, its index),
a grant, or nothing at all (denied by default).
"""
from __future__ import annotations

import re
from typing import Any, Callable

from rich.markup import escape
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, Label, Static

from dewtui.iam.requests import SimulationRequest
from engine.catalog import IAM_NAME_RE

# Offered as completions in the action field (any service:type:verb may be asked).
KNOWN_ACTIONS = (
    "kms:cmk:create", "kms:cmk:list", "kms:cmk:get", "kms:cmk:update", "kms:cmk:crypto",
    "kms:cmk:generate", "kms:cmk:getMaterial", "kms:cmk:importMaterial", "kms:cmk:deleteMaterial",
    "kms:cmk:getRotation", "kms:dek:crypto", "kms:cmkTag:list", "kms:cmkTag:create",
    "kms:grant:create", "kms:grant:list", "kms:grant:revoke",
    "csms:secret:create", "csms:secret:list", "csms:secret:get", "csms:secret:update",
    "csms:secret:delete", "csms:secret:restore", "csms:event:create", "csms:event:list",
    "cts:trace:list", "cts:trace:export",
    "iam:users:create", "iam:users:list", "iam:users:get", "iam:users:delete",
    "iam:groups:create", "iam:groups:list", "iam:groups:update", "iam:groups:delete",
    "iam:policies:create", "iam:policies:list", "iam:policies:get", "iam:policies:attach",
)
ACTION_RE = re.compile(r"[a-zA-Z*]+:[a-zA-Z*]+:[a-zA-Z*]+")
_STATEMENT = re.compile(r"(?:group (?P<group>\S+) )?policy (?P<policy>.+) statement (?P<index>\d+)")


def decided_by(reason: str) -> str:
    """The engine's reason, worded for a person (markup)."""
    denied = reason.startswith("denied by ")
    m = _STATEMENT.fullmatch(reason.removeprefix("denied by "))
    if m:
        via = f"group [b]{escape(m['group'])}[/], " if m["group"] else "attached to the user, "
        effect = "a Deny statement: Deny wins over every Allow" if denied else "an Allow statement"
        return (f"{effect} — {via}policy [b]{escape(m['policy'])}[/], "
                f"statement [b]{m['index']}[/] (counting from 0)")
    if reason == "administrator":
        return "the user is its account's administrator: every action in the account"
    if reason.startswith("grant "):
        return f"KMS grant [b]{escape(reason.removeprefix('grant '))}[/] on the key"
    if reason == "no permission":
        return "nothing allows it: no statement of the user's or its groups' policies, no grant"
    if reason == "another account":
        return "the resource is another account's, and no grant opens it"
    return escape(reason)


def answer_markup(req: SimulationRequest, allowed: bool, reason: str) -> str:
    target = f"on {escape(req.resource)}" if req.resource else "on the account as a whole"
    verdict = "[b green]ALLOW[/]" if allowed else "[b red]DENY[/]"
    return (f"{verdict}  [b]{escape(req.user)}[/] {'may' if allowed else 'may not'} do "
            f"[b]{escape(req.action)}[/] {target}\n[dim]decided by[/] {decided_by(reason)}")


def _row(label: str, widget) -> Horizontal:
    return Horizontal(Label(label, classes="field-label"), widget, classes="field")


class SimulatorForm(Vertical):
    """The question's three fields, Ask (or enter in a field), and the answer below them.

    `engine` picks the engine that asks (default: the acting one, `app.engine`)."""

    def __init__(self, question: SimulationRequest | None = None,
                 engine: Callable[[], Any] | None = None, answer_first: bool = False, **kw: Any) -> None:
        super().__init__(**kw)
        self.question = question or SimulationRequest("", "")
        self.engine_of = engine
        self.answer_first = answer_first  # the answer above the fields (when it is the point)
        self.answer: tuple[bool, str] | None = None  # the last answer (allowed, reason)

    def compose(self) -> ComposeResult:
        q = self.question
        answer = Static("[dim]may USER do ACTION on RESOURCE? Enter in a field (or Ask) asks.[/]",
                        id="sim-answer")
        if self.answer_first:
            yield answer
        yield _row("User", Input(q.user, placeholder="user name", id="sim-user"))
        yield _row("Action", Input(q.action, placeholder="service:type:verb, e.g. kms:cmk:get",
                                   suggester=SuggestFromList(KNOWN_ACTIONS, case_sensitive=False),
                                   id="sim-action"))
        with Horizontal(classes="field"):
            yield Label("Resource", classes="field-label")
            yield Input(q.resource, placeholder="key id, secret:<name>, empty = the account", id="sim-resource")
            yield Button("Ask", variant="primary", id="sim-ask")
        yield Static("", id="sim-errors", classes="error")
        if not self.answer_first:
            yield answer

    def request(self) -> SimulationRequest | None:
        user = self.query_one("#sim-user", Input).value.strip()
        action = self.query_one("#sim-action", Input).value.strip()
        resource = self.query_one("#sim-resource", Input).value.strip()
        problems = []
        if not IAM_NAME_RE.fullmatch(user):
            problems.append("user: 1-64 of letters, digits, _ -")
        if not ACTION_RE.fullmatch(action):
            problems.append("action: service:type:verb, e.g. kms:cmk:get")
        self.query_one("#sim-user", Input).set_class(not IAM_NAME_RE.fullmatch(user), "-invalid")
        self.query_one("#sim-action", Input).set_class(not ACTION_RE.fullmatch(action), "-invalid")
        self.query_one("#sim-errors", Static).update("\n".join(f"• {p}" for p in problems))
        return None if problems else SimulationRequest(user, action, resource)

    def ask(self) -> None:
        req = self.request()
        if req is None:
            return
        engine = self.engine_of() if self.engine_of else self.app.engine  # type: ignore[attr-defined]
        self.query_one("#sim-answer", Static).update("[dim]asking…[/]")
        self.app.call_engine(  # type: ignore[attr-defined]
            lambda: engine.iam.simulate(req.user, req.action, req.resource or None),
            owner=self, quiet=True, label="simulate", group="simulate", exclusive=True,
            done=lambda r: self._answered(req, r), failed=self._refused)

    def _answered(self, req: SimulationRequest, result) -> None:
        self.answer = (result.allowed, result.reason)
        self.query_one("#sim-answer", Static).update(answer_markup(req, result.allowed, result.reason))

    def _refused(self, err) -> None:
        self.answer = None
        self.query_one("#sim-answer", Static).update(
            f"[b red]{escape(err.code)}[/]: {escape(err.message)}\n[dim]the simulator itself was "
            "refused: asking needs iam:policies:get in the user's account[/]")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.ask()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "sim-ask":
            event.stop()
            self.ask()
