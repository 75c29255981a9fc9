"""Helpers of the MCP tests: a gateway store per test, agents with grants, the gateway served over a real
socket (streamable HTTP) or run as ``sage-accounting --emulator mcp serve`` over stdio, and SDK client
sessions to them."""

from __future__ import annotations

import contextlib
import os
import socket
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator, Mapping
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client

from emulator_helpers import make_connection
from sage_accounting import AsyncSageAccounting
from sage_accounting.cli.mcp_cmd import KEEP_ALIVE_S
from sage_accounting.emulator import Emulator
from sage_accounting.gateway._wire import CoalescingH11Protocol
from sage_accounting.gateway.executor import ClientFactory, Gateway
from sage_accounting.gateway.server import GatewayServer
from sage_accounting.gateway.store import GatewayStore

ROOT = Path(__file__).resolve().parents[2]


# Fixtures shared by the MCP test modules, which import them by their function names; each is registered
# under its ``name``, so a test asks for ``store``, ``emu`` or ``url``.
@pytest.fixture(name="anyio_backend")
def anyio_backend_fixture() -> str:
    return "asyncio"


@pytest.fixture(name="store")
def sqlite_store_fixture(tmp_path: Path) -> Iterator[GatewayStore]:
    """A gateway store on a fresh SQLite file (the MCP tests run on SQLite only)."""
    opened = GatewayStore.open(f"sqlite:///{tmp_path / 'gateway.db'}")
    yield opened
    opened.close()


@pytest.fixture(name="emu")
def emulator_fixture() -> Emulator:
    return Emulator()


@pytest.fixture(name="url")
def served_url_fixture(store: GatewayStore, emu: Emulator) -> Iterator[str]:
    """The URL of the gateway (over ``emu``) served as streamable HTTP on a real loopback socket."""
    with served(Gateway(store, emulator_factory(emu))) as address:
        yield address


def emulator_factory(emu: Emulator) -> ClientFactory:
    """Async clients for ``emu`` (in process), one per business."""
    conn = make_connection(emu)

    def factory(business_id: str | None) -> AsyncSageAccounting:
        return AsyncSageAccounting(conn, business_id=business_id, transport=emu.async_transport())

    return factory


def add_agent(store: GatewayStore, name: str, levels: Mapping[str, str], **grant: Any) -> str:
    """A new agent with these levels (and ``grant`` options); returns its key."""
    _agent, key = store.add_agent(name)
    store.grant(name, dict(levels), **grant)
    return key


def writes(emu: Emulator, path_part: str = "") -> list[Any]:
    """The emulator's logged writes (POST/PUT/DELETE) whose path contains ``path_part``."""
    return [
        e for e in emu.request_log.entries() if e.method in ("POST", "PUT", "DELETE") and path_part in e.path
        and e.path != "/token"
    ]  # fmt: skip


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def served(gateway: Gateway, *, stateless: bool = False, **options: Any) -> Iterator[str]:
    """The gateway as streamable HTTP on a real loopback socket (its own thread and loop); yields the URL."""
    with served_app(GatewayServer(gateway).http_app(stateless=stateless, **options)) as url:
        yield url


@contextlib.contextmanager
def served_app(app: Any) -> Iterator[str]:
    """``app`` (a gateway's :meth:`GatewayServer.http_app`) on a real loopback socket; yields the MCP URL."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="on",
            timeout_keep_alive=KEEP_ALIVE_S,
            http=CoalescingH11Protocol,
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the gateway did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        server.should_exit = True
        thread.join(10)


@contextlib.asynccontextmanager
async def http_session(url: str, key: str, **session: Any) -> AsyncIterator[ClientSession]:
    """An initialised SDK session to the gateway at ``url`` as the agent of ``key``."""
    async with (
        httpx.AsyncClient(headers={"Authorization": f"Bearer {key}"}, timeout=60) as http,
        streamable_http_client(url, http_client=http) as (read, write),
        ClientSession(read, write, **session) as client,
    ):
        await client.initialize()
        yield client


def cli_env(db_url: str, key: str | None, home: Path) -> dict[str, str]:
    """The environment of a gateway subprocess: its own XDG home, no SAGE_* of the caller's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAGE_")}
    env.update(XDG_CONFIG_HOME=str(home / "config"), XDG_DATA_HOME=str(home / "data"), SAGE_GATEWAY_DB=db_url)
    if key is not None:
        env["SAGE_AGENT_KEY"] = key
    return env


def serve_command(*extra: str) -> list[str]:
    """``sage-accounting --emulator mcp serve …`` as a command line for this interpreter."""
    return [sys.executable, "-m", "sage_accounting.cli", "--emulator", "mcp", "serve", *extra]


@contextlib.asynccontextmanager
async def stdio_session(
    db_url: str, key: str, home: Path, *extra: str, **session: Any
) -> AsyncIterator[ClientSession]:
    """An initialised SDK session to ``sage-accounting --emulator mcp serve`` run as a subprocess over stdio."""
    command = serve_command(*extra)
    params = StdioServerParameters(
        command=command[0], args=command[1:], env=cli_env(db_url, key, home), cwd=str(ROOT)
    )
    async with stdio_client(params) as (read, write), ClientSession(read, write, **session) as client:
        await client.initialize()
        yield client


def invoice_arguments(
    contact_id: str, ledger_id: str, *, unit_price: str = "100.00", quantity: int = 1
) -> dict[str, Any]:
    """Arguments of sage_create_sales_invoice for one standard-rated line."""
    return {
        "contact_id": contact_id,
        "date": "2026-01-15",
        "invoice_lines": [
            {"description": "Consulting", "ledger_account_id": ledger_id, "quantity": quantity,
             "unit_price": unit_price, "tax_rate_id": "GB_STANDARD"},
        ],
    }  # fmt: skip


async def demo_ids(session: ClientSession) -> tuple[str, str]:
    """A customer's id and the sales ledger account (4000), found through the tools."""
    contacts = await session.call_tool("sage_list_contacts", {"contact_type_id": "CUSTOMER", "limit": 5})
    assert not contacts.is_error, contacts.content
    customer = contacts.structured_content["items"][0]["id"]
    ledgers = await session.call_tool(
        "sage_list_ledger_accounts", {"attributes": "nominal_code", "limit": 200, "search": "4000"}
    )
    assert not ledgers.is_error, ledgers.content
    sales = next(i["id"] for i in ledgers.structured_content["items"] if str(i.get("nominal_code")) == "4000")
    return customer, sales


def text(result: Any) -> str:
    """The first text block of a tool result."""
    return str(result.content[0].text)
