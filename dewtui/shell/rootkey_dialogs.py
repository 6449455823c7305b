"""Dialogs of the root key: set, change or remove its passphrase, the first-start offer of
a passphrase, the typed confirmation of a root key rotation, and the screen shown while the
rotation runs.

Passphrase fields never echo (`password=True`) and their values go only into the request the
dialog returns; what is wrong (empty, not repeated the same) is said in the dialog before
anything reaches the engine. The engine's own refusals (a wrong current passphrase:
DEW.0002, without detail) come back as the usual toast.
"""
from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, LoadingIndicator, Static

from dewtui.widgets.form import FormDialog

ROTATE_WORD = "rotate"
# fits 80×24: never wider than the terminal, the buttons always on screen
ROOT_KEY_DIALOG_CSS = """
.root-key-dialog { width: 84; max-width: 100%; max-height: 100%; }
.root-key-dialog .buttons Checkbox { margin-left: 1; }
"""


def _fit_small_terminals(screen: ModalScreen) -> None:
    """No vertical padding (inline: the shared `.dialog` rule sets it): 80×24 shows it all."""
    screen.query_one(".root-key-dialog").styles.padding = (0, 2)


@dataclass(frozen=True)
class PassphraseRequest:
    """What a passphrase dialog asks the engine: `new` None = remove; `current` None = none set."""

    current: str | None
    new: str | None


@dataclass(frozen=True)
class FirstStartChoice:
    """The first-start offer's answer: a passphrase to seal with (or None: not now), and
    whether to stop offering."""

    passphrase: str | None
    never_ask: bool


_MODES = {
    "set": ("Set a root key passphrase", "The root key file will be sealed under this passphrase: "
            "dewtui asks for it every time it starts.", "Set passphrase"),
    "change": ("Change the root key passphrase", "Give the current passphrase, then the new one "
               "twice.", "Change passphrase"),
    "remove": ("Remove the root key passphrase", "The root key file will be stored without a "
               "passphrase again: anyone who can read it can open your keys.", "Remove passphrase"),
}


def _field(label: str, field_id: str) -> ComposeResult:
    with Horizontal(classes="field"):
        yield Label(label, classes="field-label")
        yield Input(password=True, id=field_id)


def _new_passphrase(dialog: ModalScreen, errors: list[str]) -> str | None:
    new = dialog.query_one("#new", Input).value
    repeat = dialog.query_one("#repeat", Input).value
    if not new:
        errors.append("Type a new passphrase: an empty one protects nothing.")
    elif new != repeat:
        errors.append("The two new passphrases differ: type the same one twice.")
    return new or None


class PassphraseDialog(FormDialog[PassphraseRequest]):
    """`mode`: set (new twice), change (current, new twice) or remove (current). Opened
    `checked_by` the engine call, it stays open on a refusal and shows it by its field."""

    DEFAULT_CSS = ROOT_KEY_DIALOG_CSS
    REFUSAL_FIELDS = {"DEW.0002": "current", "DEW.0006": "new"}

    def __init__(self, mode: str) -> None:
        super().__init__()
        self.mode = mode

    def on_mount(self) -> None:
        _fit_small_terminals(self)

    def compose(self) -> ComposeResult:
        title, explain, ok = _MODES[self.mode]
        with Vertical(classes="dialog root-key-dialog", id=f"root-passphrase-{self.mode}"):
            yield Label(title, classes="dialog-title")
            yield Label(explain, classes="explain")
            if self.mode in ("change", "remove"):
                yield from _field("Current passphrase", "current")
            if self.mode in ("set", "change"):
                yield from _field("New passphrase", "new")
                yield from _field("Repeat it", "repeat")
            yield Static("", id="errors", classes="error")
            with Horizontal(classes="buttons"):
                yield Button(ok, variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def request(self) -> PassphraseRequest | None:
        errors: list[str] = []
        current = None
        if self.mode in ("change", "remove"):
            current = self.query_one("#current", Input).value
            if not current:
                errors.append("Type the current passphrase.")
        new = _new_passphrase(self, errors) if self.mode in ("set", "change") else None
        self.query_one("#errors", Static).update("\n".join(errors))
        if errors:
            return None
        return PassphraseRequest(current or None, new)


class FirstStartDialog(FormDialog[FirstStartChoice]):
    """Offered once at start while the root key has no passphrase; skippable."""

    BINDINGS = [Binding("escape", "skip", "Not now"), Binding("ctrl+s", "submit", "Submit", show=False)]
    DEFAULT_CSS = ROOT_KEY_DIALOG_CSS

    def on_mount(self) -> None:
        _fit_small_terminals(self)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog root-key-dialog", id="root-first-start"):
            yield Label("Protect your root key with a passphrase?", classes="dialog-title")
            yield Label("Every key is sealed under the root key file. With a passphrase that file "
                        "alone opens nothing; dewtui asks for it at start. Later: ctrl+p, "
                        "\"Change root passphrase…\".", classes="explain")
            yield from _field("New passphrase", "new")
            yield from _field("Repeat it", "repeat")
            yield Static("", id="errors", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Set passphrase", variant="primary", id="ok")
                yield Button("Not now", id="skip")
                yield Checkbox("Never ask again", id="never")

    def _never(self) -> bool:
        return self.query_one("#never", Checkbox).value

    def request(self) -> FirstStartChoice | None:
        errors: list[str] = []
        new = _new_passphrase(self, errors)
        self.query_one("#errors", Static).update("\n".join(errors))
        return None if errors else FirstStartChoice(new, self._never())

    def action_skip(self) -> None:
        self.dismiss(FirstStartChoice(None, self._never()))

    def on_other_button(self, button_id: str | None) -> None:
        if button_id == "skip":
            self.action_skip()


class RotateRootKeyDialog(FormDialog[bool]):
    """Rotation happens only after the user types `rotate`."""

    DEFAULT_CSS = ROOT_KEY_DIALOG_CSS

    def on_mount(self) -> None:
        _fit_small_terminals(self)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog root-key-dialog", id="root-rotate"):
            yield Label("Rotate the root key", classes="dialog-title")
            yield Label("A new root key replaces this one: every key material and sealed secret "
                        "is sealed again, row MACs and the audit chain redone, in one transaction; "
                        "the key file changes only after it commits.", classes="explain")
            yield Label("Then old secret backups and unused import tokens stop working, a saved "
                        "audit head must be saved again, old database copies no longer open.",
                        classes="explain")
            with Horizontal(classes="field"):
                yield Label(f"Type {ROTATE_WORD}", classes="field-label")
                yield Input(placeholder=ROTATE_WORD, id="confirm-word")
            yield Static("", id="errors", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Rotate root key", variant="error", id="ok")
                yield Button("Cancel", id="cancel")

    def request(self) -> bool | None:
        if self.query_one("#confirm-word", Input).value.strip() == ROTATE_WORD:
            return True
        self.query_one("#errors", Static).update(f"Type {ROTATE_WORD} to confirm: nothing was changed.")
        return None


class RotationProgress(ModalScreen[None]):
    """Shown while the rotation runs in a worker; the flow dismisses it when it ends."""

    BINDINGS = [Binding("escape", "noop", show=False)]
    DEFAULT_CSS = ROOT_KEY_DIALOG_CSS + """
    #rotation-loading { height: 3; }
    """

    def on_mount(self) -> None:
        _fit_small_terminals(self)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog root-key-dialog", id="root-rotating"):
            yield Label("Rotating the root key…", classes="dialog-title")
            yield LoadingIndicator(id="rotation-loading")
            yield Label("Everything sealed under the root key is being sealed again, in one "
                        "transaction. If dewtui stops now, the old root key still opens everything.",
                        classes="explain")

    def action_noop(self) -> None:
        """Escape does nothing: the rotation cannot be cancelled half way."""
