"""`?` help overlay: every binding of the screen below (focused widget, screen, app)."""
from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static


def _title(node: object) -> str:
    from textual.app import App
    if isinstance(node, App):
        return "Everywhere"
    if isinstance(node, Screen):
        return f"This screen ({type(node).__name__.removesuffix('Screen')})"
    return type(node).__name__


def binding_rows(screen: Screen) -> list[tuple[str, str, str, str]]:
    """(group, key, description, tooltip) for the screen's active bindings, grouped by where
    they are defined: the focused widget, the screen, then the app ("Everywhere")."""
    app = screen.app
    rows: list[tuple[str, str, str, str]] = []
    seen: set[tuple[str, str]] = set()
    for _key, active in screen.active_bindings.items():
        b = active.binding
        if not b.description:
            continue
        ident = (b.key_display or app.get_key_display(b), b.description)
        if ident not in seen:
            seen.add(ident)
            rows.append((_title(active.node), ident[0], b.description, b.tooltip or ""))
    rank = lambda g: (g == "Everywhere", not g.startswith("This screen"), g)  # noqa: E731
    return sorted(rows, key=lambda r: rank(r[0]))


def binding_table(rows: list[tuple[str, str, str, str]]) -> Table:
    table = Table(show_header=False, box=None, padding=(0, 2))
    table.add_column("key", style="bold", no_wrap=True, min_width=12)
    table.add_column("action")
    group = None
    for name, key, description, tooltip in rows:
        if name != group:
            if group is not None:
                table.add_row("", "")
            table.add_row(f"[b]{name}[/]", "")
            group = name
        table.add_row(key, description + (f"  [dim]{tooltip}[/]" if tooltip else ""))
    table.add_row("", "")
    table.add_row("ctrl+p", "Command palette: every action, and jump to a key by alias")
    return table


class HelpDialog(ModalScreen[None]):
    BINDINGS = [Binding("escape", "close", "Close"), Binding("question_mark", "close", "Close", key_display="?")]

    def __init__(self, below: Screen) -> None:
        super().__init__()
        self.rows = binding_rows(below)

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="help"):
            yield Label("Keys and actions", classes="dialog-title")
            yield Static(binding_table(self.rows), id="help-table")
            yield Label("esc or ? closes this help", classes="hint")

    def action_close(self) -> None:
        self.dismiss(None)
