"""The one way a dialog turns its fields into a request.

Most dialogs are forms: their fields become one request object, or a list of what is wrong
shown in the dialog. Submitting (the OK button, enter in a field, ctrl+s) dismisses with the
request only when it is valid; Cancel and escape dismiss with None. Subclasses implement
`request()`; other buttons go to `on_other_button()`.

Textual calls a message handler of every class along the MRO, so subclasses do not define
`on_button_pressed` or `on_input_submitted` themselves: they would run twice.
"""
from __future__ import annotations

from typing import Generic, TypeVar

from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Button, Input

R = TypeVar("R")


class FormDialog(ModalScreen[R | None], Generic[R]):
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "submit", "Submit", show=False)]
    SUBMIT_ON_ENTER = True  # enter in a field submits the form

    def request(self) -> R | None:  # pragma: no cover - overridden
        """The request the fields make, or None after showing what is wrong."""
        raise NotImplementedError

    def action_submit(self) -> None:
        request = self.request()
        if request is not None:
            self.dismiss(request)

    def action_cancel(self) -> None:
        self.dismiss(None)

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
