"""`dewtui completion bash|zsh|fish`: prints the shell completion script, Click's documented
mechanism (`_DEWTUI_COMPLETE=<shell>_source dewtui`) behind a name one can remember."""
from __future__ import annotations

import click

SHELLS = ("bash", "zsh", "fish")


@click.command("completion")
@click.argument("shell", type=click.Choice(SHELLS))
@click.pass_context
def completion_command(ctx: click.Context, shell: str) -> None:
    """Print the completion script for SHELL; e.g. in ~/.bashrc:
    eval "$(dewtui completion bash)"."""
    from click.shell_completion import get_completion_class

    cls = get_completion_class(shell)
    if cls is None:  # pragma: no cover - Click ships all three
        raise click.UsageError(f"no completion for {shell}")
    root = ctx.find_root()
    click.echo(cls(root.command, {}, "dewtui", "_DEWTUI_COMPLETE").source())
