"""Who is calling, over streamable HTTP: the agent's key as a bearer token on every request (401 for a
missing, unknown, removed or rotated-away key, before any tool runs), the tools listed per agent, the
sessionless protocol, and the toolsets a server is limited to."""

from __future__ import annotations

import json

import httpx
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from sage_accounting.emulator import Emulator
from sage_accounting.gateway.executor import Gateway
from sage_accounting.gateway.store import GatewayStore
from sage_accounting.gateway.tools import parse_toolsets

from .mcp_helpers import (  # noqa: F401  (the MCP fixtures)
    add_agent,
    anyio_backend_fixture,
    emulator_factory,
    emulator_fixture,
    http_session,
    served,
    sqlite_store_fixture,
    text,
)

pytestmark = pytest.mark.anyio

LIST = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}
HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


def _post(url: str, key: str | None) -> httpx.Response:
    headers = dict(HEADERS)
    if key is not None:
        headers["Authorization"] = f"Bearer {key}"
    return httpx.post(url, headers=headers, content=json.dumps(LIST), timeout=30)


async def test_missing_unknown_removed_and_rotated_keys_get_401(store: GatewayStore, emu: Emulator) -> None:
    old = add_agent(store, "rotated", {"contacts": "read"})
    new = store.rotate_key("rotated")
    gone = add_agent(store, "gone", {"contacts": "read"})
    store.remove_agent("gone")
    with served(Gateway(store, emulator_factory(emu))) as url:
        for key in (None, "sga_unknown", old, gone):
            answer = _post(url, key)
            assert answer.status_code == 401, key
            assert (key or "sga_unknown") not in answer.text
        async with http_session(url, new) as session:
            assert not (await session.call_tool("sage_list_contacts", {"limit": 1})).is_error
    assert [e.method for e in emu.request_log.entries() if e.path.endswith("/contacts")] == ["GET"]
    assert {row.agent for row in store.list_audit(limit=100) if row.tool.startswith("sage_")} == {"rotated"}


async def test_each_agent_is_listed_only_its_own_tools(store: GatewayStore, emu: Emulator) -> None:
    reader = add_agent(store, "reader", {"contacts": "read"})
    nobody = add_agent(store, "nobody", {})
    raw = add_agent(store, "raw", {"raw": "full"})
    with served(Gateway(store, emulator_factory(emu))) as url:
        async with http_session(url, reader) as session:
            names = {t.name for t in (await session.list_tools()).tools}
        async with http_session(url, nobody) as session:
            none = (await session.list_tools()).tools
            refused = await session.call_tool("sage_list_contacts", {})
        async with http_session(url, raw) as session:
            raw_names = {t.name for t in (await session.list_tools()).tools}
    assert (
        "sage_list_contacts" in names
        and "sage_create_contact" not in names
        and "sage_raw_request" not in names
    )
    assert all(name.startswith("sage_") and name == name.lower() for name in names)
    assert none == [] and refused.is_error
    assert text(refused) == "sage_list_contacts needs Read in Contacts, Sales or Purchases"
    assert "sage_raw_request" in raw_names


@pytest.mark.parametrize("stateless", [False, True])
async def test_the_sessionless_protocol_works_with_the_same_key(
    store: GatewayStore, emu: Emulator, stateless: bool
) -> None:
    key = add_agent(store, "reader", {"contacts": "read"})
    with served(Gateway(store, emulator_factory(emu)), stateless=stateless) as url:
        async with (
            httpx.AsyncClient(headers={"Authorization": f"Bearer {key}"}, timeout=30) as http,
            Client(streamable_http_client(url, http_client=http), mode="auto") as client,
        ):
            version = client.session.protocol_version
            tools = await client.list_tools()
            result = await client.call_tool("sage_list_contacts", {"limit": 3})
            refused = await client.call_tool("sage_create_contact", {"name": "X"})
    assert version == "2026-07-28"  # no initialize handshake, no session
    assert refused.is_error and text(refused) == "sage_create_contact needs Contacts: Full"
    assert "sage_list_contacts" in {t.name for t in tools.tools}
    assert not result.is_error and result.structured_content is not None
    assert len(result.structured_content["items"]) == 3


async def test_toolsets_limit_the_tools_served(store: GatewayStore, emu: Emulator) -> None:
    key = add_agent(store, "all", {area: "full" for area in ("contacts", "sales", "purchases", "bank")})
    gateway = Gateway(store, emulator_factory(emu), toolsets=parse_toolsets("sales,contacts"))
    with served(gateway) as url:
        async with http_session(url, key) as session:
            names = {t.name for t in (await session.list_tools()).tools}
            outside = await session.call_tool("sage_list_bank_accounts", {})
    assert "sage_create_sales_invoice" in names and "sage_create_contact" in names
    assert not any("bank" in n or "purchase" in n for n in names)
    assert outside.is_error and "sage_list_bank_accounts" in text(outside)
    with pytest.raises(ValueError, match="unknown toolset 'nope'"):
        parse_toolsets("sales,nope")
