"""The keys area's forms: the engine checks them before they close, and typed work is not
thrown away silently.

- A form whose subclass gives `engine_call(request)` runs it (in a worker) when submitted and
  closes only when the engine agreed, returning the engine's result. A refusal keeps the form
  open with everything typed, and shows the code and message next to the field it concerns
  (`field_for`), or under the fields when it concerns none.
- `esc` / Cancel on a form with typed text (an input or text area changed since it opened)
  asks first; an untouched form closes at once.
- `enter` in a field submits (the shared `FormDialog` rule).
"""
from __future__ import annotations

from typing import Any, Callable, TypeVar

from textual.containers import Horizontal
from textual.widgets import Input, Label, Static, TextArea

from dewtui.widgets.form import FormDialog
from engine import DewError

R = TypeVar("R")
DISCARD_TITLE = "Discard what you typed?"


class CheckedForm(FormDialog[R]):
    """Subclasses implement `request()`; optionally `engine_call()` and `field_for()`."""

    CALL_LABEL = "form"

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self._typed_at_open: dict[str, str] | None = None
        self.checking = False  # an engine call for this form is running

    # --- what subclasses give ----------------------------------------------------------------
    def engine_call(self, request: Any) -> Callable[[], Any] | None:
        """The engine call that checks and does `request`, or None to close with the request."""
        return None

    def field_for(self, err: DewError) -> str | None:
        """The id of the field a refusal concerns, or None."""
        return None

    # --- typed content -----------------------------------------------------------------------
    def typed(self) -> dict[str, str]:
        values = {f"i{n}": w.value for n, w in enumerate(self.query(Input))}
        values |= {f"t{n}": w.text for n, w in enumerate(self.query(TextArea)) if not w.read_only}
        return values

    def on_mount(self) -> None:
        self.call_after_refresh(self._remember_typed)

    def _remember_typed(self) -> None:
        self._typed_at_open = self.typed()

    def dirty(self) -> bool:
        return self._typed_at_open is not None and self.typed() != self._typed_at_open

    def action_cancel(self) -> None:
        if not self.dirty():
            super().action_cancel()
            return
        from dewtui.widgets.confirm import ConfirmDialog

        def answer(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmDialog(DISCARD_TITLE, "The form closes and what you typed in it is lost.",
                                           "Discard"), answer)

    # --- submitting --------------------------------------------------------------------------
    def action_submit(self) -> None:
        if self.checking:
            return
        request = self.request()
        if request is None:
            return
        call = self.engine_call(request)
        if call is None:
            self.dismiss(request)
            return
        self.checking = True
        self.clear_refusal()
        self.app.call_engine(call, owner=self, quiet=True, label=self.CALL_LABEL,  # type: ignore[attr-defined]
                             done=self._agreed, failed=self.show_refusal)

    def _agreed(self, result: Any) -> None:
        self.checking = False
        self.dismiss(result)

    def clear_refusal(self) -> None:
        for old in self.query(".field-refusal"):
            old.remove()
        for marked in self.query(".-refused"):
            marked.remove_class("-refused", "-invalid")

    def show_refusal(self, err: DewError) -> None:
        """Keep the form open: the refusal beside its field (or in #errors), the field focused."""
        self.checking = False
        self.clear_refusal()
        text = f"• {err.code}: {err.message}"
        field_id = self.field_for(err)
        fields = self.query(f"#{field_id}") if field_id else None
        if fields:
            field = fields.first()
            field.add_class("-invalid", "-refused")
            row = field.parent if isinstance(field.parent, Horizontal) else field
            self.call_after_refresh(field.focus)
            row.parent.mount(Label(text, classes="error field-refusal"), after=row)  # type: ignore[union-attr]
            return
        errors = self.query("#errors")
        if errors:
            errors.first(Static).update(text)
        else:
            self.app.show_error(err)  # type: ignore[attr-defined]
