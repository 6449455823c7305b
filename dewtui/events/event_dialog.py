"""Create / edit an event: name, status, topic and the event types it listens to.

The type checkboxes show each type's level, object and description as the guide's event
type table (2.2.5), from the engine's catalog, so the dialog and the engine never disagree.
A topic can be created from here (`ctrl+t` or the "New topic…" button): the dialog asks
the screen through `new_topic(dialog)`, the screen calls the engine and then hands the new
topic list back with `set_topics()` — the dialog itself never calls the engine.
Returns an `EventRequest`, or None when cancelled.
"""
from __future__ import annotations

from typing import Callable, Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Label, RadioButton, RadioSet, Select, Static

from dewtui.events.format import level_markup
from dewtui.events.requests import EventRequest
from dewtui.widgets.form import FormDialog
from engine.catalog import DISABLED, ENABLED, EVENT_NAME_RE, EVENT_TYPES


def _row(label: str, *widgets) -> Horizontal:
    return Horizontal(Label(label, classes="field-label"), *widgets, classes="field")


class EventDialog(FormDialog[EventRequest]):
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "submit", "Save"),
                Binding("ctrl+t", "new_topic", "New topic")]
    REFUSAL_FIELDS = {"event ": "ev-name", "topic": "ev-topic"}

    def __init__(self, topics: Sequence[str], event=None,
                 new_topic: Callable[["EventDialog"], None] | None = None) -> None:
        super().__init__()
        self.topics = list(topics)
        self.event = event  # a SecretEventInfo when editing
        self._new_topic = new_topic
        self._submitted = False

    def compose(self) -> ComposeResult:
        ev = self.event
        enabled = ev is None or ev.state == ENABLED
        chosen = set(ev.event_types) if ev else set()
        topic = ev.notification.target_name if ev else (self.topics[0] if self.topics else None)
        with Vertical(classes="dialog", id="event-dialog"):
            yield Label(f"Edit event {ev.name}" if ev else "Create event", classes="dialog-title")
            yield _row("Event name", Input(ev.name if ev else "", placeholder="letters, digits, _ -  (up to 64)",
                                           id="ev-name", disabled=ev is not None))
            with Horizontal(classes="field"):
                yield Label("Status", classes="field-label")
                with RadioSet(id="ev-state"):
                    yield RadioButton("Enabled", value=enabled, id="ev-enabled")
                    yield RadioButton("Disabled", value=not enabled, id="ev-disabled")
            yield _row("Topic", Select([(t, t) for t in self.topics], value=topic if topic in self.topics else Select.NULL,
                                       prompt="no topic yet: create one", id="ev-topic"),
                       Button("New topic…", id="ev-new-topic"))
            with Horizontal(classes="ev-type-head"):
                yield Static("Event types", classes="ev-type-label")
                yield Static("Level", classes="ev-type-level")
                yield Static("Object", classes="ev-type-object")
                yield Static("Description", classes="ev-type-desc")
            for t in EVENT_TYPES:
                with Horizontal(classes="ev-type"):
                    with Vertical(classes="ev-type-label"):
                        yield Checkbox(t.label, t.name in chosen, id=f"type-{t.name}")
                        yield Static(f"[dim]{t.name}[/]", classes="ev-type-code")
                    yield Static(level_markup(t.level), classes="ev-type-level")
                    yield Static(t.obj, classes="ev-type-object")
                    yield Static(t.description, classes="ev-type-desc")
            yield Static("", id="errors", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Save" if ev else "Create", variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        if self.event is None:
            self.query_one("#ev-name", Input).focus()
        else:
            self.query_one(f"#type-{EVENT_TYPES[0].name}", Checkbox).focus()

    # --- the screen hands a new topic list back after creating one ----------------------
    def set_topics(self, topics: Sequence[str], select: str | None = None) -> None:
        self.topics = list(topics)
        widget = self.query_one("#ev-topic", Select)
        value = select if select in self.topics else widget.value
        widget.set_options([(t, t) for t in self.topics])
        if value in self.topics:
            widget.value = value
        self._validate(quiet=True)

    def action_new_topic(self) -> None:
        if self._new_topic is not None:
            self._new_topic(self)

    # --- validation -------------------------------------------------------------------
    def _types(self) -> tuple[str, ...]:
        return tuple(t.name for t in EVENT_TYPES if self.query_one(f"#type-{t.name}", Checkbox).value)

    def _validate(self, quiet: bool = False) -> EventRequest | None:
        """Mark what is wrong; quiet (while typing) until the first submit, then in full."""
        quiet = quiet and not self._submitted
        errors: dict[str, str] = {}
        name = self.query_one("#ev-name", Input).value.strip()
        if self.event is None and (name or not quiet) and not EVENT_NAME_RE.match(name):
            errors["ev-name"] = "event name: 1-64 of letters, digits, _ -"
        types = self._types()
        if not types and not quiet:
            errors["types"] = "choose at least one event type"
        topic = self.query_one("#ev-topic", Select).value
        if (topic is Select.NULL or not topic) and not quiet:
            errors["ev-topic"] = "choose a topic (or create one with New topic…)"
        for wid in ("ev-name", "ev-topic"):
            self.query_one(f"#{wid}").set_class(wid in errors, "-invalid")
        self.query_one("#errors", Static).update("\n".join(f"• {m}" for m in errors.values()))
        if errors or quiet:
            return None  # quiet: the request is only built on submit
        state = ENABLED if self.query_one("#ev-enabled", RadioButton).value else DISABLED
        return EventRequest(name=self.event.name if self.event else name, event_types=types,
                            state=state, topic=str(topic), editing=self.event is not None)

    def on_input_changed(self, event: Input.Changed) -> None:
        self._validate(quiet=True)

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        self._validate(quiet=True)

    def on_select_changed(self, event: Select.Changed) -> None:
        self._validate(quiet=True)

    def request(self) -> EventRequest | None:
        self._submitted = True
        return self._validate()

    def on_other_button(self, button_id: str | None) -> None:
        if button_id == "ev-new-topic":
            self.action_new_topic()
