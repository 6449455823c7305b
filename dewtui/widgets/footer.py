"""The footer of every screen: Textual's, with `? Help` moved to the front, so a narrow
terminal that cuts the last bindings still shows how to find them all.

Textual's footer rebuilds all its keys on every "bindings may have changed" signal (each
focus change, screen resume or suspend, dialog pushed or popped): dozens of times while the
app starts, each time the same keys. This one rebuilds only when what it would show differs
from what it shows, once per refresh however many signals came in; its first keys are
mounted at once, so that they are in the screen's first frame.
"""
from __future__ import annotations

from typing import Hashable

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

PINNED_ACTIONS = ("help",)  # actions whose key comes first, visible at any width


class DewFooter(Footer):
    def __init__(self, *args, **kw) -> None:
        super().__init__(*args, **kw)
        self._shown: Hashable = None  # what the keys on screen were composed from
        self._check_pending = False  # a look at the bindings waits for the next refresh

    def shown_bindings(self) -> Hashable:
        """Everything compose() builds the keys from: equal values, the same keys."""
        if not self._bindings_ready:
            return None
        app = self.app
        palette_key = app.COMMAND_PALETTE_BINDING  # shown on the right even when show=False
        keys = tuple((key, binding, app.get_key_display(binding), enabled, tooltip)
                     for key, (_node, binding, enabled, tooltip) in self.screen.active_bindings.items()
                     if binding.show or key == palette_key)
        return keys, self.show_command_palette, app.ENABLE_COMMAND_PALETTE

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self._shown is None and not self.children and self.is_attached and screen is self.screen:
            # the first keys, at once: in the screen's first frame (a recompose would wait for
            # the screen to finish mounting, and then its first frame would go without them)
            self.mount_all(list(self.compose()))
        elif self.is_attached and screen is self.screen and not self._check_pending:
            self._check_pending = True
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        self._check_pending = False
        if self.is_attached and self.shown_bindings() != self._shown:
            await self.recompose()

    def compose(self) -> ComposeResult:
        self._shown = self.shown_bindings()
        pinned: set[str] = set()
        if self._bindings_ready:
            for _node, binding, enabled, tooltip in self.screen.active_bindings.values():
                if binding.show and binding.action in PINNED_ACTIONS and binding.action not in pinned:
                    pinned.add(binding.action)
                    yield FooterKey(binding.key, self.app.get_key_display(binding), binding.description,
                                    binding.action, disabled=not enabled,
                                    tooltip=tooltip).data_bind(compact=Footer.compact)
        for widget in super().compose():
            if not (isinstance(widget, FooterKey) and widget.action in pinned):
                yield widget
