"""Palette "Run operation: <name>": every table entry is reachable from the palette and the
CLI; one is run through its generated form (a missing required field is refused in the
form, then the engine runs it as the TUI's principal and the response shows as JSON with
its secret values hidden until asked)."""
from __future__ import annotations

import json

from textual.widgets import Button, Input, Static, TextArea

from dewtui.__main__ import cli
from dewtui.shell.operations_palette import OperationForm, OperationResult, OperationsProvider, title_of
from engine.operations import OPERATIONS
from policies import traces
from ui.helpers import SIZE, settle, toasts


async def test_every_operation_is_reachable_from_the_palette_and_the_cli(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        provider = OperationsProvider(app.screen)
        for op in OPERATIONS:
            hits = [h async for h in provider.search(title_of(op))]
            assert title_of(op) in [h.text for h in hits], op.name
    root = cli.make_context("dewtui", [], resilient_parsing=True)
    for op in OPERATIONS:
        group = cli.get_command(root, op.service)
        assert group is not None and group.get_command(root, op.name) is not None, op.name


async def test_run_an_operation_from_the_palette(app, eng):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"Run operation: create-key")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, OperationForm) and form.op.name == "create-key"
        await pilot.press("ctrl+s")  # key_alias is required
        await settle(pilot)
        assert app.screen is form
        assert "key_alias is required" in str(form.query_one("#errors", Static).render())
        form.query_one("#op-key-alias", Input).value = "from-palette"
        await pilot.press("ctrl+s")
        await settle(pilot)
        result = app.screen
        assert isinstance(result, OperationResult), toasts(app)
        key_id = result.body["key_info"]["key_id"]
        assert json.loads(result.query_one("#op-body", TextArea).text)["key_info"]["key_id"] == key_id
        await pilot.press("escape")
        await settle(pilot)
        assert eng.kms.describe_key(key_id).key_alias == "from-palette"
        [t] = traces(eng, eng.principal.domain_id, "createKey")
        assert (t.user, t.source) == (app.engine.principal.name, app.engine.context.source)

        ct = eng.kms.encrypt_data(key_id, b"palette secret").cipher_text
        await pilot.press("ctrl+p", *"Run operation: decrypt-data")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        app.screen.query_one("#op-cipher-text", Input).value = ct
        await pilot.press("ctrl+s")
        await settle(pilot)
        result = app.screen
        assert isinstance(result, OperationResult)
        shown = result.query_one("#op-body", TextArea).text
        assert "palette secret" not in shown and json.loads(shown)["plain_text"] == "***"
        await pilot.click("#reveal")
        await settle(pilot)
        assert json.loads(result.query_one("#op-body", TextArea).text)["plain_text"] == "palette secret"
        assert not result.query("#reveal") and result.query_one("#close", Button)
