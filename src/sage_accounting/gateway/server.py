"""The MCP server: the gateway's tools over stdio and streamable HTTP, on the official MCP SDK.

The SDK's low-level :class:`mcp.server.lowlevel.Server` is used rather than ``MCPServer``: the tools are
generated from the action registry and each agent is shown only the ones its grants allow, so
``tools/list`` and ``tools/call`` are answered per agent by two handlers.

Identity:

- stdio: the agent's key is ``SAGE_AGENT_KEY``; :func:`agent_for_key` is checked before the server
  answers anything (the CLI stops with exit code 3 on a missing or unknown key).  The key is looked up
  again on every call, so a removed agent or a rotated key stops working at once.
- HTTP: ``Authorization: Bearer <agent key>`` on every request, checked by the SDK's token verifier
  (:class:`AgentKeyVerifier`); an unknown, removed or rotated-away key gets 401 before any tool runs.

Over HTTP a session whose client declared elicitation is answered as SSE streams (so a held write can be
put to the human in the conversation); any other session gets plain JSON answers on a connection that
stays open (see :mod:`._http`).  ``--stateless`` answers JSON throughout: it has no back channel.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import mcp_types as types
from mcp.server.auth.middleware.bearer_auth import AuthenticatedUser
from mcp.server.auth.provider import AccessToken
from mcp.server.auth.settings import AuthSettings
from mcp.server.context import ServerRequestContext
from mcp.server.lowlevel import Server
from mcp.server.streamable_http_manager import DEFAULT_SESSION_IDLE_TIMEOUT
from mcp.shared.exceptions import MCPError
from pydantic import AnyHttpUrl

from .._version import __version__
from ._types import Agent
from .executor import Confirm, Gateway, ToolOutcome

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.types import ASGIApp

    from .store import GatewayStore

__all__ = ["AgentKeyVerifier", "GatewayServer", "agent_for_key"]

INSTRUCTIONS = (
    "Tools to work in Sage Business Cloud Accounting through a governed gateway. Lists return "
    "{items, next_cursor}; writes take dry_run (see the request, send nothing) and idempotency_key (a retry "
    "never writes twice). A write may be held for a human's approval: the answer gives the approval id. "
    "Every call is audited."
)

_CONFIRM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "allow": {"type": "boolean", "title": "Allow", "description": "Allow the agent to make this change."}
    },
    "required": ["allow"],
}


def agent_for_key(store: GatewayStore, key: str | None) -> Agent | None:
    """The agent whose key this is (None for a missing or unknown key)."""
    if not key or not key.strip():
        return None
    return store.agent_by_key(key.strip())


class AgentKeyVerifier:
    """The SDK's token verifier for agent keys: the bearer token is an agent key from the gateway's store."""

    def __init__(self, store: GatewayStore) -> None:
        self.store = store

    async def verify_token(self, token: str) -> AccessToken | None:
        """The agent of ``token`` as an access token (None: 401)."""
        agent = await self.store.acall(agent_for_key, self.store, token)
        if agent is None:
            return None
        return AccessToken(token=token, client_id=agent.name, scopes=[], claims={"agent": agent})


class GatewayServer:
    """The gateway as an MCP server (``agent_key``: the stdio agent's key; HTTP names it per request)."""

    def __init__(
        self, gateway: Gateway, *, agent_key: str | None = None, name: str = "sage-accounting"
    ) -> None:
        self.gateway = gateway
        self.agent_key = agent_key
        self._running = 0
        self.server: Server[Any] = Server(
            name,
            version=__version__,
            title="Sage Accounting (governed gateway)",
            instructions=INSTRUCTIONS,
            lifespan=self._lifespan,
            get_tool_input_schema=self._input_schema,
            on_list_tools=self._list_tools,
            on_call_tool=self._call_tool,
        )

    @contextlib.asynccontextmanager
    async def _lifespan(self, _server: Server[Any]) -> AsyncIterator[dict[str, Any]]:
        # The businesses' names are learnt once, before the first request is answered.  Over HTTP two
        # session managers (SSE and JSON) enter this; the gateway's clients close when the last one ends.
        await self.gateway.start()
        self._running += 1
        try:
            yield {}
        finally:
            self._running -= 1
            if not self._running:
                await self.gateway.aclose()

    def _input_schema(self, name: str) -> dict[str, Any] | None:
        # The sessionless protocol checks a call's Mcp-Param headers against the tool's schema; answering
        # from the specs spares it a whole tools/list per call.
        spec = self.gateway.tools.get(name)
        return spec.input_schema if spec is not None else None

    # --- identity -----------------------------------------------------------------------------------

    async def _agent(self, ctx: ServerRequestContext[Any, Any]) -> Agent:
        request = ctx.request
        scope = getattr(request, "scope", None)
        user = scope.get("user") if isinstance(scope, dict) else None
        if isinstance(user, AuthenticatedUser):
            known = (user.access_token.claims or {}).get("agent")
            if isinstance(known, Agent):
                return known
        if self.agent_key is not None:
            agent = await self.gateway.store.acall(agent_for_key, self.gateway.store, self.agent_key)
            if agent is not None:
                return agent
        # Only reachable when the agent was removed or its key rotated while connected.
        raise MCPError(
            code=types.INVALID_REQUEST, message="unknown agent key: the agent was removed or its key rotated"
        )

    # --- handlers -----------------------------------------------------------------------------------

    async def _list_tools(
        self, ctx: ServerRequestContext[Any, Any], params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        agent = await self._agent(ctx)
        tools = [types.Tool.model_validate(spec.to_mcp()) for spec in self.gateway.visible_tools(agent)]
        return types.ListToolsResult(tools=tools)

    async def _call_tool(
        self, ctx: ServerRequestContext[Any, Any], params: types.CallToolRequestParams
    ) -> types.CallToolResult:
        agent = await self._agent(ctx)
        arguments = params.arguments if isinstance(params.arguments, dict) else {}
        outcome = await self.gateway.call(agent, params.name, arguments, confirm=self._confirm(ctx))
        return _result(outcome)

    def _confirm(self, ctx: ServerRequestContext[Any, Any]) -> Confirm | None:
        """Asking the human in the conversation, when the client can be asked (elicitation)."""
        session = ctx.session
        caps = session.client_capabilities
        if caps is None or caps.elicitation is None:
            return None

        async def confirm(message: str) -> bool:
            answer = await session.elicit_form(message, _CONFIRM_SCHEMA, related_request_id=ctx.request_id)
            content = answer.content or {}
            return answer.action == "accept" and content.get("allow", True) is True

        return confirm

    # --- transports ---------------------------------------------------------------------------------

    async def run_stdio(self) -> None:
        """Serve one client over stdin/stdout until it disconnects."""
        from mcp.server.stdio import stdio_server

        async with stdio_server() as (read_stream, write_stream):
            await self.server.run(read_stream, write_stream, self.server.create_initialization_options())

    def http_app(
        self,
        *,
        host: str = "127.0.0.1",
        stateless: bool = False,
        session_idle_timeout: float = DEFAULT_SESSION_IDLE_TIMEOUT,
    ) -> ASGIApp:
        """The streamable-HTTP app at ``/mcp``, every request authenticated by its agent key.

        A session is answered as SSE when its client declared elicitation, else as JSON; ``stateless``
        (no sessions, so nothing can be asked of the client) answers JSON always.  A session with no
        request for ``session_idle_timeout`` seconds is closed (its id then answers 404).
        """
        from ._http import SessionModeRouter

        if stateless:
            return self._sdk_app(host, True, True, session_idle_timeout)
        return SessionModeRouter(
            self._sdk_app(host, False, False, session_idle_timeout),
            self._sdk_app(host, False, True, session_idle_timeout),
            idle_timeout=session_idle_timeout,
        )

    def _sdk_app(self, host: str, stateless: bool, json_response: bool, idle_timeout: float) -> Starlette:
        return self.server.streamable_http_app(
            streamable_http_path="/mcp",
            json_response=json_response,
            stateless_http=stateless,
            session_idle_timeout=idle_timeout,
            host=host,
            auth=AuthSettings(issuer_url=AnyHttpUrl("http://127.0.0.1"), resource_server_url=None),
            token_verifier=AgentKeyVerifier(self.gateway.store),
        )


def _result(outcome: ToolOutcome) -> types.CallToolResult:
    import json

    content: list[types.ContentBlock] = [types.TextContent(type="text", text=outcome.text)]
    if outcome.structured is not None:
        content.append(types.TextContent(type="text", text=json.dumps(outcome.structured, default=str)))
    return types.CallToolResult(
        content=content,
        structured_content=outcome.structured if not outcome.is_error else None,
        is_error=outcome.is_error,
    )
