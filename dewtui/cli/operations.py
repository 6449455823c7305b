"""`dewtui kms <operation>` and `dewtui csms <operation>`: one command per entry of the
operation table (engine.operations), so the CLI names, fields, help texts, required fields
and choices are the HTTP API's, from one place.

Each request field is an option named like the wire field (`key_alias` → `--key-alias`),
typed by its wire type: numbers and booleans are checked by Click (a bad one is a usage
error, exit 2), JSON objects are given as JSON text, lists as comma-separated values
(checked against the table's choices). A binary field can also be read from a file:
`--<field>-file PATH` (`-` for stdin). For a field the engine takes as bytes (encrypt-data's
`plain_text`, the base64 `message` of sign/verify/MAC) the file holds the raw bytes; for any
other field it holds the text one would have typed. The command calls
`engine.operations.invoke` and prints the cloud's response body.
"""
from __future__ import annotations

import json
from typing import Any

import click

from dewtui.cli.common import common_options, opened_engine, print_response, refusals
from engine import operations as ops

RAW_FILE_WIRES = frozenset({ops.TEXT, ops.BASE64})  # a file gives the raw bytes the engine takes
NUMBER_WIRES = frozenset({ops.INT, getattr(ops, "EPOCH", "epoch")})
GROUP_HELP = {"kms": "Key Management Service operations (keys, data keys, sign/verify, grants, "
                     "rotation, tags), one command per cloud API operation.",
              "csms": "Cloud Secret Management Service operations (secrets, versions, stages, "
                      "tags, events), one command per cloud API operation."}


class JsonText(click.ParamType):
    """A JSON value given as text (`--tag '{"key": "k", "value": "v"}'`)."""

    name = "json"

    def __init__(self, want: type) -> None:
        self.want = want

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not isinstance(value, str):
            return value
        try:
            parsed = json.loads(value)
        except ValueError:
            self.fail(f"{value!r} is not JSON", param, ctx)
        if not isinstance(parsed, self.want):
            self.fail(f"must be a JSON {'object' if self.want is dict else 'list'}", param, ctx)
        return parsed


class CommaList(click.ParamType):
    """Comma-separated values, each one of `choices` when the table names them."""

    name = "list"

    def __init__(self, choices: tuple[str, ...]) -> None:
        self.choices = choices

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, list):
            return value
        items = [v.strip() for v in str(value).split(",") if v.strip()]
        wrong = [v for v in items if self.choices and v not in self.choices]
        if wrong:
            self.fail(f"{', '.join(wrong)} not among: {', '.join(self.choices)}", param, ctx)
        return items

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "[" + "|".join(self.choices) + "],..." if self.choices else "A,B,..."

    def shell_complete(self, ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
        from click.shell_completion import CompletionItem
        head, _, last = incomplete.rpartition(",")
        prefix = head + "," if head else ""
        return [CompletionItem(prefix + c) for c in self.choices if c.startswith(last)]


def option_name(field: Any) -> str:
    return "--" + field.name.replace("_", "-")


def _param_type(field: Any) -> Any:
    if field.wire in NUMBER_WIRES:
        return click.INT
    if field.wire == ops.BOOL:
        return click.BOOL
    if field.wire == ops.OBJECT:
        return JsonText(dict)
    if field.wire == ops.OBJECTS:
        return JsonText(list)
    if field.wire == ops.LIST:
        return CommaList(tuple(field.choices))
    if field.choices:
        return click.Choice(list(field.choices))
    return click.STRING


def _field_help(field: Any) -> str:
    text = field.help or field.name
    if field.wire == ops.BASE64:
        text += " (base64)"
    if field.binary:
        text += f"; or {option_name(field)}-file"
    if field.required:
        text += "  [required]" if field.binary else ""
    return text


def field_options(op: Any) -> list[click.Option]:
    """The options of one operation's command, in the table's order."""
    params: list[click.Option] = []
    for f in op.fields:
        params.append(click.Option([option_name(f), f.name], type=_param_type(f), default=None,
                                   required=f.required and not f.binary, help=_field_help(f)))
        if f.binary:
            raw = f.wire in RAW_FILE_WIRES
            params.append(click.Option(
                [option_name(f) + "-file", f.name + "_file"], type=click.File("rb"), default=None,
                help=f"read {f.name} from a file ('-': stdin): "
                     + ("its raw bytes" if raw else "its text, as the option would take it")))
    return params


def _file_value(field: Any, handle: Any) -> Any:
    data = handle.read()
    if field.wire in RAW_FILE_WIRES:
        return data
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise click.BadParameter("is not UTF-8 text", param_hint=option_name(field) + "-file") from None
    return text[:-1] if text.endswith("\n") else text


def wire_fields(op: Any, given: dict[str, Any]) -> dict[str, Any]:
    """The request's wire fields from the command's parsed options (usage errors exit 2)."""
    fields: dict[str, Any] = {}
    for f in op.fields:
        value = given.get(f.name)
        handle = given.get(f.name + "_file") if f.binary else None
        if handle is not None:
            if value is not None:
                raise click.UsageError(f"give {option_name(f)} or {option_name(f)}-file, not both")
            value = _file_value(f, handle)
        if value is None:
            if f.required:
                raise click.MissingParameter(param_hint=f"{option_name(f)} (or {option_name(f)}-file)"
                                             if f.binary else option_name(f), param_type="option")
            continue
        fields[f.name] = value
    return fields


def operation_command(op: Any) -> click.Command:
    """The Click command of one table entry."""

    @click.pass_context
    def run(ctx: click.Context, **given: Any) -> None:
        fields = wire_fields(op, given)
        with opened_engine(ctx, given.get("home"), given.get("as_user")) as eng, refusals():
            body = ops.invoke(eng, op.name, fields, service=op.service)
        print_response(body, given.get("output"), bool(given.get("show_secret")))

    summary = op.help or op.name
    details = f"{summary}\n\nThe cloud's {op.method} {op.paths[0]} (SDK: {op.sdk}); permission " \
              f"{op.action or 'decided by the principal'}; audited as {op.trace}."
    return click.Command(op.name, params=field_options(op) + common_options(), callback=run,
                         help=details, short_help=summary, no_args_is_help=False)


class OperationsGroup(click.Group):
    """The commands of one service's table entries, built when first asked for."""

    def __init__(self, service: str) -> None:
        super().__init__(service, help=GROUP_HELP.get(service, ""))
        self.service = service
        self._built: dict[str, click.Command] | None = None

    def _table(self) -> dict[str, click.Command]:
        if self._built is None:
            self._built = {op.name: operation_command(op) for op in ops.OPERATIONS
                           if op.service == self.service}
        return self._built

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self._table())

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._table().get(cmd_name)


kms_group = OperationsGroup("kms")
csms_group = OperationsGroup("csms")
