"""Rotation policy tab (guide 2.1.8): switch, interval, status, versions, rotate now.

Shown only on keys that can rotate (custom symmetric encryption keys of origin kms; the
engine refuses the others with the guide's codes anyway). The switch reflects the engine:
a change of the switch that matches the known state is ignored, so showing a fresh status
never triggers a call. Enabling with a changed interval saves the interval first, in the
same worker. Disabling and rotating now ask for confirmation.
"""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Input, Label, Static, Switch

from dewtui.shell.fmt import when
from dewtui.widgets.detail import DetailPane
from dewtui.widgets.whole_number import WholeNumberInput
from engine import KeyState
from engine.catalog import ENCRYPT_DECRYPT, ROTATION_MAX_DAYS, ROTATION_MIN_DAYS, SPECS


def rotatable(key) -> bool:
    """The keys that get a Rotation policy tab."""
    return (key.origin == "kms" and not key.default_key_flag and SPECS[key.key_spec].symmetric
            and key.key_usage == ENCRYPT_DECRYPT)


def status_text(st) -> str:
    rows = [
        ("Rotation", f"[green]enabled ·[/] every {st.rotation_interval} days" if st.key_rotation_enabled
         else f"[dim]disabled ·[/] interval {st.rotation_interval} days"),
        ("Last rotation", when(st.last_rotation_time)),
        ("Number of rotations", str(st.number_of_rotations)),
        ("Next rotation", when(st.next_rotation_time) if st.key_rotation_enabled else "—"),
    ]
    return "\n".join(f"[dim]{name:<20}[/] {value}" for name, value in rows)


class RotationPane(DetailPane):
    BINDINGS = [Binding("R", "rotate_now", "Rotate now", tooltip="new material version, with confirmation")]

    def __init__(self, key, **kw) -> None:
        super().__init__(key, **kw)
        self.status = None

    def compose(self) -> ComposeResult:
        yield Label("", id="rotation-note", classes="note")
        with Horizontal(classes="field"):
            yield Label("Automatic rotation", classes="field-label")
            yield Switch(False, id="rotation-switch")
        with Horizontal(classes="field"):
            yield Label("Interval (days)", classes="field-label")
            yield WholeNumberInput(self.item.rotation_interval, ROTATION_MIN_DAYS, ROTATION_MAX_DAYS, "days",
                                   id="rotation-interval")
            yield Button("Save", id="save-interval")
        yield Static("", id="interval-error", classes="error")
        yield Static("", id="rotation-status")
        yield Label("Key material versions", classes="area-label")
        yield DataTable(id="rotation-versions", cursor_type="row", zebra_stripes=True)
        with Horizontal(classes="buttons"):
            yield Button("Rotate now", variant="primary", id="rotate-now")

    def on_mount(self) -> None:
        table = self.query_one("#rotation-versions", DataTable)
        table.add_column("Version", key="version", width=10)
        table.add_column("Created", key="created", width=20)
        table.add_column("", key="current", width=30)
        self._lock()
        self.load()

    def show_item(self, key) -> None:
        super().show_item(key)
        self._lock()
        self.load()

    def reload(self) -> None:
        self.load()

    def load(self) -> None:
        kms, key_id = self.engine.kms, self.item.key_id
        self.call_engine(lambda: kms.get_key_rotation_status(key_id), label="rotation status", quiet=True,
                         group=f"rotation-{key_id}", exclusive=True, done=self.show_status,
                         failed=self._refused)

    def _refused(self, err) -> None:
        """A refused status (e.g. acting as a user without rights) is written here, not toasted."""
        self.status = None
        self.query_one("#rotation-status", Static).update(f"[b]{err.code}[/]: {err.message}")
        self.query_one("#rotation-versions", DataTable).clear()

    def _lock(self) -> None:
        enabled = self.item.key_state is KeyState.ENABLED
        note = ("New encryptions use the newest version; every version is kept, so older data still decrypts."
                if enabled else f"The key is {self.item.state_label}: it is not rotated, and its policy cannot "
                "change, until it is Enabled again (an overdue key rotates at the next scheduler pass).")
        self.query_one("#rotation-note", Label).update(note)
        self.query_one("#rotation-note").set_class(not enabled, "refused")
        for wid in ("#rotation-switch", "#rotation-interval", "#save-interval", "#rotate-now"):
            self.query_one(wid).disabled = not enabled

    def show_status(self, st) -> None:
        self.status = st
        switch = self.query_one("#rotation-switch", Switch)
        switch.value = st.key_rotation_enabled  # matches the known state: ignored by on_switch_changed
        self.query_one("#rotation-interval", Input).value = str(st.rotation_interval)
        self.query_one("#interval-error", Static).update("")
        self.query_one("#rotation-status", Static).update(status_text(st))
        table = self.query_one("#rotation-versions", DataTable)
        table.clear()
        for v in sorted(st.key_materials, key=lambda m: m.version, reverse=True):
            table.add_row(str(v.version), when(v.create_time),
                          "current: new encryptions" if v.current else "decrypts older data", key=str(v.version))

    # --- changes -----------------------------------------------------------------------
    def on_switch_changed(self, event: Switch.Changed) -> None:
        event.stop()
        if self.status is None or event.value == self.status.key_rotation_enabled:
            return
        if event.value:
            self._enable()
        else:
            self._ask_disable()

    def _interval(self) -> int | None:
        field = self.query_one("#rotation-interval", WholeNumberInput)
        problem = field.problem()
        self.query_one("#interval-error", Static).update(f"• the interval: {problem}" if problem else "")
        return None if problem else field.number()

    def _enable(self) -> None:
        days = self._interval()
        if days is None:
            self.query_one("#rotation-switch", Switch).value = False
            return
        kms, key_id, current = self.engine.kms, self.item.key_id, self.status.rotation_interval

        def work() -> None:
            if days != current:
                kms.update_key_rotation_interval(key_id, days)
            kms.enable_key_rotation(key_id)

        self.call_engine(work, label="enable rotation", success=f"Rotation enabled: every {days} days",
                         done=lambda _r: self.item_changed(), failed=lambda _e: self.load())

    def _ask_disable(self) -> None:
        from dewtui.widgets.confirm import ConfirmDialog
        kms, key_id = self.engine.kms, self.item.key_id

        def go(ok: bool | None) -> None:
            if not ok:
                self.query_one("#rotation-switch", Switch).value = True
                return
            self.call_engine(lambda: kms.disable_key_rotation(key_id), label="disable rotation",
                             success="Rotation disabled", done=lambda _r: self.item_changed(),
                             failed=lambda _e: self.load())

        self.app.push_screen(ConfirmDialog("Disable key rotation",
                                           f"Stop rotating {self.item.key_alias} automatically? Existing "
                                           "versions are kept.", "Disable"), go)

    def _save_interval(self) -> None:
        days = self._interval()
        if days is None or self.status is None or days == self.status.rotation_interval:
            return
        kms, key_id = self.engine.kms, self.item.key_id
        self.call_engine(lambda: kms.update_key_rotation_interval(key_id, days), label="rotation interval",
                         success=f"Rotation interval: {days} days", done=lambda _r: self.item_changed())

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._save_interval()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save-interval":
            self._save_interval()
        elif event.button.id == "rotate-now":
            self.action_rotate_now()

    def action_rotate_now(self) -> None:
        from dewtui.keys.rotate_dialog import RotateConfirmDialog
        if self.item.key_state is not KeyState.ENABLED:
            return
        kms, key_id, alias = self.engine.kms, self.item.key_id, self.item.key_alias
        versions = len(self.status.key_materials) if self.status else self.item.key_version

        def go(ok: bool | None) -> None:
            if ok:
                self.call_engine(lambda: kms.rotate_key(key_id), label="rotate key",
                                 success=lambda st: f"Rotated {alias}: {st.number_of_rotations} rotations",
                                 done=lambda _st: self.item_changed())

        self.app.push_screen(RotateConfirmDialog(self.item, versions), go)
