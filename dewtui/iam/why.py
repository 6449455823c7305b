""""Why was that refused?" (`w`, or the palette): the simulator, on the last refused call.

A refusal for lack of permission carries what was asked — the user, the action and the
resource (`principal`, `action`, `resource` on the `DewError`); the bridge's error toast
remembers it (`app.last_refusal`) and says "w: why?". This opens a dialog with the
simulator filled in with that call and asks at once.

Who asks: the person at this terminal owns the data directory (as in the principal
switcher), so the question is put by an administrator of the refused user's account — the
engine the app was opened with when the user is of its account — and only when that
account has no administrator, by the refused user itself (who may be refused to ask).
"""
from __future__ import annotations

from typing import Any

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label

from dewtui.iam.requests import SimulationRequest
from dewtui.iam.simulator import SimulatorForm


def simulator_resource(resource: str) -> str:
    """`SERVICE:region:account:kind:name` as the simulator takes it: a key id,
    `secret:<name>`, or "" for the account as a whole (and for IAM objects, which the
    simulator asks about at the account level)."""
    parts = resource.split(":", 4)
    if len(parts) != 5 or parts[4] == "*":
        return ""
    kind, name = parts[3], parts[4]
    if kind == "KeyId":
        return name
    if kind == "secret":
        return f"secret:{name}"
    return ""


def refused_question(err: Any) -> SimulationRequest | None:
    """The question a permission refusal asks the simulator, or None for other errors."""
    action, resource, user = (getattr(err, a, None) for a in ("action", "resource", "principal"))
    if not (isinstance(action, str) and isinstance(resource, str) and isinstance(user, str)):
        return None
    return SimulationRequest(user, action, simulator_resource(resource))


def remember_refusal(app: Any, err: Any) -> bool:
    """Keep `err` as the refusal "Why?" explains, when it is a permission refusal; True then."""
    if refused_question(err) is None:
        return False
    app.last_refusal = err
    return True


def asking_engine(root: Any, user: str) -> Any:
    """The engine that asks about `user` (see the module docstring). Runs in a worker."""
    users = root.principals()
    who = next((u for u in users if u.name == user), None)
    if who is None or who.domain_id == root.principal.domain_id:
        return root
    admin = next((u for u in users if u.domain_id == who.domain_id and u.is_admin), None)
    return root.as_user(admin.name if admin else user)


class WhyDialog(ModalScreen[None]):
    BINDINGS = [Binding("escape", "close", "Close")]

    def __init__(self, question: SimulationRequest, engine: Any, refusal: str) -> None:
        super().__init__()
        self.question, self.asking, self.refusal = question, engine, refusal

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog iam-dialog", id="why-dialog"):
            yield Label("Why was that refused?  [dim]esc closes[/]", classes="dialog-title")
            yield Label(f"{escape(self.refusal)}\n[dim]The simulator, asked as {self.asking.principal.name}; "
                        "change a field and ask again to try another.[/]", classes="explain", id="why-refusal")
            yield SimulatorForm(self.question, engine=lambda: self.asking, answer_first=True, id="why-form")
            with Horizontal(classes="buttons"):
                yield Button("Close", id="why-close")

    def on_mount(self) -> None:
        self.query_one("#sim-action").focus()
        self.query_one(SimulatorForm).ask()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "why-close":
            event.stop()
            self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)


def why_flow(app: Any) -> None:
    """Open the simulator on the last permission refusal (or say there is none)."""
    err = getattr(app, "last_refusal", None)
    question = refused_question(err) if err is not None else None
    if question is None or app.engine.sealed:
        app.notify("No refused call to explain yet: w explains the last permission refusal.",
                   title="Why?", timeout=4)
        return
    root = app.root_engine
    text = f"{err.code}: {err.message}"
    app.call_engine(lambda: asking_engine(root, question.user), label="why refused",
                    done=lambda engine: app.push_screen(WhyDialog(question, engine, text)))
