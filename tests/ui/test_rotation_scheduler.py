"""The scheduler inside the TUI: APScheduler really fires, does the due rotation, the visible
Rotation policy tab refreshes; the app starts it only when asked and stops it on exit."""
from __future__ import annotations

from datetime import timedelta

from dewtui.shell.scheduler_bridge import SchedulerBridge
from ui.helpers import SIZE, make_app, settle


async def test_scheduler_pass_rotates_and_refreshes_the_tab(eng, clock):
    key = eng.kms.create_key("app/pay")
    eng.kms.update_key_rotation_interval(key.key_id, 30)
    eng.kms.enable_key_rotation(key.key_id)
    clock.advance(timedelta(days=31))  # the rotation is overdue
    app = make_app(eng)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert SchedulerBridge.of(app) is None  # tests opt in
        await pilot.press("enter")
        await settle(pilot)
        app.screen.action_show_tab("rotation")
        await settle(pilot)
        status = app.screen.query_one("#rotation-status")
        assert "Number of rotations  0" in str(status.render())
        bridge = SchedulerBridge.start(app, interval=0.05, run_now=True)
        for _ in range(200):  # bounded wait for a real APScheduler pass
            if bridge.worked:
                break
            await pilot.pause(0.05)
        await settle(pilot)
        assert bridge.worked >= 1
        assert eng.kms.get_key_rotation_status(key.key_id).number_of_rotations == 1  # once, not per pass
        assert "Number of rotations  1" in str(status.render())
        runner = bridge.runner
    assert not runner.running  # stopped when the app exits


async def test_app_starts_scheduler_when_asked(eng):
    app = make_app(eng, scheduler=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        bridge = SchedulerBridge.of(app)
        assert bridge is not None and bridge.runner.running
        runner = bridge.runner
    assert not runner.running
