"""The acting principal: switch the whole app to another user, and back.

`app.engine` is what every screen calls; switching replaces it with `root.as_user(name)`
(a view sharing the database, root key, clock and randomness), so every later call runs —
and is audited — as that user. The engine the app was opened with (the local account's
administrator) is kept as the root: users are listed and created through it, since the
person at this terminal owns the data directory. The header shows the acting user, and the
visible screen reloads so what it shows is what that user may see.
"""
from __future__ import annotations

from typing import Any

from dewtui.iam.requests import PrincipalRequest


def root_engine(app: Any):
    """The engine the app was opened with (its administrator)."""
    root = getattr(app, "_root_engine", None)
    if root is None:
        root = app._root_engine = app.engine
    return root


def header_text(app: Any) -> str:
    from dewtui.shell.app import data_location
    location = getattr(app, "_location", None)
    location = location if location is not None else data_location(app.engine)
    return f"{app.engine.principal.name} · {location}"


def act_as_flow(app: Any) -> None:
    """Ask which user to act as (or create one), then switch."""
    from dewtui.iam.principal_dialog import PrincipalDialog
    if app.engine.sealed:
        return
    root = root_engine(app)

    def chosen(req: PrincipalRequest | None) -> None:
        if req is not None:
            switch_principal(app, req)

    app.call_engine(root.iam.list_users, label="list users",
                    done=lambda users: app.push_screen(PrincipalDialog(users, app.engine.principal.name), chosen))


def switch_principal(app: Any, req: PrincipalRequest) -> None:
    root = root_engine(app)

    def work():
        if req.create:
            root.iam.create_user(req.name)
        return root.as_user(req.name)

    app.call_engine(work, label="act as user", success=f"Acting as {req.name}",
                    done=lambda view: acting(app, view))


def acting(app: Any, view: Any) -> None:
    """Make `view` the app's engine, show it in the header, refresh what is visible."""
    app.engine = view
    text = header_text(app)
    from dewtui.events.inbox_watch import InboxWatch
    watch = InboxWatch.of(app)
    if watch is not None:
        watch.base = text  # the unread counter appends to this base
        watch.count = None
    app.sub_title = text
    if watch is not None:
        watch.poll()
    refresh_visible(app)


def refresh_visible(app: Any) -> None:
    """Reload the visible screen (and its key panes) from the engine."""
    screen = app.screen
    for name in ("reload_key", "reload_secret", "reload"):
        method = getattr(screen, name, None)
        if callable(method):
            method()
            break
    from dewtui.widgets.detail_pane import KeyPane
    for pane in screen.query(KeyPane):
        load = getattr(pane, "load", None)
        if callable(load):
            load()
