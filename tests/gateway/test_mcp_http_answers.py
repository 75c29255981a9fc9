"""How the gateway answers over streamable HTTP: a session whose client declared no elicitation gets JSON
answers, all on one kept-alive connection; a client that declared elicitation gets SSE streams and is still
asked to approve a held write in the conversation; ``--stateless`` answers JSON; a session's end (DELETE,
idle timeout) is followed for either kind."""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import httpx2
import mcp_types as types
import pytest
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp_types.version import LATEST_HANDSHAKE_VERSION

from sage_accounting.emulator import Emulator
from sage_accounting.gateway._http import PEEK_LIMIT, SessionModeRouter, declares_elicitation
from sage_accounting.gateway.executor import Gateway
from sage_accounting.gateway.server import GatewayServer
from sage_accounting.gateway.store import GatewayStore

from .mcp_helpers import (  # noqa: F401  (the MCP fixtures)
    add_agent,
    anyio_backend_fixture,
    emulator_factory,
    emulator_fixture,
    served,
    served_app,
    served_url_fixture,
    sqlite_store_fixture,
    text,
    writes,
)

pytestmark = pytest.mark.anyio

ACCEPT = {"Accept": "application/json, text/event-stream"}


def _initialize(capabilities: dict[str, Any], **client_info: Any) -> dict[str, Any]:
    return {
        "jsonrpc": "2.0",
        "id": 0,
        "method": "initialize",
        "params": {
            "protocolVersion": LATEST_HANDSHAKE_VERSION,
            "capabilities": capabilities,
            "clientInfo": {"name": "test", "version": "1", **client_info},
        },
    }


def _call(n: int, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    return {
        "jsonrpc": "2.0",
        "id": n,
        "method": "tools/call",
        "params": {"name": name, "arguments": arguments},
    }


def _answer(response: httpx.Response) -> dict[str, Any]:
    """The JSON-RPC answer in ``response``, whether a JSON body or an SSE stream."""
    if response.headers["content-type"].startswith("text/event-stream"):
        data = [line[5:].strip() for line in response.text.splitlines() if line.startswith("data:")]
        answer: dict[str, Any] = json.loads([d for d in data if d][-1])
        return answer
    body: dict[str, Any] = response.json()
    return body


def _port(response: httpx.Response | httpx2.Response) -> int:
    """The client's local port the response came in on (one port: one connection)."""
    port: int = response.extensions["network_stream"].get_extra_info("client_addr")[1]
    return port


@contextlib.contextmanager
def _opened(
    url: str, key: str, capabilities: dict[str, Any]
) -> Iterator[tuple[httpx.Client, dict[str, str]]]:
    """A kept-alive HTTP client with an initialised session; yields it and the session's headers."""
    with httpx.Client(headers={"Authorization": f"Bearer {key}", **ACCEPT}, timeout=30) as http:
        opened = http.post(url, json=_initialize(capabilities))
        assert opened.status_code == 200, opened.text
        headers = {
            "Mcp-Session-Id": opened.headers["mcp-session-id"],
            "Mcp-Protocol-Version": _answer(opened)["result"]["protocolVersion"],
        }
        assert http.post(url, json={"jsonrpc": "2.0", "method": "notifications/initialized"}, headers=headers)
        yield http, headers


async def test_a_client_without_elicitation_gets_json_answers_on_one_connection(
    store: GatewayStore, url: str
) -> None:
    key = add_agent(store, "reader", {"contacts": "read"})
    with _opened(url, key, {}) as (http, headers):
        answers = [
            http.post(url, json=_call(n, "sage_list_contacts", {"limit": 2}), headers=headers)
            for n in (1, 2, 3)
        ]
        ports = {_port(a) for a in answers}
    assert [a.headers["content-type"] for a in answers] == ["application/json"] * 3
    assert len(ports) == 1
    for n, answer in enumerate(answers, start=1):
        body = answer.json()
        assert body["id"] == n and not body["result"]["isError"]
        assert len(body["result"]["structuredContent"]["items"]) == 2


async def test_a_client_that_declares_elicitation_gets_sse_answers(store: GatewayStore, url: str) -> None:
    key = add_agent(store, "reader", {"contacts": "read"})
    with _opened(url, key, {"elicitation": {"form": {}}}) as (http, headers):
        answer = http.post(url, json=_call(1, "sage_list_contacts", {"limit": 2}), headers=headers)
    assert answer.headers["content-type"].startswith("text/event-stream")
    assert not _answer(answer)["result"]["isError"]


@contextlib.asynccontextmanager
async def _sdk_session(
    url: str, key: str, seen: list[tuple[int, str, int]], **session: Any
) -> AsyncIterator[ClientSession]:
    """An SDK client session on the SDK's own HTTP client; every answer to a POST is recorded in ``seen``
    (status, content type, local port)."""

    async def record(response: httpx2.Response) -> None:
        if response.request.method == "POST":
            content_type = response.headers.get("content-type", "").split(";")[0]
            seen.append((response.status_code, content_type, _port(response)))

    async with (
        httpx2.AsyncClient(headers={"Authorization": f"Bearer {key}"}, timeout=30, event_hooks={"response": [record]})
        as http,
        streamable_http_client(url, http_client=http) as (read, write),
        ClientSession(read, write, **session) as client,
    ):  # fmt: skip
        await client.initialize()
        yield client


async def test_the_sdk_client_is_asked_to_approve_only_when_it_declared_elicitation(
    store: GatewayStore, emu: Emulator, url: str
) -> None:
    key = add_agent(store, "clerk", {"contacts": "full"}, approve_writes=True)
    asked: list[str] = []

    async def elicit(_ctx: Any, params: Any) -> types.ElicitResult:
        asked.append(params.message)
        return types.ElicitResult(action="accept", content={"allow": True})

    plain: list[tuple[int, str, int]] = []
    async with _sdk_session(url, key, plain) as session:
        held = await session.call_tool(
            "sage_create_contact", {"name": "Held Ltd", "contact_type_ids": ["CUSTOMER"]}
        )
        listed = await session.call_tool("sage_list_contacts", {"limit": 1})
    asking: list[tuple[int, str, int]] = []
    async with _sdk_session(url, key, asking, elicitation_callback=elicit) as session:
        approved = await session.call_tool(
            "sage_create_contact", {"name": "Asked Ltd", "contact_type_ids": ["CUSTOMER"]}
        )

    assert held.structured_content is not None and held.structured_content["status"] == "held"
    assert not listed.is_error
    assert len(asked) == 1 and "clerk" in asked[0]
    assert not approved.is_error and approved.structured_content["record"]["name"] == "Asked Ltd"  # type: ignore[index]
    assert len(writes(emu, "/contacts")) == 1  # the asked one; the held one waits for approval
    assert [a.status for a in store.list_approvals()] == ["pending"]
    # Requests are answered as JSON to the first client, its calls all on one connection (after the
    # initialize's, which its SDK client keeps for the stream the server may send requests on); as SSE to
    # the second.
    answered = [(content_type, port) for status, content_type, port in plain if status == 200]
    assert {content_type for content_type, _port in answered} == {"application/json"}
    assert len(answered) >= 3 and len({port for _content_type, port in answered[1:]}) == 1
    assert {content_type for status, content_type, _port in asking if status == 200} == {"text/event-stream"}


async def test_the_stateless_server_answers_json(store: GatewayStore, emu: Emulator) -> None:
    key = add_agent(store, "reader", {"contacts": "read"})
    with (
        served(Gateway(store, emulator_factory(emu)), stateless=True) as url,
        httpx.Client(headers={"Authorization": f"Bearer {key}", **ACCEPT}, timeout=30) as http,
    ):
        answer = http.post(url, json=_call(1, "sage_list_contacts", {"limit": 1}))
    assert answer.headers["content-type"] == "application/json"
    assert "mcp-session-id" not in answer.headers
    assert len(answer.json()["result"]["structuredContent"]["items"]) == 1


async def test_an_opening_request_too_long_to_read_first_is_served_whole_as_sse(
    store: GatewayStore, url: str
) -> None:
    key = add_agent(store, "reader", {"contacts": "read"})
    with httpx.Client(headers={"Authorization": f"Bearer {key}", **ACCEPT}, timeout=30) as http:
        opened = http.post(url, json=_initialize({}, title="x" * (PEEK_LIMIT + 10)))
    assert opened.status_code == 200
    assert opened.headers["content-type"].startswith("text/event-stream")
    assert _answer(opened)["result"]["serverInfo"]["name"] == "sage-accounting"


IDLE = 1.5  # long enough that a loaded machine does not idle a session out between two of its calls


async def test_a_json_session_ends_on_delete_and_after_its_idle_timeout_not_on_another_key(
    store: GatewayStore, emu: Emulator
) -> None:
    key = add_agent(store, "reader", {"contacts": "read"})
    app = GatewayServer(Gateway(store, emulator_factory(emu))).http_app(session_idle_timeout=IDLE)
    assert isinstance(app, SessionModeRouter)
    other = add_agent(store, "other", {"contacts": "read"})
    with served_app(app) as url:
        with _opened(url, key, {}) as (http, headers):
            assert app.json_sessions() == {headers["Mcp-Session-Id"]}
            stranger = {**headers, "Authorization": f"Bearer {other}"}
            assert (
                http.post(url, json=_call(1, "sage_list_contacts", {}), headers=stranger).status_code == 404
            )
            still = http.post(url, json=_call(2, "sage_list_contacts", {}), headers=headers)
            assert (
                still.headers["content-type"] == "application/json" and not still.json()["result"]["isError"]
            )
            assert http.delete(url, headers=headers).status_code == 200
            gone = http.post(url, json=_call(1, "sage_list_contacts", {}), headers=headers)
        assert gone.status_code == 404 and app.json_sessions() == frozenset()

        with _opened(url, key, {}) as (http, idle):
            time.sleep(2 * IDLE)
            expired = http.post(url, json=_call(1, "sage_list_contacts", {}), headers=idle)
        assert expired.status_code == 404  # the SDK closed it after the idle timeout
        time.sleep(2 * IDLE)
        with _opened(url, key, {}) as (_http, latest):
            # Opening another session forgets those idle for longer than the timeout.
            assert app.json_sessions() == {latest["Mcp-Session-Id"]}


@pytest.mark.parametrize(
    ("body", "declared"),
    [
        (json.dumps(_initialize({})), False),
        (json.dumps(_initialize({"roots": {}, "elicitation": None})), False),
        (json.dumps(_initialize({"elicitation": {}})), True),
        (json.dumps(_initialize({"sampling": {}, "elicitation": {"form": {}, "url": {}}})), True),
        (json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}), True),
        (json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": []}), True),
        ("[1, 2", True),
        ("", True),
    ],
)
async def test_what_counts_as_declaring_elicitation(body: str, declared: bool) -> None:
    # Whatever cannot be read as an initialize without elicitation is served as SSE, as it was before.
    assert declares_elicitation(body.encode()) is declared
