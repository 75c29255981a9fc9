"""``sage-accounting console``: the gateway's web console, alone on the gateway's database (``mcp serve
--http`` serves it too, under ``/console``), and ``console token``, the admin token that signs in to it.

Jinja2, Starlette and the database layer are imported only when a command runs.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ._errors import CliError
from ._gateway_common import DbOpt, acting_user
from ._output import emit
from ._state import apply_common, with_common

__all__ = ["console_app"]

console_app = typer.Typer(
    help="The gateway's web console: agents and their access, the audit, approvals (in a browser).",
    invoke_without_command=True,
)

HostOpt = Annotated[str, typer.Option("--host", help="Address to bind; 127.0.0.1 keeps it local.")]
PortOpt = Annotated[int, typer.Option("--port", help="Port to listen on.", min=0, max=65535)]


def _serve(ctx: typer.Context, host: HostOpt = "127.0.0.1", port: PortOpt = 8771, db: DbOpt = None) -> None:
    """Serve the console at http://HOST:PORT/console (approvals run on the profile's Sage, or --emulator)."""
    if ctx.invoked_subcommand is not None:
        if _given(ctx, "db"):
            ctx.meta["console_db"] = db  # `console --db URL token` stores the token in that database
        return
    import uvicorn

    from ..gateway.console.app import create_app
    from .mcp_cmd import _open_store, runtime_client_factory

    store = _open_store(db)
    try:
        try:
            factory = runtime_client_factory()
        except CliError as exc:  # no profile signed in: the console works, approving says why it cannot
            print(f"note: approvals cannot be carried out here: {exc}", file=sys.stderr)
            factory = None
        app = create_app(store, client_factory=factory, host=host)
        print(f"sage-accounting console on http://{host}:{port}/console", file=sys.stderr, flush=True)
        uvicorn.run(app, host=host, port=port, log_level="warning")
    finally:
        store.close()


def _given(ctx: typer.Context, name: str) -> bool:
    """Whether option ``name`` was typed on this command (not taken from the environment or a default)."""
    source = ctx.get_parameter_source(name)
    return source is not None and source.name == "COMMANDLINE"


console_app.callback(invoke_without_command=True)(with_common(_serve, output=False))


@console_app.command("token")
def token(
    ctx: typer.Context,
    db: DbOpt = None,
    json_: Annotated[bool, typer.Option("--json", help='Print {"token": ...}.')] = False,
) -> None:
    """Create an admin token for the console (shown once, alone on the last line; stored hashed)."""
    from ..gateway.console.auth import ConsoleAuth
    from ._gateway_common import open_store

    apply_common({})
    if not _given(ctx, "db"):
        db = ctx.meta.get("console_db", db)
    with open_store(db) as store:
        value = ConsoleAuth(store.engine).create_token(by=acting_user())
    if json_:
        emit({"token": value}, "json")
        return
    print("Admin token for `sage-accounting console` (shown once, stored only hashed):", file=sys.stderr)
    print(value)
