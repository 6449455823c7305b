"""What every engine command of the CLI shares: the data directory, opening the engine as
the right principal, printing a response, and the exit codes.

Exit codes: 0 done; 1 refused (the engine's code and message on stderr, nothing on
stdout); 2 usage (Click's own: an unknown option, a missing required field, a bad choice).
Output: `--output json|table|text`, json by default when stdout is not a terminal (a pipe,
a file, a script), a table when it is. Values that are secrets (plaintexts, data keys,
secret values, generated random bytes) print as `***` unless `--show-secret`.
"""
from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from typing import Any, Callable, Iterator, NoReturn

import click

from dewtui.cli.masking import hide_secrets

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2
OUTPUTS = ("json", "table", "text")


# --- common options ------------------------------------------------------------------------
def common_options() -> list[click.Option]:
    """`--output`, `--show-secret`, `--as` and `--home`: every command that calls the engine."""
    return [
        click.Option(["--output", "-o", "output"], type=click.Choice(OUTPUTS), default=None,
                     help="json (default when stdout is not a terminal), table (default on a "
                          "terminal) or text"),
        click.Option(["--show-secret"], is_flag=True, default=False,
                     help="print secret values (plaintexts, data keys, secret values) instead of ***"),
        click.Option(["--as", "as_user"], metavar="USER", default=None,
                     help="act as this user (default: the account's administrator)"),
        click.Option(["--home", "home"], metavar="DIR", default=None,
                     help="data directory (default: the --home given before the command, "
                          "DEW_HOME, or the platform's user data dir)"),
    ]


def engine_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator form of `common_options` for hand-written commands."""
    params = getattr(fn, "__click_params__", []) + list(reversed(common_options()))
    fn.__click_params__ = params  # type: ignore[attr-defined]
    return fn


COMMON_PARAMS = frozenset({"home", "as_user", "show_secret", "output"})


def home_of(ctx: click.Context, home: str | None = None) -> str | None:
    """The command's own --home, else the one given to `dewtui` before the command."""
    if home:
        return home
    root = ctx.find_root()
    value = root.params.get("home")
    return value if isinstance(value, str) and value else None


# --- refusals ------------------------------------------------------------------------------
def refuse(code: str, message: str) -> NoReturn:
    """Print `dewtui: CODE: message` on stderr and exit 1."""
    click.echo(f"dewtui: {code}: {message}", err=True)
    raise click.exceptions.Exit(EXIT_REFUSED)


@contextmanager
def refusals() -> Iterator[None]:
    """Turn the engine's refusals (DewError) into exit code 1 with the code on stderr."""
    from engine import DewError
    try:
        yield
    except DewError as e:
        refuse(e.code, e.message)


@contextmanager
def opened_engine(ctx: click.Context, home: str | None, as_user: str | None) -> Iterator[Any]:
    """The engine of the data directory acting as `as_user` (or its administrator), traced
    with source `cli`; closed afterwards. Refusals exit 1."""
    from engine import Engine
    with refusals():
        eng = Engine.open(home=home_of(ctx, home), source="cli", run_due=False)
    try:
        if eng.sealed:
            refuse("DEW.0001", "the root key is passphrase-sealed: set DEW_PASSPHRASE")
        with refusals():
            yield eng.as_user(as_user) if as_user else eng
    finally:
        eng.close()


# --- printing a response -------------------------------------------------------------------
def output_format(chosen: str | None) -> str:
    if chosen:
        return chosen
    return "table" if sys.stdout.isatty() else "json"


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, (dict, list)):
        return json.dumps(v, ensure_ascii=False)
    return str(v)


def _rows(body: dict) -> tuple[str, list[dict]] | None:
    """The response's list of objects (e.g. `keys`, `secrets`), if it has one."""
    for k, v in body.items():
        if isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
            return k, v
    return None


def _flat(body: Any, prefix: str = "") -> list[tuple[str, str]]:
    if isinstance(body, dict) and body:
        out: list[tuple[str, str]] = []
        for k, v in body.items():
            out += _flat(v, f"{prefix}{k}.") if isinstance(v, dict) and v else [(f"{prefix}{k}", _cell(v))]
        return out
    return [(prefix.rstrip("."), _cell(body))] if prefix else []


def render(body: Any, fmt: str) -> str:
    """The response as JSON, a table, or `name: value` lines."""
    if fmt == "json":
        return json.dumps(body, indent=2, ensure_ascii=False)
    if not isinstance(body, dict):
        return _cell(body)
    if fmt == "text":
        rows = _rows(body)
        if rows is not None:
            name, items = rows
            rest = {k: v for k, v in body.items() if k != name}
            blocks = ["\n".join(f"{k}: {v}" for k, v in _flat(item)) for item in items]
            return "\n\n".join(blocks + (["\n".join(f"{k}: {v}" for k, v in _flat(rest))] if rest else []))
        return "\n".join(f"{k}: {v}" for k, v in _flat(body))
    return _table(body)


def _table(body: dict) -> str:
    from rich.console import Console
    from rich.table import Table

    rows = _rows(body)
    if rows is not None:
        name, items = rows
        columns = list(dict.fromkeys(k for item in items for k in item))
        table = Table(title=name)
        for c in columns:
            table.add_column(c)
        for item in items:
            table.add_row(*(_cell(item.get(c)) for c in columns))
        extra = _flat({k: v for k, v in body.items() if k != name})
    else:
        table = Table(show_header=True)
        table.add_column("field")
        table.add_column("value")
        for k, v in _flat(body):
            table.add_row(k, v)
        extra = []
    console = Console(width=None if sys.stdout.isatty() else 200)
    with console.capture() as capture:
        console.print(table)
        for k, v in extra:
            console.print(f"{k}: {v}")
    return capture.get().rstrip("\n")


def print_response(body: Any, output: str | None, show_secret: bool) -> None:
    shown, hidden = hide_secrets(body, show_secret)
    click.echo(render(shown, output_format(output)))
    if hidden:
        click.echo("dewtui: secret values are shown as ***: add --show-secret to print them", err=True)
