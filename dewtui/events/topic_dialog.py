"""Create a local notification topic: a name, and whether it also writes a JSONL file.

A topic always delivers to the local inbox (the Notifications area); with the box ticked it
also appends one JSON line per notification to `topics/<name>.jsonl` in the data directory,
for scripts to follow (`tail -f`). The file lives nowhere else: the engine decides the path
and checks the name again. Returns a `TopicRequest`, or None.
"""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Label, Static

from dewtui.events.requests import TopicRequest
from dewtui.widgets.form import FormDialog
from engine.catalog import TOPIC_NAME_RE


class TopicDialog(FormDialog[TopicRequest]):
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "submit", "Create")]
    REFUSAL_FIELDS = {"topic": "topic-name"}  # "topic 'x' already exists", a name refused

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="topic-dialog"):
            yield Label("Create topic", classes="dialog-title")
            yield Label("Every notification of an event goes to the local inbox. A topic can also "
                        "append one JSON line per notification to a file.", classes="explain")
            with Horizontal(classes="field"):
                yield Label("Topic name", classes="field-label")
                yield Input(placeholder="letters, digits, _ -  (up to 64)", id="topic-name")
            with Horizontal(classes="field"):
                yield Label("JSONL file", classes="field-label")
                yield Checkbox("also append to topics/<name>.jsonl", id="topic-file")
            yield Static("", id="errors", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Create", variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#topic-name", Input).focus()

    def request(self) -> TopicRequest | None:
        name = self.query_one("#topic-name", Input).value.strip()
        ok = bool(TOPIC_NAME_RE.match(name))
        self.query_one("#topic-name", Input).set_class(not ok, "-invalid")
        self.query_one("#errors", Static).update("" if ok else "• topic name: 1-64 of letters, digits, _ -")
        if not ok:
            return None
        return TopicRequest(name, self.query_one("#topic-file", Checkbox).value)
