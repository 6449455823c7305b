"""The create-key flow: projects → dialog (which creates the key) → toast → refresh.

RSA-4096 generation can take a second: it runs in the engine call's thread worker while the
dialog shows a progress bar, so the UI keeps responding while the key is being made.
"""
from __future__ import annotations

from typing import Callable



def create_key_flow(screen, after: Callable[[object], None]) -> None:
    from dewtui.keys.create_dialog import CreateKeyDialog
    engine = screen.engine

    def create(key) -> None:
        if key is None:
            return
        screen.notify(f"Created key {key.key_alias}", timeout=4)
        after(key)

    def ask(projects: list[str]) -> None:
        screen.app.push_screen(CreateKeyDialog(projects, engine.settings.tags_per_resource), create)

    screen.call_engine(engine.kms.list_enterprise_projects, label="list projects", done=ask,
                       failed=lambda _e: ask(["default"]))
