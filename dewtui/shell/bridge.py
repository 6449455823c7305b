"""The one road from the UI to the engine: thread workers, result messages, error toasts.

Every engine call made by a screen, pane or provider goes through `App.call_engine`. The
call runs in a thread worker (the event loop never waits on SQLite or RSA generation), its
outcome comes back as a message to the app, and `EngineBridge.on_engine_failed` is the ONE
place that turns a `DewError` into a toast "CODE: message". Anything that is not a DewError
is a bug: it is logged and shown as a short toast, never as a traceback on screen.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from textual.message import Message
from textual.widget import Widget
from textual.worker import Worker, get_current_worker

from engine import DewError

Success = str | Callable[[Any], str] | None


@dataclass
class EngineJob:
    """One engine call: what to run and what to do with its outcome (on the UI thread)."""

    fn: Callable[[], Any]
    owner: Widget | None = None            # callbacks are skipped once the owner is gone
    done: Callable[[Any], None] | None = None
    failed: Callable[[DewError], None] | None = None
    success: Success = None                # toast text on success (or a function of the result)
    quiet: bool = False                    # no error toast (the caller shows the error itself)
    label: str = field(default="engine call")

    def owner_alive(self) -> bool:
        return self.owner is None or self.owner.is_attached


class EngineDone(Message):
    def __init__(self, job: EngineJob, result: Any) -> None:
        super().__init__()
        self.job = job
        self.result = result


class EngineFailed(Message):
    def __init__(self, job: EngineJob, error: DewError) -> None:
        super().__init__()
        self.job = job
        self.error = error


class EngineBridge:
    """App mixin: `call_engine(...)` and the handlers for its two messages."""

    def call_engine(self, fn: Callable[[], Any], *, owner: Widget | None = None,
                    done: Callable[[Any], None] | None = None,
                    failed: Callable[[DewError], None] | None = None, success: Success = None,
                    quiet: bool = False, group: str = "engine", exclusive: bool = False,
                    label: str = "engine call") -> Worker:
        """Run `fn()` (an engine call, no arguments) in a thread worker.

        `exclusive=True` with a `group` drops the outcome of an older call of the same group
        (a list reload while the user types): only the latest one reaches the screen.
        """
        job = EngineJob(fn, owner, done, failed, success, quiet, label)
        return self.run_worker(lambda: self._run_job(job), thread=True, exit_on_error=False,  # type: ignore[attr-defined]
                               group=group, exclusive=exclusive, name=label)

    def _run_job(self, job: EngineJob) -> None:
        try:
            result = job.fn()
        except DewError as err:
            if not get_current_worker().is_cancelled:
                self.post_message(EngineFailed(job, err))  # type: ignore[attr-defined]
            return
        except Exception as exc:  # a bug: never a traceback on screen
            self.log.error(f"{job.label} failed", exc)  # type: ignore[attr-defined]
            bug = DewError("DEW.BUG", f"{job.label} failed unexpectedly ({type(exc).__name__})", 500)
            self.post_message(EngineFailed(job, bug))  # type: ignore[attr-defined]
            return
        if not get_current_worker().is_cancelled:
            self.post_message(EngineDone(job, result))  # type: ignore[attr-defined]

    def on_engine_done(self, message: EngineDone) -> None:
        job = message.job
        if job.success:
            text = job.success(message.result) if callable(job.success) else job.success
            self.notify(text, severity="information", timeout=4)  # type: ignore[attr-defined]
        if job.done is not None and job.owner_alive():
            job.done(message.result)

    def on_engine_failed(self, message: EngineFailed) -> None:
        job, err = message.job, message.error
        if not job.quiet:
            self.show_error(err)
        if job.failed is not None and job.owner_alive():
            job.failed(err)

    def show_error(self, err: DewError) -> None:
        """The one place a refusal becomes a toast: its code and its message. A refusal for
        lack of permission is kept for "Why was that refused?" and its toast says so."""
        from dewtui.iam.why import remember_refusal
        title = "Refused · w: why?" if remember_refusal(self, err) else "Refused"
        self.notify(f"{err.code}: {err.message}", title=title, severity="error", timeout=8)  # type: ignore[attr-defined]
