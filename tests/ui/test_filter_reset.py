"""Setting a list filter back to "Any …" removes it (Textual's empty Select value is Select.NULL)."""
from __future__ import annotations

from textual.widgets import Select

from ui.helpers import SIZE, make_app, settle


async def test_key_state_filter_back_to_any_lists_everything(eng):
    eng.kms.create_key("on")
    off = eng.kms.create_key("off")
    eng.kms.disable_key(off.key_id)
    app = make_app(eng)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        sel = screen.query_one("#f-state", Select)
        sel.value = "3"
        await settle(pilot)
        assert [k.key_alias for k in screen.page.keys] == ["off"]
        sel.clear()
        await settle(pilot)
        assert screen.lq.key_state is None
        assert {k.key_alias for k in screen.page.keys} == {"on", "off"}
