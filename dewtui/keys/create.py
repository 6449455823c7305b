"""The create-key flow: projects → dialog → `create_key` in a worker → toast → refresh.

RSA-4096 generation can take a second: it runs in the engine call's thread worker, so the
UI keeps responding while the key is being made.
"""
from __future__ import annotations

from typing import Callable

from dewtui.keys.requests import CreateKeyRequest


def create_key_flow(screen, after: Callable[[object], None]) -> None:
    from dewtui.keys.create_dialog import CreateKeyDialog
    engine = screen.engine

    def create(req: CreateKeyRequest | None) -> None:
        if req is None:
            return
        if req.key_spec.startswith("RSA_") and req.origin == "kms":
            screen.notify(f"Generating {req.key_spec} key material…", timeout=3)
        screen.call_engine(lambda: engine.kms.create_key(**req.kwargs()), label="create key",
                           success=lambda k: f"Created key {k.key_alias}", done=after)

    def ask(projects: list[str]) -> None:
        screen.app.push_screen(CreateKeyDialog(projects, engine.settings.tags_per_resource), create)

    screen.call_engine(engine.kms.list_enterprise_projects, label="list projects", done=ask,
                       failed=lambda _e: ask(["default"]))
