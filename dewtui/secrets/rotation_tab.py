"""Rotation tab: the configuration (period, generator), last and next rotation, why the last
due rotation failed, and actions Configure… and Rotate now (a generated SYSCURRENT version).

The generator's template values are not shown (they may be sensitive); only its keys.
"""
from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Label, Static

from dewtui.secrets.requests import RotationRequest
from dewtui.secrets.rotation_form import rotation_text
from dewtui.secrets.table import pending
from dewtui.shell.fmt import when
from dewtui.widgets.detail import DetailPane
from engine.catalog import DEFAULT_ALPHABET


def rotation_info(secret, config) -> str:
    gen = config.generator if config is not None else {}
    if gen:
        alphabet = "default (letters, digits, symbols)" if gen.get("alphabet") == DEFAULT_ALPHABET \
            else escape(gen.get("alphabet", ""))
        kind = "random password" if gen.get("type") == "password" else "key/value pairs"
        generator = f"{kind}, {gen.get('length')} characters, alphabet {alphabet}"
        if gen.get("type") == "kv":
            generator += f"\n{'':<20} generated key {escape(gen.get('field', ''))}; fixed keys " + \
                (escape(", ".join(gen.get("template") or {})) or "none")
    else:
        generator = "…"
    state = rotation_text(secret.auto_rotation, secret.rotation_period, gen) if secret.auto_rotation else "off"
    rows = [
        ("Automatic rotation", state),
        ("Generator", generator),
        ("Last rotation", when(secret.rotation_time)),
        ("Next rotation", when(secret.next_rotation_time) if secret.auto_rotation else "—"),
    ]
    text = "\n".join(f"[dim]{k:<20}[/] {v}" for k, v in rows)
    if secret.rotation_error:
        text += f"\n[dim]{'Last failure':<20}[/] [red]{escape(secret.rotation_error)}[/]"
    return text


class SecretRotationPane(DetailPane):
    BINDINGS = [
        Binding("c", "configure", "Configure rotation"),
        Binding("R", "rotate", "Rotate now", key_display="R"),
    ]

    def compose(self) -> ComposeResult:
        yield Label("", id="rotation-note", classes="note")
        yield Static(rotation_info(self.item, self.config), id="rotation-info")
        with Horizontal(classes="buttons"):
            yield Button("Configure…", variant="primary", id="rotation-configure")
            yield Button("Rotate now", variant="warning", id="rotation-now")

    @property
    def config(self):
        return getattr(self.screen, "rotation", None) if self.is_attached else None

    def on_mount(self) -> None:
        self._fill()

    def show_item(self, secret) -> None:
        super().show_item(secret)
        self._fill()

    def _fill(self) -> None:
        self.query_one("#rotation-info", Static).update(rotation_info(self.item, self.config))
        self.query_one("#rotation-note", Label).update(
            "Pending deletion: rotation is paused and cannot change." if pending(self.item) else
            "Each rotation adds a generated version that becomes SYSCURRENT and raises SECRET_ROTATED.")
        for wid in ("#rotation-configure", "#rotation-now"):
            self.query_one(wid, Button).disabled = pending(self.item)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        (self.action_configure if event.button.id == "rotation-configure" else self.action_rotate)()

    def action_configure(self) -> None:
        from dewtui.secrets.rotation_dialog import RotationDialog
        if pending(self.item):
            return
        csms, name = self.engine.csms, self.item.name

        def go(req: RotationRequest | None) -> None:
            if req is not None:
                text = f"Rotation every {req.rotation_period}" if req.enabled else "Automatic rotation off"
                self.call_engine(lambda: csms.configure_rotation(name, **req.kwargs()), label="configure rotation",
                                 success=text, done=lambda _s: self.item_changed())

        self.app.push_screen(RotationDialog(name, self.config), go)

    def action_rotate(self) -> None:
        from dewtui.widgets.confirm import ConfirmDialog
        if pending(self.item):
            return
        csms, name = self.engine.csms, self.item.name

        def go(ok: bool | None) -> None:
            if ok:
                self.call_engine(lambda: csms.rotate_secret(name), label="rotate secret",
                                 success=lambda r: f"Rotated {name}: {r.version_id} is SYSCURRENT",
                                 done=lambda _r: self.item_changed())

        self.app.push_screen(ConfirmDialog("Rotate now", f"Add a generated version to {name}? It becomes "
                                           "SYSCURRENT: applications reading SYSCURRENT get the new value.",
                                           "Rotate now"), go)
