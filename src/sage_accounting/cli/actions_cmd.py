"""``actions list``, ``actions describe``, the generic ``run KEY`` and ``raw METHOD PATH``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from ..actions import registry
from ._errors import CliError, ExitCode
from ._generate import plan
from ._output import emit, out_console, plain
from ._run import execute, load_inputs_file, read_value, structured
from ._state import command, runtime

__all__ = ["actions_app", "register"]

actions_app = typer.Typer(
    help="The Sage component's actions: list them, describe their inputs.", no_args_is_help=True
)


def _commands() -> dict[str, str]:
    return {g.action.key: f"{g.noun} {g.verb}" for g in plan()} | {"rawRequest": "raw"}


@command(actions_app, "list")
def list_actions() -> None:
    """List every action: key, kind, group, HTTP method and path, and its resource-style command."""
    commands = _commands()
    rows = [
        {
            "key": a.key,
            "kind": a.kind,
            "group": a.group,
            "method": a.method,
            "path": a.path,
            "command": f"sage-accounting {commands[a.key]}",
            "label": a.label,
        }
        for a in registry.values()
    ]
    fmt = runtime().output
    if fmt != "table":
        emit(rows, fmt)
        return
    table = Table(title=f"{len(rows)} actions")
    for column in ("key", "kind", "group", "method", "path", "command"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(plain(row[c]) for c in ("key", "kind", "group", "method", "path", "command")))
    out_console().print(table)


@command(actions_app, "describe")
def describe(
    key: Annotated[str | None, typer.Argument(help="An action key; without it, the whole manifest.")] = None,
) -> None:
    """Describe an action's inputs; with --json the manifest in the shape of component.json (the
    connection and every action without KEY)."""
    fmt = runtime().output
    if key is None:
        emit(registry.manifest(), "json" if fmt == "table" else fmt)
        return
    action = registry[key]
    if fmt != "table":
        emit(action.to_manifest(), fmt)
        return
    gen = next((g for g in plan() if g.action.key == key), None)
    console = out_console()
    console.print(f"[bold]{plain(action.key)}[/] — {plain(action.label)}: {plain(action.description)}")
    console.print(plain(f"{action.method} {action.path}  (kind {action.kind}, group {action.group})"))
    console.print(
        plain(f"Tool: {action.tool_name} (toolset {action.toolset}; needs {action.access.describe()})")
    )
    console.print(
        plain(
            f"Command: sage-accounting {_commands()[key]}   or   sage-accounting run {key} --input KEY=VALUE"
        )
    )
    table = Table()
    for column in ("input", "option", "type", "required", "default", "comments", "example"):
        table.add_column(column, overflow="fold")
    for item in action.inputs:
        option = gen.names.get(item.key, "") if gen else ""
        default = json.dumps(item.default) if item.has_default else ""
        table.add_row(
            plain(item.key),
            plain(option),
            plain(item.manifest_type),
            "yes" if item.required else "",
            plain(default),
            plain(item.comments or ""),
            plain(item.example or ""),
        )
    console.print(table)


def _pairs(values: list[str], flag: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in values:
        key, sep, text = value.partition("=")
        if not sep or not key.strip():
            raise CliError(f"{flag} {value!r} must be KEY=VALUE", ExitCode.USAGE)
        out[key.strip()] = text
    return out


def run_action_command(
    key: Annotated[str, typer.Argument(help="The action key (see `sage-accounting actions list`).")],
    input_: Annotated[
        list[str] | None,
        typer.Option(
            "--input",
            "-i",
            help="An input as KEY=VALUE (repeatable); VALUE @FILE reads a file for "
            "structured inputs (lines, key-value lists, data).",
            show_default=False,
        ),
    ] = None,
    inputs_file: Annotated[
        Path | None,
        typer.Option(
            "--inputs-file", help="A JSON object of inputs; --input values override it.", show_default=False
        ),
    ] = None,
) -> None:
    """Run any action by its key with its inputs (as the component's actions take them)."""
    action = registry[key]
    inputs: dict[str, Any] = load_inputs_file(inputs_file) if inputs_file is not None else {}
    for name, value in _pairs(input_ or [], "--input").items():
        known = name in action.input_keys
        inputs[name] = read_value(value, f"--input {name}") if known and structured(action, name) else value
    execute(action, inputs, title=action.label)


_RAW = registry["rawRequest"]


def raw_command(
    method: Annotated[str, typer.Argument(help="GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS.")],
    path: Annotated[str, typer.Argument(help="A path under the API root, such as /contacts.")],
    query: Annotated[
        list[str] | None,
        typer.Option("--query", "-q", help="A query parameter KEY=VALUE (repeatable).", show_default=False),
    ] = None,
    header: Annotated[
        list[str] | None,
        typer.Option("--header", "-H", help="A header 'Name: value' (repeatable).", show_default=False),
    ] = None,
    data: Annotated[
        str | None,
        typer.Option("--data", "-d", help="A JSON body, or @FILE (@- reads stdin).", show_default=False),
    ] = None,
    response_type: Annotated[
        str, typer.Option("--response-type", help="json, text or binary (base64 in a JSON object).")
    ] = "json",
    max_retries: Annotated[
        int, typer.Option("--max-retries", help="Retries of 5xx answers and network errors.")
    ] = 0,
) -> None:
    """Send any request to the Sage API through the connection (the rawRequest action)."""
    inputs: dict[str, Any] = {
        "method": method.upper(),
        "url": path,
        "responseType": response_type,
        "maxRetries": max_retries,
    }
    if query:
        inputs["queryParams"] = [[k, v] for k, v in _pairs(query, "-q").items()]
    if header:
        pairs = []
        for value in header:
            name, sep, text = value.partition(":")
            if not sep or not name.strip():
                raise CliError(f"-H {value!r} must be 'Name: value'", ExitCode.USAGE)
            pairs.append([name.strip(), text.strip()])
        inputs["headers"] = pairs
    if data is not None:
        text = read_value(data, "--data")
        try:
            inputs["data"] = json.loads(text)
        except ValueError as exc:
            raise CliError(
                f"--data is not valid JSON ({exc}); Sage takes JSON bodies", ExitCode.USAGE
            ) from None
    names = {"method": "METHOD", "url": "PATH", "queryParams": "-q", "headers": "-H", "data": "--data",
             "responseType": "--response-type", "maxRetries": "--max-retries"}  # fmt: skip
    execute(_RAW, inputs, names=names, title=f"{method.upper()} {path}")


def register(app: typer.Typer) -> None:
    """Add ``actions``, ``run`` and ``raw`` to ``app``."""
    app.add_typer(actions_app, name="actions", rich_help_panel="Actions")
    command(app, "run", rich_help_panel="Actions")(run_action_command)
    command(app, "raw", rich_help_panel="Actions")(raw_command)
