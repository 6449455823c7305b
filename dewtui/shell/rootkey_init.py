"""`dewtui init [--passphrase] [--change]`: make the data directory and its root key, and
seal the root key under a passphrase from a shell.

The passphrase is typed twice with hidden input (never an argument: it would stay in the
shell's history and the process list). A root key already sealed is refused unless
`--change` is given; then the current passphrase is asked first and must open it. Exit
codes as every dewtui command: 0 done, 1 refused (the engine's code and message on
stderr), 2 usage.
"""
from __future__ import annotations

import sys

import click

from engine import DewError, Engine

EXIT_OK, EXIT_REFUSED = 0, 1


def _home_of(ctx: click.Context, home: str | None) -> str | None:
    """This command's --home, else the one given to `dewtui` before it (else DEW_HOME)."""
    if home:
        return home
    value = ctx.find_root().params.get("home")
    return value if isinstance(value, str) and value else None


def _refused(err: DewError) -> int:
    click.echo(f"dewtui: {err.code}: {err.message}", err=True)
    return EXIT_REFUSED


def _ask_new() -> str:
    return click.prompt("New root key passphrase", hide_input=True,
                        confirmation_prompt="Repeat the passphrase", type=str)


def run_init(home: str | None, passphrase: bool, change: bool) -> int:
    """The command's work; → exit code."""
    try:
        eng = Engine.open(home=home, source="cli", run_due=False)
    except DewError as err:
        return _refused(err)
    try:
        where = eng.home
        sealed_file = eng.root_passphrase_set
        if sealed_file and not change:
            if passphrase:
                click.echo(f"dewtui: DEW.0004: the root key in {where} is already passphrase-sealed "
                           "(use --change to change its passphrase)", err=True)
                return EXIT_REFUSED
            click.echo(f"{where}: root key passphrase-sealed")
            return EXIT_OK
        if change and not sealed_file:
            click.echo(f"dewtui: DEW.0004: the root key in {where} has no passphrase to change "
                       "(use --passphrase to set one)", err=True)
            return EXIT_REFUSED
        if not (passphrase or change):
            click.echo(f"{where}: root key ready (no passphrase; `dewtui init --passphrase` seals it)")
            return EXIT_OK
        current = None
        if change:
            current = click.prompt("Current passphrase", hide_input=True, type=str)
            if eng.sealed:
                eng.unseal(current)
        eng.set_root_passphrase(_ask_new(), current=current)
        click.echo(f"{where}: root key {'passphrase changed' if change else 'sealed under the passphrase'}")
        return EXIT_OK
    except DewError as err:
        return _refused(err)
    except click.Abort:
        click.echo("dewtui: nothing changed", err=True)
        return EXIT_REFUSED
    finally:
        eng.close()


@click.command("init")
@click.option("--passphrase", is_flag=True, default=False,
              help="seal the root key under a passphrase (asked twice, hidden)")
@click.option("--change", is_flag=True, default=False,
              help="change the passphrase of a root key already sealed (asks the current one)")
@click.option("--home", "home", metavar="DIR", default=None,
              help="data directory (default: the --home given before the command, DEW_HOME, "
                   "or the platform's user data dir)")
@click.pass_context
def init_command(ctx: click.Context, passphrase: bool, change: bool, home: str | None) -> None:
    """Make the data directory and root key; with --passphrase, seal the root key."""
    ctx.exit(run_init(_home_of(ctx, home), passphrase, change))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(init_command())
