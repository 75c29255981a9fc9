"""The ``sage-accounting`` command line.

Commands: ``auth login|status|logout``, ``config``, ``businesses list|use``, one ``NOUN VERB`` command per
action (``contacts create``, ``sales-invoices list --all`` …), ``run KEY`` for any action, ``actions
list|describe``, ``raw METHOD PATH``, ``demo``, ``emulator serve|tour``, and the agent gateway's ``agents``,
``approvals`` and ``audit``.  Every command takes the common
options (``--profile``, ``--business``, ``--emulator``, ``--debug``, ``--json``/``--ndjson``/``--csv``)
before or after its name.  Failures print one line and exit with the code of their class (see
``_errors.ExitCode``); ``--debug`` adds the traceback with secrets hidden.

Commands are loaded when used: ``--help`` lists every command from :data:`COMMANDS` and the action
registry without importing any command's module, and running ``auth status`` imports the auth commands
alone (not the emulator, the models or the other groups).  To add a command or a group, add one line to
:data:`COMMANDS`.
"""

from __future__ import annotations

import importlib
import sys
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from .._version import __version__
from ._errors import EXIT_CODES_HELP, ExitCode, classify, scrub
from ._params import read_plainly
from ._state import (
    BusinessOpt,
    CsvOpt,
    DebugOpt,
    EmulatorOpt,
    JsonOpt,
    NdjsonOpt,
    ProfileOpt,
    apply_common,
    reset_runtime,
    runtime,
    take_emulator_url,
    with_common,
)
from ._text import check_argument

__all__ = ["COMMANDS", "Lazy", "app", "main"]


@dataclass(frozen=True)
class Lazy:
    """A command or group loaded when used: ``target`` is ``"module:attribute"`` (the module relative to
    this package, such as ``".auth_cmd:auth_app"``), a ``typer.Typer`` (a group) or a function (a command,
    given the common options); ``help`` is the line ``--help`` shows; ``panel`` the heading it is under."""

    target: str
    help: str
    panel: str


# Every command and group, one line each, in the order --help lists them (the resource groups generated
# from the action registry follow).  A module is imported only when its command runs.
COMMANDS: dict[str, Lazy] = {
    "demo": Lazy(".demo_cmd:demo", "Walk the whole story on an embedded emulator: sign in through OAuth, create a customer, raise a sales invoice, record a payment, list what changed.", "Start here"),
    "auth": Lazy(".auth_cmd:auth_app", "Sign in to Sage (OAuth 2.0 with PKCE), check the sign-in, sign out.", "Start here"),
    "config": Lazy(".profile_cmd:config_app", "Profiles in config.toml ($XDG_CONFIG_HOME/sage-accounting): client id, secret, hosts, default business.", "Start here"),
    "businesses": Lazy(".profile_cmd:businesses_app", "The businesses the signed-in user can reach; pick the default one.", "Start here"),
    "run": Lazy(".actions_cmd:run_action_command", "Run any action by its key with its inputs (as the component's actions take them).", "Actions"),
    "raw": Lazy(".actions_cmd:raw_command", "Send any request to the Sage API through the connection (the rawRequest action).", "Actions"),
    "actions": Lazy(".actions_cmd:actions_app", "The Sage component's actions: list them, describe their inputs.", "Actions"),
    "emulator": Lazy(".emulator_cmd:emulator_app", "Run the local Sage emulator (OAuth server + API v3.1).", "Emulator"),
    "mcp": Lazy(".mcp_cmd:mcp_app", "Serve the agent gateway to AI agents over MCP (stdio or HTTP).", "AI agents"),
    "agents": Lazy(".gateway_cmd:agents_app", "AI agents of the gateway: their keys and what each may do, area by area (every area off until granted).", "AI agents"),
    "approvals": Lazy(".gateway_cmd:approvals_app", "Writes held for a human's approval: list, approve, deny.", "AI agents"),
    "audit": Lazy(".gateway_cmd:audit_app", "The gateway's audit: one row per tool call, hash-chained.", "AI agents"),
    "console": Lazy(".console_cmd:console_app", "The gateway's web console: agents and their access, the audit, approvals (in a browser).", "AI agents"),
    "sync": Lazy(".sync_cmd:sync_app", "Copy Sage into a database (SQLite or PostgreSQL), incrementally.", "Sync"),
    "watch": Lazy(".sync_cmd:watch", "Sync in a loop and deliver one event per change (contact.created, sales_invoice.updated …) to a webhook signed per Standard Webhooks, or print them with --ndjson.", "Sync"),
}  # fmt: skip


def _nouns() -> dict[str, Any]:
    from ._generate import nouns

    return nouns()


def _listed_nouns() -> dict[str, tuple[str, str]]:
    # The resource groups as --help lists them (from the index: the registry is not imported for --help).
    from ._index import NOUNS

    return NOUNS


def _load(name: str, group: TyperGroup) -> Any:
    """The click command of ``name`` (a :data:`COMMANDS` entry and/or a generated resource group)."""
    from typer.main import get_group

    from ._generate import noun_app

    entry = COMMANDS.get(name)
    noun = _nouns().get(name)
    target: Any = None
    if entry is not None:
        module, _, attribute = entry.target.partition(":")
        target = getattr(importlib.import_module(module, __name__), attribute)
    if noun is not None:
        target = noun_app(noun, existing=target)
    if target is None:
        return None
    if isinstance(target, typer.Typer):
        command: Any = get_group(target)
    else:
        holder = typer.Typer(rich_markup_mode=app.rich_markup_mode)
        holder.command(name)(with_common(target, output=True))
        holder.callback()(lambda: None)
        command = get_group(holder).commands[name]
    command.name = name
    command.rich_help_panel = entry.panel if entry is not None else noun.panel  # type: ignore[union-attr]
    return read_plainly(command)


def _listed(name: str, help: str, panel: str) -> Any:
    """What --help shows for a command not loaded yet: its name, help line and panel."""
    return TyperGroup(name=name, help=help, rich_help_panel=panel)


class SageGroup(TyperGroup):
    """The root group: one line per error, an exit code per error class, tracebacks only with --debug;
    commands are loaded when they run (``--help`` lists them from :data:`COMMANDS` and the registry)."""

    def list_commands(self, ctx: Any) -> list[str]:
        """Every command: the eager ones, then :data:`COMMANDS` with the generated resource groups after
        the last entry of the "Actions" panel."""
        table = list(COMMANDS)
        actions = [i for i, name in enumerate(table) if COMMANDS[name].panel == "Actions"]
        at = actions[-1] + 1 if actions else len(table)
        names = list(super().list_commands(ctx))
        for name in [*table[:at], *_listed_nouns(), *table[at:]]:
            if name not in names:
                names.append(name)
        return names

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        """The loaded command, or for one not loaded yet what --help shows of it."""
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            return command
        entry = COMMANDS.get(cmd_name)
        if entry is not None:
            return _listed(cmd_name, entry.help, entry.panel)
        listed = _listed_nouns().get(cmd_name)
        return _listed(cmd_name, *listed) if listed is not None else None

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        """Load the command about to run (and only it)."""
        if args and args[0] not in self.commands:
            command = _load(args[0], self)
            if command is not None:
                self.commands[args[0]] = command
        return super().resolve_command(ctx, args)

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        """Run the command line and exit with the right code."""
        reset_runtime()
        read_plainly(self)
        argv = take_emulator_url(list(sys.argv[1:] if args is None else args))
        code: int = ExitCode.OK
        try:
            for position, arg in enumerate(argv, 1):
                # Named by position and option, never by content: it may be a secret.
                after = argv[position - 2] if position > 1 and argv[position - 2].startswith("-") else None
                check_argument(arg, f"argument {position}" + (f" (after {after})" if after else ""))
            result = super().main(args=argv, prog_name=prog_name or "sage-accounting", complete_var=complete_var,
                                  standalone_mode=False, windows_expand_args=windows_expand_args, **extra)  # fmt: skip
            code = result if isinstance(result, int) else ExitCode.OK
        except Exception as exc:  # every error: one line (and the traceback with --debug)
            code = _report(exc, argv)
        finally:
            runtime().close()
        if not standalone_mode:
            return code
        sys.exit(code)


def _is(exc: BaseException, name: str) -> bool:
    """Whether ``exc`` is a click ``name`` (typer may vendor its own click: match by class name)."""
    return any(cls.__name__ == name for cls in type(exc).__mro__)


def _business() -> str | None:
    """The business id in effect, when it can be known without failing."""
    try:
        return runtime().business_id
    except Exception:  # a bad id or configuration: the error being reported says so already
        return runtime().options.business


def _report(exc: Exception, argv: list[str]) -> int:
    """Print the one-line error (with --debug, the traceback first) and return the exit code."""
    ctx: Any = getattr(exc, "ctx", None)
    if _is(exc, "NoArgsIsHelpError"):
        typer.echo(ctx.get_help() if ctx is not None else str(exc), err=True)
        return ExitCode.USAGE
    if _is(exc, "UsageError"):
        hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        typer.echo(f"error: {scrub(message)}{hint}", err=True)
        return ExitCode.USAGE
    if _is(exc, "Abort"):
        typer.echo("error: aborted", err=True)
        return ExitCode.INTERRUPTED
    debug = runtime().options.debug or "--debug" in argv
    if debug:
        typer.echo(scrub("".join(traceback.format_exception(exc))), err=True)
    code, message = classify(exc, profile=runtime().profile_name, business=_business())
    typer.echo(f"error: {message}", err=True)
    return int(code)


app = typer.Typer(
    name="sage-accounting",
    cls=SageGroup,
    help=(
        "Sage Business Cloud Accounting (API v3.1) from the command line, with a local emulator. "
        "Try it without a Sage account: sage-accounting demo, or any command with --emulator.\n\n"
        + EXIT_CODES_HELP
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"sage-accounting {__version__}")
        raise typer.Exit()


VersionOpt = Annotated[
    bool,
    typer.Option("--version", help="Show the version and exit.", is_eager=True, callback=_show_version),
]


@app.callback()
def root(
    version: VersionOpt = False,
    profile: ProfileOpt = None,
    business: BusinessOpt = None,
    emulator: EmulatorOpt = False,
    debug: DebugOpt = False,
    json_: JsonOpt = False,
    ndjson: NdjsonOpt = False,
    csv: CsvOpt = False,
) -> None:
    """Common options given before the command apply to it (they can also follow it)."""
    apply_common({"opt_profile": profile, "opt_business": business, "opt_emulator": emulator,
                  "opt_debug": debug, "opt_json": json_, "opt_ndjson": ndjson, "opt_csv": csv})  # fmt: skip


def main() -> None:
    """Entry point of the ``sage-accounting`` script."""
    app()
