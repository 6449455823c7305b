"""The one way a dialog turns its fields into a request, and the one rule every dialog keeps.

Most dialogs are forms: their fields become one request object, or a list of what is wrong
shown in the dialog. The rule: `enter` in a field submits (or, in a wizard, goes to the
next step), as do the OK button and ctrl+s; `escape` and Cancel cancel, and cancelling after
something was typed asks first ("Discard what you typed?", Keep editing focused), so a
stray `tab tab enter` never throws input away. Subclasses implement `request()`; other
buttons go to `on_other_button()`.

A form whose request the engine still has to check is opened with `checked_by(fn)`: OK runs
`fn(request)` in a worker and the dialog stays open until it succeeds (then it dismisses
with the result); a refusal is shown as "CODE: message" beside the field it concerns
(`REFUSAL_FIELDS`: a word of the message, or the code, to a field id), everything typed is
kept, and that field is focused.

Textual calls a message handler of every class along the MRO, so subclasses do not define
`on_button_pressed` or `on_input_submitted` themselves: they would run twice.
"""
from __future__ import annotations

from typing import Any, Callable, ClassVar, Generic, TypeVar

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Static, TextArea

from engine import DewError

R = TypeVar("R")
REFUSAL_CLASS = "refusal"  # the "CODE: message" line shown under a refused field


class DiscardDialog(ModalScreen[bool]):
    """"Discard what you typed?" — Keep editing (focused, escape) or Discard."""

    BINDINGS = [Binding("escape", "keep", "Keep editing")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="discard-dialog"):
            yield Label("Discard what you typed?", classes="dialog-title")
            yield Label("Closing this dialog loses what you typed in it.", classes="explain")
            with Horizontal(classes="buttons"):
                yield Button("Keep editing", variant="primary", id="keep")
                yield Button("Discard", variant="error", id="discard")

    def on_mount(self) -> None:
        self.query_one("#keep", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "discard")

    def action_keep(self) -> None:
        self.dismiss(False)


class FormDialog(ModalScreen[R | None], Generic[R]):
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "submit", "Submit", show=False)]
    SUBMIT_ON_ENTER = True  # enter in a field submits the form
    ASK_BEFORE_DISCARD = True  # cancelling after typing asks first
    REFUSAL_FIELDS: ClassVar[dict[str, str]] = {}  # a word of a refusal's message (or its code) -> field id

    _perform: Callable[[Any], Any] | None = None
    _perform_label = "engine call"
    _busy = False
    _pristine: tuple | None = None
    ready_for_keys = False  # the app holds typed keys until the dialog has its initial focus

    def request(self) -> R | None:  # pragma: no cover - overridden
        """The request the fields make, or None after showing what is wrong."""
        raise NotImplementedError

    # --- the engine checks before the dialog closes ---------------------------------------
    def checked_by(self, perform: Callable[[Any], Any], label: str = "engine call") -> "FormDialog[R]":
        """Submit through `perform(request)` (run in a worker): the dialog dismisses with its
        result, or stays open showing the refusal with everything typed kept."""
        self._perform, self._perform_label = perform, label
        return self

    def action_submit(self) -> None:
        if self._busy:
            return
        request = self.request()
        if request is None:
            return
        if self._perform is None:
            self.dismiss(request)
            return
        self._clear_refusals()
        self._busy = True
        perform = self._perform
        self.app.call_engine(lambda: perform(request), owner=self, quiet=True,  # type: ignore[attr-defined]
                             label=self._perform_label, done=self._accepted, failed=self._refused)

    def _accepted(self, result: Any) -> None:
        self._busy = False
        self.dismiss(result)

    def _refused(self, err: DewError) -> None:
        self._busy = False
        self.show_refusal(err)

    def refused_field(self, err: DewError) -> Widget | None:
        """The field a refusal concerns (by `REFUSAL_FIELDS`), if the dialog has it."""
        for word, field_id in self.REFUSAL_FIELDS.items():
            if word == err.code or word in err.message:
                found = self.query(f"#{field_id}")
                if found:
                    return found.first()
        return None

    def show_refusal(self, err: DewError) -> None:
        """"CODE: message" under the field it concerns (or in the form's error line)."""
        text = f"{err.code}: {escape(err.message)}"
        field = self.refused_field(err)
        if field is not None:
            row = field.parent if field.parent is not None and field.parent.has_class("field") else field
            note = Static(text, classes=f"error {REFUSAL_CLASS}")
            row.parent.mount(note, after=row)  # type: ignore[union-attr]
            field.add_class("-invalid")
            field.focus()
            return
        errors = self.query("#errors")
        if errors:
            errors.first(Static).update(text)
        else:
            note = Static(text, classes=f"error {REFUSAL_CLASS}")
            buttons = self.query(".buttons")
            if buttons:
                buttons.first().parent.mount(note, before=buttons.first())  # type: ignore[union-attr]
            else:
                self.notify(text, title="Refused", severity="error")

    def _clear_refusals(self) -> None:
        for note in self.query(f".{REFUSAL_CLASS}"):
            note.remove()
        for field_id in self.REFUSAL_FIELDS.values():
            for field in self.query(f"#{field_id}"):
                field.remove_class("-invalid")

    # --- cancelling ---------------------------------------------------------------------
    def on_mount(self) -> None:
        self.call_after_refresh(self.mark_pristine)
        # a subclass's on_mount (run before this one) asked for its field's focus through the
        # app's queue: this runs after it there, then hands over the keys typed meanwhile
        self.app.call_later(self._ready_for_keys)

    async def _ready_for_keys(self) -> None:
        self.ready_for_keys = True
        release = getattr(self.app, "release_keys", None)
        if release is not None:
            await release()

    def typed_values(self) -> tuple:
        """What was typed: every text field's content (choices and ticks do not count)."""
        return tuple([i.value for i in self.query(Input)] + [t.text for t in self.query(TextArea)])

    def mark_pristine(self) -> None:
        """What the fields hold now counts as untouched (call after filling them in)."""
        self._pristine = self.typed_values()

    def has_typed(self) -> bool:
        return self._pristine is not None and self.typed_values() != self._pristine

    def action_cancel(self) -> None:
        if not (self.ASK_BEFORE_DISCARD and self.has_typed()):
            self.dismiss(None)
            return

        def decided(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(DiscardDialog(), decided)

    # --- buttons and enter --------------------------------------------------------------
    def on_other_button(self, button_id: str | None) -> None:
        """A button other than OK (`ok`) and Cancel (`cancel`) was pressed."""

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "ok":
            self.action_submit()
        elif event.button.id == "cancel":
            self.action_cancel()
        else:
            self.on_other_button(event.button.id)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self.SUBMIT_ON_ENTER:
            event.stop()
            self.action_submit()
