"""``sage-accounting mcp serve``: the agent gateway as an MCP server, over stdio or streamable HTTP.

stdio (desktop and coding agents) names the agent by ``SAGE_AGENT_KEY``; HTTP (remote and many agents)
by ``Authorization: Bearer <agent key>`` on every request.  With the global ``--emulator`` it works on
the embedded emulator with demo data; otherwise on the profile's Sage connection, whose tokens never
leave this process.  The MCP SDK and the database layer are imported only when the command runs.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from ._errors import CliError, ExitCode, register_secret
from ._state import command, runtime

if TYPE_CHECKING:
    from ..gateway.executor import ClientFactory
    from ..gateway.server import GatewayServer
    from ..gateway.store import GatewayStore

__all__ = ["mcp_app", "runtime_client_factory"]

mcp_app = typer.Typer(
    help="Serve the agent gateway to AI agents over MCP (stdio or HTTP).", no_args_is_help=True
)

KEY_ENV = "SAGE_AGENT_KEY"

KEEP_ALIVE_S = 75
"""How long an idle HTTP connection is kept open.  An agent's calls reuse one connection (JSON answers), and
HTTP clients drop an idle one after a few seconds (httpx: 5), so the server must wait longer than they do:
closing at the same moment a client sends its next call on it fails that call."""


def runtime_client_factory() -> ClientFactory:
    """Async Sage clients for this invocation's connection (``--emulator`` or the profile's), per business."""
    from .._client import AsyncSageAccounting

    rt = runtime()
    conn = rt.connection()
    transport = None
    if rt.options.emulator:
        transport = rt.emulator.async_transport()
        conn.async_transport = transport

    def factory(business_id: str | None) -> AsyncSageAccounting:
        return AsyncSageAccounting(conn, business_id=business_id, transport=transport)

    return factory


HttpOpt = Annotated[bool, typer.Option("--http", help="Serve streamable HTTP at /mcp instead of stdio.")]
HostOpt = Annotated[str, typer.Option("--host", help="Address to bind (HTTP); 127.0.0.1 keeps it local.")]
PortOpt = Annotated[int, typer.Option("--port", help="Port to listen on (HTTP).", min=0, max=65535)]
ToolsetsOpt = Annotated[
    str | None,
    typer.Option("--toolsets", help="Serve only these toolsets, comma-separated (contacts, sales, purchases, "
                 "bank, products, settings, journals, reference, raw).", show_default=False),
]  # fmt: skip
DbOpt = Annotated[
    str | None,
    typer.Option("--db", help="Gateway database URL (default: SAGE_GATEWAY_DB, else a SQLite file in the XDG "
                 "data directory).", show_default=False),
]  # fmt: skip
StatelessOpt = Annotated[
    bool,
    typer.Option("--stateless", help="HTTP without sessions (no elicitation), for load-balanced processes."),
]


@command(mcp_app, "serve", output=False)
def serve(
    http: HttpOpt = False,
    host: HostOpt = "127.0.0.1",
    port: PortOpt = 8770,
    toolsets: ToolsetsOpt = None,
    db: DbOpt = None,
    stateless: StatelessOpt = False,
) -> None:
    """Serve the gateway's tools: stdio by default (agent key in SAGE_AGENT_KEY), or --http."""
    from ..gateway.tools import parse_toolsets

    try:
        chosen = parse_toolsets(toolsets)
    except ValueError as exc:
        raise CliError(f"--toolsets: {exc}", ExitCode.USAGE) from None
    store = _open_store(db)
    try:
        key = None
        if not http:
            key = os.environ.get(KEY_ENV, "")
            register_secret(key)
            _check_key(store, key)
        factory = runtime_client_factory()
        _run(store, factory, chosen, key=key, http=http, host=host, port=port, stateless=stateless)
    finally:
        store.close()


def _open_store(db: str | None) -> GatewayStore:
    """The gateway's store; a bad URL (exit 2) or an unreachable database (exit 1) is one line."""
    from sqlalchemy.exc import SQLAlchemyError

    from ..gateway._types import GatewayInputError
    from ..gateway.store import GatewayStore
    from .gateway_cmd import _db_shown, _first_line

    try:
        return GatewayStore.open(db)
    except GatewayInputError as exc:
        raise CliError(str(exc), ExitCode.USAGE) from None
    except (SQLAlchemyError, OSError) as exc:
        raise CliError(
            f"cannot open the gateway database {_db_shown(db)}: {_first_line(exc)}", ExitCode.OTHER
        ) from None


def _check_key(store: GatewayStore, key: str) -> None:
    """Stop before answering anything when the stdio agent's key is missing or unknown (exit 3)."""
    from ..gateway.server import agent_for_key

    if not key.strip():
        raise CliError(
            f"{KEY_ENV} is not set: give the agent's key (`sage-accounting agents add NAME` prints it)",
            ExitCode.AUTH,
        )
    if agent_for_key(store, key) is None:
        raise CliError(
            f"{KEY_ENV} is not the key of any agent (removed, or its key was rotated)", ExitCode.AUTH
        )


def _run(
    store: GatewayStore,
    factory: ClientFactory,
    toolsets: frozenset[str] | None,
    *,
    key: str | None,
    http: bool,
    host: str,
    port: int,
    stateless: bool,
) -> None:
    import anyio

    from ..gateway.executor import Gateway
    from ..gateway.server import GatewayServer

    gateway = Gateway(store, factory, toolsets=toolsets, default_business=runtime().business_id)
    server = GatewayServer(gateway, agent_key=key)

    async def main() -> None:
        if http:
            await _serve_http(server, host, port, stateless, factory)
        else:
            await server.run_stdio()

    anyio.run(main)


async def _serve_http(
    server: GatewayServer, host: str, port: int, stateless: bool, factory: ClientFactory
) -> None:
    import uvicorn

    from ..gateway._wire import CoalescingH11Protocol
    from ..gateway.console.app import create_app, with_console

    # The web console shares the store and the Sage connection: approving in it runs the call here.
    console = create_app(server.gateway.store, client_factory=factory, host=host)
    app = with_console(server.http_app(host=host, stateless=stateless), console)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        lifespan="on",
        timeout_keep_alive=KEEP_ALIVE_S,
        http=CoalescingH11Protocol,  # an answer's headers and body in one write
    )
    print(f"sage-accounting MCP gateway on http://{host}:{port}/mcp (console: /console)", file=sys.stderr,
          flush=True)  # fmt: skip
    await uvicorn.Server(config).serve()
