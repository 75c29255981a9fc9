"""The ``sage-accounting`` command line.

Commands: ``auth login|status|logout``, ``config``, ``businesses list|use``, one ``NOUN VERB`` command per
action (``contacts create``, ``sales-invoices list --all`` …), ``run KEY`` for any action, ``actions
list|describe``, ``raw METHOD PATH``, ``demo``, ``emulator serve|tour``, and the agent gateway's ``agents``,
``approvals`` and ``audit``.  Every command takes the common
options (``--profile``, ``--business``, ``--emulator``, ``--debug``, ``--json``/``--ndjson``/``--csv``)
before or after its name.  Failures print one line and exit with the code of their class (see
``_errors.ExitCode``); ``--debug`` adds the traceback with secrets hidden.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Sequence
from typing import Any

import typer
from typer.core import TyperGroup

from ._errors import EXIT_CODES_HELP, ExitCode, classify, scrub
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
    with_common,
)

__all__ = ["app", "main"]


class SageGroup(TyperGroup):
    """The root group: one line per error, an exit code per error class, tracebacks only with --debug."""

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
        argv = list(sys.argv[1:] if args is None else args)
        code: int = ExitCode.OK
        try:
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


@app.callback()
def root(
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


def _build() -> None:
    from . import actions_cmd
    from ._generate import add_resource_commands
    from .auth_cmd import auth_app
    from .console_cmd import console_app
    from .demo_cmd import demo
    from .emulator_cmd import emulator_app
    from .gateway_cmd import agents_app, approvals_app, audit_app
    from .mcp_cmd import mcp_app
    from .profile_cmd import businesses_app, config_app

    app.command("demo", rich_help_panel="Start here")(with_common(demo, output=True))
    app.add_typer(auth_app, name="auth", rich_help_panel="Start here")
    app.add_typer(config_app, name="config", rich_help_panel="Start here")
    app.add_typer(businesses_app, name="businesses", rich_help_panel="Start here")
    actions_cmd.register(app)
    add_resource_commands(app, existing={"businesses": businesses_app})
    app.add_typer(emulator_app, name="emulator", rich_help_panel="Emulator")
    app.add_typer(mcp_app, name="mcp", rich_help_panel="AI agents")
    app.add_typer(agents_app, name="agents", rich_help_panel="AI agents")
    app.add_typer(approvals_app, name="approvals", rich_help_panel="AI agents")
    app.add_typer(audit_app, name="audit", rich_help_panel="AI agents")
    app.add_typer(console_app, name="console", rich_help_panel="AI agents")


_build()


def main() -> None:
    """Entry point of the ``sage-accounting`` script."""
    app()
