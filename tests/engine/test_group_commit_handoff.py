"""Group commit hands the turn from call to call: each waiting call sleeps on a lock of its
own until the giver has made it the holder. A call interrupted just as the turn reaches it
leaves nobody stranded: the group it was to join is still committed.

The waits below have timeouts only so that a broken build fails instead of hanging."""
from __future__ import annotations

import threading

import engine.db as db_module

WAIT = 60  # seconds before a wait that should end at once counts as a hang


def in_thread(fn):
    """Run `fn` in a thread → (thread, outcome dict: 'result' or 'error')."""
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["result"] = fn()
        except BaseException as e:  # kept for the assertion
            outcome["error"] = e

    t = threading.Thread(target=run)
    t.start()
    return t, outcome


def test_a_call_that_gives_up_as_the_turn_reaches_it_leaves_its_group_committed(eng, monkeypatch):
    """A member hands the turn to the one call waiting and sleeps; that call is interrupted
    as it wakes: the member is woken, commits the group itself and returns."""
    groups = eng.context.db.groups

    class Interrupted(Exception):
        pass

    class InterruptedWaiter(db_module._Waiter):
        """Wakes holding the turn, then is interrupted (as by a signal)."""

        def __init__(self, ident: int) -> None:
            super().__init__(ident)
            real = self.lock

            class Lock:
                def acquire(self) -> bool:
                    real.acquire()
                    raise Interrupted()

                def release(self) -> None:
                    real.release()
            self.lock = Lock()

    monkeypatch.setattr(db_module, "_Waiter", InterruptedWaiter)
    group = groups.enter()
    waiter, waiter_out = in_thread(groups.enter)
    with groups.condition:
        assert groups.condition.wait_for(lambda: groups.waiting == 1, WAIT)
    member, member_out = in_thread(lambda: groups.leave(group))  # hands the turn on, sleeps
    for t in (waiter, member):
        t.join(WAIT)
        assert not t.is_alive()
    assert isinstance(waiter_out["error"], Interrupted)
    assert member_out == {"result": None} and group.done and group.error is None
    assert not groups.held_by_another() and groups.waiting == 0
    assert eng.kms.create_key("after").key_alias == "after"  # the turn is free
