"""The keys area's forms: the engine checks them before they close.

The rule is the shared one (`dewtui.widgets.form.FormDialog`): enter in a field submits,
escape cancels, cancelling after typing asks first, and a form the engine checks stays open
on a refusal with "CODE: message" under the field it concerns and everything typed kept.
A key form says what to check as a method rather than through `checked_by`: its
`engine_call(request)` gives the engine call for the request (None: close with the request
itself), and `field_for(err)` names the field a refusal concerns (the key dialogs know their
refusals by code and wording, e.g. KMS.1104 is the alias). On success the form closes with
the engine's result.
"""
from __future__ import annotations

from typing import Any, Callable, TypeVar

from textual.widget import Widget

from dewtui.widgets.form import FormDialog
from engine import DewError

R = TypeVar("R")


class CheckedForm(FormDialog[R]):
    """Subclasses implement `request()`; optionally `engine_call()` and `field_for()`."""

    CALL_LABEL = "form"
    _refused_field: Widget | None = None

    def engine_call(self, request: Any) -> Callable[[], Any] | None:
        """The engine call that checks and does `request`, or None to close with the request."""
        return None

    def field_for(self, err: DewError) -> str | None:
        """The id of the field a refusal concerns, or None (shown under the fields)."""
        return None

    @property
    def checking(self) -> bool:
        """An engine call for this form is running (a second submit does nothing)."""
        return self._busy

    def action_submit(self) -> None:
        if self._busy:
            return
        request = self.request()
        if request is None:
            return
        call = self.engine_call(request)
        if call is None:
            self.dismiss(request)
            return
        self._clear_refusals()
        self._busy = True
        self.app.call_engine(call, owner=self, quiet=True, label=self.CALL_LABEL,  # type: ignore[attr-defined]
                             done=self._accepted, failed=self._refused)

    def refused_field(self, err: DewError) -> Widget | None:
        field_id = self.field_for(err)
        found = self.query(f"#{field_id}") if field_id else None
        self._refused_field = found.first() if found else None
        return self._refused_field

    def _clear_refusals(self) -> None:
        super()._clear_refusals()
        if self._refused_field is not None:
            self._refused_field.remove_class("-invalid")
            self._refused_field = None
