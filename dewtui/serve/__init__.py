"""`dewtui serve`: the SDK-compatible HTTP API over the engine (Starlette on uvicorn).

`app.create_app(eng)` builds the ASGI app from `engine.operations`; `signing` rebuilds the
SDK-HMAC-SHA256 string to sign; `runner.serve` runs it; `command.serve_command` is the CLI
command. Nothing here imports Textual.
"""
