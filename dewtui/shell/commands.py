"""Command palette (`ctrl+p`): every bound action of the app and of the current screen.

Actions are not listed twice: the palette reads the same `Binding` objects (with their
descriptions) that drive the footer and the `?` help, plus an optional `PALETTE` list of
extra `(title, action, help)` entries on a screen for actions without a key. Area modules
add their own providers (e.g. "Go to key <alias>") through `dewtui.shell.areas`.
"""
from __future__ import annotations

from functools import partial
from typing import Iterable, Iterator

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen


def _bindings(node: object) -> Iterator[Binding]:
    for b in getattr(node, "BINDINGS", ()):
        if isinstance(b, Binding):
            yield b
        elif isinstance(b, tuple) and len(b) >= 3:
            yield Binding(*b)


def palette_entries(app, screen: Screen) -> list[tuple[str, str, object, str]]:
    """(title, action, namespace, help) for the app's and the screen's described actions."""
    from dewtui.shell.rootkey_actions import RootKeyActions  # its dialogs load with the palette
    out: list[tuple[str, str, object, str]] = []
    seen: set[str] = set()
    for node in (screen, app, RootKeyActions(app)):  # root key actions: no key, palette only
        for b in _bindings(type(node)):
            if not b.description or b.action in seen or b.action == "command_palette":
                continue
            seen.add(b.action)
            help_text = f"key {app.get_key_display(b)}" + (f" · {b.tooltip}" if b.tooltip else "")
            out.append((b.description, b.action, node, help_text))
        for title, action, help_text in getattr(node, "PALETTE", ()):
            if action not in seen:
                seen.add(action)
                out.append((title, action, node, help_text))
    return out


class ActionsProvider(Provider):
    """Every action of the current screen and of the app, by its description."""

    def _entries(self) -> Iterable[tuple[str, str, object, str]]:
        return palette_entries(self.app, self.screen)

    def _runner(self, action: str, node: object):
        return partial(self.app.run_action, action, node)

    async def discover(self) -> Hits:
        for title, action, node, help_text in self._entries():
            yield DiscoveryHit(title, self._runner(action, node), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, action, node, help_text in self._entries():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), self._runner(action, node), text=title, help=help_text)
