"""The registry of top-level areas: keys, secrets, events, notifications, audit.

Adding an area is one folder plus one line in `AREAS`: the app turns each entry into a mode
(`App.MODES`), a global binding (its digit) that switches to it, a command palette entry
"Go to <title>", and registers the area's own palette providers (jump to an item).

Only the first screen (keys) is imported with the app: every other area's modules load when
it is first shown, its palette providers when the palette first opens.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module
from typing import Any, Callable

from textual.command import Provider
from textual.screen import Screen

from dewtui.keys.screen import KeyJumpProvider, KeysScreen


def _find(path: str) -> Any:
    module, name = path.split(":")
    return getattr(import_module(module), name)


def _screen_later(path: str) -> Callable[[], Screen]:
    """Builds the screen class `module:Name`, importing its module on first use."""
    return lambda: _find(path)()


def provider_later(path: str) -> Callable[[], type[Provider]]:
    """The palette provider class `module:Name`, imported when the palette first opens
    (Textual calls a non-Provider entry of `COMMANDS` for the class)."""
    return lambda: _find(path)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Area:
    id: str                                   # mode name, e.g. "keys"
    title: str                                # shown in the palette and help
    key: str                                  # global binding that switches to it
    screen: Callable[[], Screen]              # a Screen class, or what builds one (once per mode)
    # palette: jump to an item (a Provider class, or a callable returning one: loaded later)
    providers: tuple[type[Provider] | Callable[[], type[Provider]], ...] = field(default=())


AREAS: tuple[Area, ...] = (
    Area("keys", "Keys", "1", KeysScreen, (KeyJumpProvider,)),
    Area("secrets", "Secrets", "2", _screen_later("dewtui.secrets.screen:SecretsScreen"),
         (provider_later("dewtui.secrets.screen:SecretJumpProvider"),)),
    Area("events", "Events", "3", _screen_later("dewtui.events.screen:EventsScreen")),
    Area("notifications", "Notifications", "4", _screen_later("dewtui.events.notifications:NotificationsScreen")),
    Area("audit", "Audit", "5", _screen_later("dewtui.audit.screen:AuditScreen")),
    Area("iam", "IAM", "6", _screen_later("dewtui.iam.screen:IamScreen")),
)

DEFAULT_AREA = AREAS[0].id
