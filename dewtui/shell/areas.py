"""The registry of top-level areas: keys, secrets, events, notifications, audit.

Adding an area is one folder plus one line in `AREAS`: the app turns each entry into a mode
(`App.MODES`), a global binding (its digit) that switches to it, a command palette entry
"Go to <title>", and registers the area's own palette providers (jump to an item).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from textual.command import Provider
from textual.screen import Screen

from dewtui.audit.screen import AuditScreen
from dewtui.events.notifications import NotificationsScreen
from dewtui.events.screen import EventsScreen
from dewtui.iam.screen import IamScreen
from dewtui.keys.screen import KeyJumpProvider, KeysScreen
from dewtui.secrets.screen import SecretJumpProvider, SecretsScreen


@dataclass(frozen=True)
class Area:
    id: str                                   # mode name, e.g. "keys"
    title: str                                # shown in the palette and help
    key: str                                  # global binding that switches to it
    screen: Callable[[], Screen]              # a Screen class (built once per mode)
    providers: tuple[type[Provider], ...] = field(default=())  # palette: jump to an item


AREAS: tuple[Area, ...] = (
    Area("keys", "Keys", "1", KeysScreen, (KeyJumpProvider,)),
    Area("secrets", "Secrets", "2", SecretsScreen, (SecretJumpProvider,)),
    Area("events", "Events", "3", EventsScreen),
    Area("notifications", "Notifications", "4", NotificationsScreen),
    Area("audit", "Audit", "5", AuditScreen),
    Area("iam", "IAM", "6", IamScreen),
)

DEFAULT_AREA = AREAS[0].id
