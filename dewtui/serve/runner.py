"""Run the HTTP API on uvicorn: bounded, announced, and shut down cleanly.

`Server` prints one line with `http(s)://HOST:PORT` and the project id once it accepts
connections, writes `$DEW_HOME/serve.json` ({pid, url, project_id}) so the TUI can show that a
server runs on this home, and removes it on exit. uvicorn's limits keep a slow or greedy
client from holding the server: idle keep-alive connections close after a few seconds, an
incomplete request's buffered bytes are capped, concurrent connections are bounded; the
app cuts off a body that stops arriving. SIGINT/SIGTERM stop it gracefully (in-flight requests
finish); the scheduler, when it runs inside, stops with it.
"""
from __future__ import annotations

import signal
import threading
from dataclasses import dataclass
from typing import Any, Callable

import uvicorn

from dewtui.serve.app import MAX_BODY, THREADS, create_app
from dewtui.serve.state_file import remove_state, write_state

KEEP_ALIVE_SECONDS = 5
MAX_INCOMPLETE_EVENT = 16 * 1024  # bytes of an unfinished request line + headers
MAX_CONNECTIONS = 256
GRACEFUL_SHUTDOWN_SECONDS = 10  # in-flight requests may finish; then they are cancelled


@dataclass
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8090
    tls_cert: str | None = None
    tls_key: str | None = None
    threads: int = THREADS
    max_body: int = MAX_BODY


def uvicorn_config(app: Any, opts: ServeOptions) -> uvicorn.Config:
    # h11 explicitly: its incomplete-event limit is what bounds a request's head
    return uvicorn.Config(app, host=opts.host, port=opts.port, log_level="warning", access_log=False,
                          lifespan="off", http="h11", timeout_keep_alive=KEEP_ALIVE_SECONDS,
                          h11_max_incomplete_event_size=MAX_INCOMPLETE_EVENT,
                          limit_concurrency=MAX_CONNECTIONS, timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
                          ssl_certfile=opts.tls_cert,
                          ssl_keyfile=opts.tls_key, server_header=False)


def display_host(host: str) -> str:
    if host in ("0.0.0.0", ""):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


class Server(uvicorn.Server):
    """uvicorn's server that reports its URL once listening (`on_ready(url)`)."""

    def __init__(self, config: uvicorn.Config, on_ready: Callable[[str], None] | None = None) -> None:
        super().__init__(config)
        self.on_ready = on_ready
        self.url = ""
        self.ready = threading.Event()

    async def startup(self, sockets: Any = None) -> None:
        await super().startup(sockets=sockets)
        if self.should_exit or not self.servers:
            return
        port = self.servers[0].sockets[0].getsockname()[1]
        scheme = "https" if self.config.ssl_certfile else "http"
        self.url = f"{scheme}://{display_host(self.config.host)}:{port}"
        if self.on_ready is not None:
            self.on_ready(self.url)
        self.ready.set()

    async def shutdown(self, sockets: Any = None) -> None:
        # An idle TLS keep-alive connection would wait up to 30 s for the client's close_notify:
        # abort those at once (a connection with a request in flight finishes it as usual).
        if self.config.ssl_certfile:
            for connection in list(self.server_state.connections):
                cycle = getattr(connection, "cycle", None)
                transport = getattr(connection, "transport", None)
                if transport is not None and (cycle is None or getattr(cycle, "response_complete", False)):
                    transport.abort()
        await super().shutdown(sockets=sockets)


def serve(eng: Any, opts: ServeOptions, *, scheduler: bool = True, interval: float | None = None,
          announce: Callable[[str], None] = print) -> int:
    """Serve `eng` until SIGINT/SIGTERM; → exit code (0)."""
    project_id = eng.project_id
    runner = None
    if scheduler:
        from engine.catalog import SchedulerRunner
        runner = SchedulerRunner(eng, interval)

    def ready(url: str) -> None:
        write_state(eng.home, url, project_id)
        announce(f"dewtui serve: listening on {url} (project id {project_id}); Ctrl-C to stop")

    server = Server(uvicorn_config(create_app(eng, max_body=opts.max_body, threads=opts.threads), opts), ready)
    main = threading.current_thread() is threading.main_thread()
    # uvicorn re-raises the signal that stopped it once it is done: keep SIGTERM from
    # killing the process before the state file is removed
    previous = signal.signal(signal.SIGTERM, lambda *_: None) if main else None
    try:
        if runner is not None:
            runner.start(run_now=True)
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        if runner is not None:
            runner.stop()
        remove_state(eng.home)
        if main:
            signal.signal(signal.SIGTERM, previous)
    announce("dewtui serve: stopped")
    return 0
