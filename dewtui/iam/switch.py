"""The acting principal: switch the whole app to another user, and back (ctrl+u).

`app.engine` is what every screen calls; switching replaces it with `root.as_user(name)`
(a view sharing the database, root key, clock and randomness), so every later call runs —
and is audited — as that user. The engine the app was opened with (the local account's
administrator, `app.root_engine`) lists and creates the users, since the person at this
terminal owns the data directory. `app.act_as(view)` then updates the header and tells the
visible screens, which reload what they show as that user.
"""
from __future__ import annotations

from typing import Any

from dewtui.iam.requests import PrincipalRequest


def act_as_flow(app: Any) -> None:
    """Ask which user to act as (or create one), then switch."""
    from dewtui.iam.principal_dialog import PrincipalDialog
    if app.engine.sealed:
        return
    root = app.root_engine

    def chosen(req: PrincipalRequest | None) -> None:
        if req is not None:
            switch_principal(app, req)

    app.call_engine(root.principals, label="list users",
                    done=lambda users: app.push_screen(PrincipalDialog(users, app.engine.principal.name), chosen))


def switch_principal(app: Any, req: PrincipalRequest) -> None:
    root = app.root_engine

    def work():
        if req.create:
            root.iam.create_user(req.name)
        return root.as_user(req.name)

    app.call_engine(work, label="act as user", success=f"Acting as {req.name}", done=app.act_as)
