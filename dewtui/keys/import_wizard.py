"""The import wizard's four steps, as the guide's console (2.1.3.2), one dialog each.

1. create the empty key (the new-key form of `dewtui.keys.key_form`, and "I understand…");
2. wrapping algorithm and wrapping key spec, and the folder for the import items;
3. the openssl commands to run there, with the real file names;
4. the wrapped material file (and private-key file), the expiry mode → import.

Each step is a form returning a typed request (`dewtui.keys.requests`); the flow in
`dewtui.keys.import_flow` makes the engine calls between them, except step 1, which creates
the key itself before it closes (a `CheckedForm`, so a refusal stays beside its field). Nothing random is shown (no token,
no public key), so the steps snapshot deterministically.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Label, RadioButton, RadioSet, Select, Static

from dewtui.keys.import_files import MATERIAL_FILE, PRIVATE_KEY_FILE, display_path, file_problem, openssl_commands
from dewtui.keys.checked_form import CheckedForm
from dewtui.keys.key_form import NewKeyForm, field_row, refused_key_field
from dewtui.keys.requests import CreateKeyRequest, ImportMaterialRequest, ImportTarget, SavedItems, WrappingRequest
from dewtui.shell.fmt import parse_utc, when
from dewtui.widgets.form import FormDialog
from engine.catalog import IMPORT_SPECS, WRAPPING_ALGORITHMS, WRAPPING_KEY_SPECS

UNDERSTAND = "I understand the security and durability of imported key material"
TIME_FORMAT = "%Y-%m-%d %H:%M"
BACK = "back"


def _step(n: int, title: str) -> Label:
    return Label(f"Import key · step {n} of 4 · {title}", classes="dialog-title")


def target_line(target: ImportTarget) -> str:
    return f"Key [b]{target.alias}[/]  [dim]{target.key_spec} · {target.key_id}[/]"


class ImportKeyDialog(NewKeyForm, CheckedForm[object]):
    """Step 1: the key whose material will be imported (origin external, Pending import).
    The engine creates it before the step closes; a refusal stays beside its field."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "submit", "Next")]
    CALL_LABEL = "create key"

    def __init__(self, max_tags: int = 20) -> None:
        super().__init__()
        self.max_tags = max_tags

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="import-key"):
            yield _step(1, "create a key without material")
            yield from self.key_rows(IMPORT_SPECS)
            yield Label("You are responsible for the security of your key material: keep a copy. "
                        "An imported key is bound to its first material forever and is never rotated.",
                        classes="explain")
            yield Checkbox(UNDERSTAND, id="understand")
            yield Static("", id="errors", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Next", variant="primary", id="ok", disabled=True)
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#alias", Input).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        self.offer_usages(event)

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        self.query_one("#ok", Button).disabled = not event.value

    def request(self) -> CreateKeyRequest | None:
        understood = self.query_one("#understand", Checkbox).value
        return self.key_request(origin="external", also={} if understood else {
            "understand": "tick “I understand…” to create a key for imported material"})

    def engine_call(self, req: CreateKeyRequest):
        kms = self.app.engine.kms  # type: ignore[attr-defined]
        return lambda: kms.create_key(**req.kwargs())

    def field_for(self, err) -> str | None:
        return refused_key_field(err)


class WrappingDialog(CheckedForm[WrappingRequest]):
    """Step 2: wrapping algorithm and key spec; where to save PublicKey.bin and the token."""

    def __init__(self, target: ImportTarget, directory: str, error: str = "") -> None:
        super().__init__()
        self.target, self.directory, self.error = target, directory, error

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="import-wrapping"):
            yield _step(2, "download the import items")
            yield Static(target_line(self.target), classes="key-list")
            yield field_row("Wrapping algorithm", Select([(a, a) for a in WRAPPING_ALGORITHMS],
                                                    value=WRAPPING_ALGORITHMS[0], allow_blank=False,
                                                    id="algorithm"))
            yield field_row("Wrapping key spec", Select([(s, s) for s in WRAPPING_KEY_SPECS],
                                                   value=WRAPPING_KEY_SPECS[0], allow_blank=False, id="wrap-spec"))
            yield field_row("Save to folder", Input(self.directory, id="directory"))
            yield Label("The wrapping key (PublicKey.bin, DER) and the import token (ImportToken.txt) "
                        "are saved there, readable by you only. They expire in 24 hours; the wizard "
                        "keeps the token for the last step.", classes="explain")
            yield Static(self.error, id="errors", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Save and continue", variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#algorithm", Select).focus()

    def request(self) -> WrappingRequest | None:
        directory = self.query_one("#directory", Input).value.strip()
        if not directory:
            self.query_one("#errors", Static).update("• choose a folder for the import items")
            return None
        return WrappingRequest(str(self.query_one("#algorithm", Select).value),
                               str(self.query_one("#wrap-spec", Select).value), directory)


def commands_text(saved: SavedItems) -> str:
    lines = []
    for comment, command in openssl_commands(saved.target.key_spec, saved.wrapping_algorithm, saved.directory):
        lines.append(f"# {comment}")
        if command:
            lines.append(command)
    return "\n".join(lines)


def commands_rich(saved: SavedItems) -> Text:
    """The commands with their comments dimmed (the text is never parsed as markup)."""
    text = Text()
    for line in commands_text(saved).splitlines():
        text.append(line + "\n", style="dim italic" if line.startswith("#") else "bold")
    text.rstrip()
    return text


class CommandsDialog(FormDialog[bool]):
    """Step 3: what was saved, and the openssl commands to wrap the material with it."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("c", "copy", "Copy commands")]

    def __init__(self, saved: SavedItems) -> None:
        super().__init__()
        self.saved = saved

    def compose(self) -> ComposeResult:
        s = self.saved
        with Vertical(classes="dialog wide", id="import-commands"):
            yield _step(3, "wrap your key material")
            yield Static(target_line(s.target), classes="key-list")
            yield Static(f"Saved [b]{display_path(s.public_key_file)}[/] (wrapping key, {s.wrapping_algorithm})\n"
                         f"Saved [b]{display_path(s.token_file)}[/] (import token, valid until "
                         f"{when(s.expires)} UTC)", id="saved")
            yield Label("Run these commands (OpenSSL 1.0.2 or later), or wrap the material on your HSM:",
                        classes="explain")
            with VerticalScroll(id="commands-box"):
                yield Static(commands_rich(s), id="commands")
            with Horizontal(classes="buttons"):
                yield Button("Next: import", variant="primary", id="ok")
                yield Button("Copy commands", id="copy")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#ok", Button).focus()

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(commands_text(self.saved))
        self.notify("Copied the commands to the clipboard", timeout=3)

    def request(self) -> bool:
        return True

    def on_other_button(self, button_id: str | None) -> None:
        if button_id == "copy":
            self.action_copy()


class MaterialDialog(CheckedForm[ImportMaterialRequest | str]):
    """Step 4: the wrapped material (and private key) files and the expiry mode."""

    def __init__(self, saved: SavedItems, now: datetime, previous: ImportMaterialRequest | None = None,
                 error: str = "") -> None:
        super().__init__()
        self.saved, self.now, self.previous, self.error = saved, now, previous, error

    def _defaults(self) -> tuple[str, str, bool, str]:
        folder = self.saved.directory.rstrip("/")
        p = self.previous
        material = p.material_file if p else f"{folder}/{MATERIAL_FILE}"
        private = (p.private_key_file or "") if p else f"{folder}/{PRIVATE_KEY_FILE}"
        never = bool(p) and p.expiration_time is None
        at = p.expiration_time if p and p.expiration_time else self.now + timedelta(hours=24)
        return material, private, never, at.strftime(TIME_FORMAT)

    def compose(self) -> ComposeResult:
        material, private, never, at = self._defaults()
        symmetric = self.saved.target.symmetric
        with Vertical(classes="dialog wide", id="import-material"):
            yield _step(4, "import the key material")
            yield Static(target_line(self.saved.target), classes="key-list")
            yield field_row("Key material" if symmetric else "Temporary material", Input(material, id="material"))
            if not symmetric:
                yield field_row("Private key", Input(private, id="private-key"))
            yield Label("Key material expiration", classes="area-label")
            with RadioSet(id="expiry-mode"):
                yield RadioButton("Key material never expires", value=never, id="never")
                yield RadioButton("Key material expires at (UTC)", value=not never, id="expires")
            yield field_row("Expires at (UTC)", Input(at, placeholder="YYYY-MM-DD HH:MM", id="expires-at"))
            yield Label("Expired material is deleted within 24 hours; the key then waits in Pending "
                        "import for the same material again. The import token is sent automatically.",
                        classes="explain")
            yield Static(self.error, id="errors", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Import", variant="primary", id="ok")
                yield Button("Back", id="back")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self._sync_expiry()
        self.query_one("#material", Input).focus()

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        self._sync_expiry()

    def _sync_expiry(self) -> None:
        self.query_one("#expires-at", Input).disabled = self.query_one("#never", RadioButton).value

    def _validate(self) -> ImportMaterialRequest | None:
        errors = []
        material = self.query_one("#material", Input).value.strip()
        problem = file_problem(material, "key material" if self.saved.target.symmetric else "temporary material")
        errors += [problem] if problem else []
        private = None
        if not self.saved.target.symmetric:
            private = self.query_one("#private-key", Input).value.strip()
            problem = file_problem(private, "private key")
            errors += [problem] if problem else []
        expires = None
        if not self.query_one("#never", RadioButton).value:
            try:
                expires = parse_utc(self.query_one("#expires-at", Input).value)
                if expires is None:
                    raise ValueError("no time")
                if expires <= self.now:
                    errors.append("the expiry time must be in the future")
            except ValueError:
                errors.append("expiry time: YYYY-MM-DD HH:MM (UTC)")
        self.query_one("#errors", Static).update("\n".join(f"• {e}" for e in errors))
        return None if errors else ImportMaterialRequest(material, private, expires)

    def request(self) -> ImportMaterialRequest | None:
        return self._validate()

    def on_other_button(self, button_id: str | None) -> None:
        if button_id == "back":
            self.dismiss(BACK)
