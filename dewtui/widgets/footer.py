"""The footer of every screen: Textual's, with `? Help` moved to the front, so a narrow
terminal that cuts the last bindings still shows how to find them all."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

PINNED_ACTIONS = ("help",)  # actions whose key comes first, visible at any width


class DewFooter(Footer):
    def compose(self) -> ComposeResult:
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
