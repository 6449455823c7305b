"""`dewtui iam create-access-key|list-access-keys|update-access-key|delete-access-key`: the
access keys (AK/SK) a program signs its SDK requests with.

`create-access-key` prints the secret key once, always (it is not stored readably and is
never shown again); nothing else ever prints it. The bodies are shaped like the cloud IAM's
`credential` objects.
"""
from __future__ import annotations

from typing import Any

import click

from dewtui.cli.common import engine_options, opened_engine, print_response

STATUSES = ("active", "inactive")


def _ms(when: Any) -> int | None:
    return None if when is None else int(when.timestamp() * 1000)


def credential(k: Any) -> dict[str, Any]:
    """The cloud IAM's `credential` object of an access key (no secret)."""
    return {"access": k.access, "user_name": k.user_name, "status": k.status,
            "description": k.description, "create_time": _ms(k.created_at),
            "last_use_time": _ms(getattr(k, "last_used_at", None))}


@click.group("iam", help="IAM: access keys (AK/SK) for the cloud SDKs and `dewtui serve`.")
def iam_group() -> None:
    pass


@iam_group.command("create-access-key")
@click.option("--user-name", required=True, help="the user the key signs as")
@click.option("--description", default="", help="what the key is for (at most 255 characters)")
@engine_options
@click.pass_context
def create_access_key(ctx: click.Context, user_name: str, description: str, output: str | None,
                      show_secret: bool, as_user: str | None, home: str | None) -> None:
    """A new access key for a user: prints its id and its secret, once."""
    with opened_engine(ctx, home, as_user) as eng:
        k = eng.iam.create_access_key(user_name=user_name, description=description)
    print_response({"credential": {**credential(k), "secret": k.secret}}, output, show_secret=True)
    click.echo("dewtui: store the secret key now: it is not shown again", err=True)


@iam_group.command("list-access-keys")
@click.option("--user-name", required=True, help="whose keys")
@engine_options
@click.pass_context
def list_access_keys(ctx: click.Context, user_name: str, output: str | None, show_secret: bool,
                     as_user: str | None, home: str | None) -> None:
    """A user's access keys (never their secrets)."""
    with opened_engine(ctx, home, as_user) as eng:
        keys = eng.iam.list_access_keys(user_name)
    print_response({"credentials": [credential(k) for k in keys]}, output, show_secret)


@iam_group.command("update-access-key")
@click.option("--access-key", required=True, help="the access key id (AK)")
@click.option("--status", required=True, type=click.Choice(STATUSES), help="an inactive key signs nothing")
@engine_options
@click.pass_context
def update_access_key(ctx: click.Context, access_key: str, status: str, output: str | None,
                      show_secret: bool, as_user: str | None, home: str | None) -> None:
    """Activate or deactivate an access key."""
    with opened_engine(ctx, home, as_user) as eng:
        k = eng.iam.update_access_key(access_key, status)
    print_response({"credential": credential(k)}, output, show_secret)


@iam_group.command("delete-access-key")
@click.option("--access-key", required=True, help="the access key id (AK)")
@engine_options
@click.pass_context
def delete_access_key(ctx: click.Context, access_key: str, output: str | None, show_secret: bool,
                      as_user: str | None, home: str | None) -> None:
    """Delete an access key: requests signed with it are refused from now on."""
    with opened_engine(ctx, home, as_user) as eng:
        eng.iam.delete_access_key(access_key)
    print_response({}, output, show_secret)
