"""Resource-style commands generated from the action registry.

Each action becomes ``sage-accounting NOUN VERB``: the noun is the first segment of its Sage path in
kebab-case (``/sales_invoices/{id}`` → ``sales-invoices``; an action group such as "Sales" holds several
nouns), the verb is the first word of its key (``listSalesInvoices`` → ``list``, ``voidSalesInvoice`` →
``void``, ``releaseSalesInvoice`` → ``release``) — for the usual actions that is their kind.  The id that
goes into the path is an argument (``contacts get ID``); every other input is an option named after
its key in kebab-case (``contactTypeIds`` → ``--contact-type-ids``), booleans as ``--x/--no-x``,
``fetchAll`` also as ``--all``.  Structured inputs (lines, key-value lists) take JSON or ``@FILE``.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

import typer

from ..actions import Action, ActionInput, registry
from ._columns import default_columns, parse_columns
from ._errors import CliError, ExitCode
from ._run import execute, kebab, read_value, structured
from ._state import with_common

__all__ = ["Generated", "Noun", "noun_app", "noun_of", "nouns", "plan", "verb_of"]


def noun_of(action: Action) -> str:
    """The command noun: the first segment of the action's path, kebab-case."""
    first = action.path.strip("/").split("/")[0]
    return first.replace("_", "-")


def verb_of(action: Action) -> str:
    """The command verb: the leading lower-case word of the key."""
    match = re.match(r"[a-z]+", action.key)
    return match.group(0) if match else action.kind


def _path_inputs(action: Action) -> list[ActionInput]:
    keys = re.findall(r"\{(\w+)\}", action.path)
    return [action.input(k) for k in keys]


@dataclass(frozen=True)
class Generated:
    """One generated command: its noun, verb, action, and the command-line name of each input."""

    noun: str
    verb: str
    action: Action
    names: dict[str, str]


def plan(actions: list[Action] | None = None) -> list[Generated]:
    """Every resource-style command (``rawRequest`` has its own ``raw`` command)."""
    out: list[Generated] = []
    taken: dict[tuple[str, str], str] = {}
    for action in actions if actions is not None else list(registry.values()):
        if action.kind == "raw":
            continue
        noun, verb = noun_of(action), verb_of(action)
        if (noun, verb) in taken:
            verb = kebab(action.key)
        taken[(noun, verb)] = action.key
        names: dict[str, str] = {}
        positional = [i.key for i in _path_inputs(action)]
        for item in action.inputs:
            if item.key not in positional:
                names[item.key] = "--" + kebab(item.key)
            elif len(positional) == 1:
                names[item.key] = "ID"
            else:
                names[item.key] = kebab(item.key).upper().replace("-", "_")
        out.append(Generated(noun, verb, action, names))
    return out


def _help(item: ActionInput, action: Action) -> str:
    parts = [item.label + "."]
    if item.comments:
        parts.append(item.comments)
    if item.example:
        parts.append(f"Example: {item.example}.")
    if structured(action, item.key):
        parts.append("JSON text or @FILE.")
    if item.required:
        parts.append("[required]")
    return " ".join(parts)


def _callback(gen: Generated) -> Callable[..., Any]:
    action = gen.action
    params: list[inspect.Parameter] = []
    keys: dict[str, str] = {}
    path_keys = [i.key for i in _path_inputs(action)]
    for index, item in enumerate(sorted(action.inputs, key=lambda i: i.key not in path_keys)):
        pname = f"p{index}"
        keys[pname] = item.key
        help_text = _help(item, action)
        annotation: Any
        if item.key in path_keys:
            annotation = Annotated[
                str, typer.Argument(metavar=gen.names[item.key], help=help_text, show_default=False)
            ]
            params.append(
                inspect.Parameter(pname, inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=annotation)
            )
            continue
        flags = [gen.names[item.key]]
        if item.key == "fetchAll":
            flags = ["--all/--no-all", "--fetch-all/--no-fetch-all"]
        if item.manifest_type == "boolean" and item.key != "fetchAll":
            flags = [f"{flags[0]}/--no-{flags[0][2:]}"]
        typ: Any = bool | None if item.manifest_type == "boolean" else str | None
        annotation = Annotated[typ, typer.Option(*flags, help=help_text, show_default=False)]
        params.append(
            inspect.Parameter(pname, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=annotation)
        )

    if action.kind == "list":
        defaults = default_columns(gen.noun)
        shown = ", ".join(c.path for c in defaults) if defaults else "id, displayed_as"
        columns_help = (
            "Columns of the table: field names, comma-separated, dotted for a nested field "
            f"(contact.displayed_as), HEADING=field to name one; default: {shown}. Not used by --json/--csv."
        )
        params.append(
            inspect.Parameter(
                "columns",
                inspect.Parameter.KEYWORD_ONLY,
                default=None,
                annotation=Annotated[
                    str | None, typer.Option("--columns", help=columns_help, show_default=False)
                ],
            )
        )

    def run(**kwargs: Any) -> None:
        inputs: dict[str, Any] = {}
        chosen = kwargs.pop("columns", None)
        columns = default_columns(gen.noun)
        if chosen is not None:
            try:
                columns = parse_columns(chosen)
            except ValueError as exc:
                raise CliError(f"--columns: {exc}", ExitCode.USAGE) from None
        for pname, value in kwargs.items():
            if value is None:
                continue
            key = keys[pname]
            if isinstance(value, str) and structured(action, key):
                value = read_value(value, gen.names[key])
            inputs[key] = value
        if action.kind == "update" and not set(inputs) - set(path_keys):
            changeable = ", ".join(n for k, n in gen.names.items() if k not in path_keys)
            raise CliError(
                f"{gen.noun} {gen.verb}: give at least one field to change ({changeable}); nothing was sent",
                ExitCode.USAGE,
            )
        execute(
            action, inputs, names=gen.names, title=action.label, columns=columns, chosen=chosen is not None
        )

    run.__name__ = f"{gen.noun}_{gen.verb}".replace("-", "_")
    run.__doc__ = f"{action.description} ({action.method} {action.path}; action {action.key})."
    run.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    return run


@dataclass(frozen=True)
class Noun:
    """A resource-style command group: its name, its one-line help and its help panel."""

    name: str
    help: str
    panel: str
    commands: tuple[Generated, ...]


def nouns() -> dict[str, Noun]:
    """Every generated command group by name, in the registry's order (nothing built yet)."""
    grouped: dict[str, list[Generated]] = {}
    for gen in plan():
        grouped.setdefault(gen.noun, []).append(gen)
    return {
        noun: Noun(
            noun,
            f"{noun.replace('-', ' ').capitalize()} (actions {', '.join(g.action.key for g in gens)}).",
            f"Resources: {gens[0].action.group}",
            tuple(gens),
        )
        for noun, gens in grouped.items()
    }


def noun_app(noun: Noun, existing: typer.Typer | None = None) -> typer.Typer:
    """The commands of ``noun``: a new sub-app, or ``existing`` (a hand-written group of the same name)
    given the generated verbs it lacks."""
    sub = existing or typer.Typer(no_args_is_help=True, help=noun.help)
    names = {c.name for c in sub.registered_commands}
    for gen in noun.commands:
        if gen.verb in names:
            continue
        callback = _callback(gen)
        sub.command(gen.verb, help=callback.__doc__)(with_common(callback, output=True))
    return sub
