"""Streamable HTTP answers per session: JSON bodies, or SSE streams for a client that can be asked things.

The MCP specification lets a server answer each POST with either one ``application/json`` body or a
``text/event-stream``.  A stream is needed only when the server has to ask the client something while
answering (here: elicitation, to let the human approve a held write).  A JSON body is one short response on
a connection that stays open, while the SDK's client reads a stream only up to the answer and then drops
the connection, so an SSE session opens a new TCP connection for every call.

So the choice is made per session, from what the client declared when it opened the session:

- its ``initialize`` declares ``elicitation``: the session is served as SSE, and approvals are asked in the
  conversation as before;
- otherwise its answers are JSON bodies (nothing could be asked of it anyway).

Each mode is a complete app of the SDK's own (``Server.streamable_http_app``, with the same authentication
and DNS-rebinding protection); :class:`SessionModeRouter` hands each request to one of them.  It reads
only the public protocol: the body of a request that opens a session, and the ``Mcp-Session-Id`` the answer
names.  A request it cannot classify goes to the SSE app, which is how the gateway answered before.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS
from starlette.applications import Starlette
from starlette.types import Message, Receive, Scope, Send

__all__ = ["PEEK_LIMIT", "SessionModeRouter", "declares_elicitation"]

PEEK_LIMIT = 256 * 1024
"""The largest opening request read to choose the session's mode; a larger one is served as SSE."""

_SESSION_HEADER = b"mcp-session-id"
_VERSION_HEADER = b"mcp-protocol-version"
_AUTHORIZATION = b"authorization"
_PRUNE_EVERY = 60.0


def declares_elicitation(body: bytes) -> bool:
    """Whether ``body`` could be an ``initialize`` whose client declares elicitation.

    Anything that is not a well-formed ``initialize`` without ``elicitation`` counts as declaring it, so
    a body this cannot read is served as SSE (the SDK then answers it as it would anyway).
    """
    try:
        message = json.loads(body)
    except (ValueError, RecursionError):
        return True
    if not isinstance(message, dict) or message.get("method") != "initialize":
        return True
    params = message.get("params")
    capabilities = params.get("capabilities") if isinstance(params, dict) else None
    if not isinstance(capabilities, dict):
        return True
    return capabilities.get("elicitation") is not None


@dataclass
class _JsonSession:
    in_flight: int = 0
    last_seen: float = 0.0


class SessionModeRouter:
    """ASGI app at the MCP endpoint: each session to the SSE or the JSON app (see the module).

    ``idle_timeout`` must be the one both apps' session managers use: a JSON session this router has not
    seen a request for in that long (none in flight) is gone from its manager too, and is forgotten here
    when the next session opens.  (A 404 does not end one here: the SDK answers 404 to another agent's key
    too, and that must not cut the session's own agent off.)
    """

    def __init__(self, sse: Starlette, json_app: Starlette, *, idle_timeout: float) -> None:
        self.sse = sse
        self.json = json_app
        self.idle_timeout = idle_timeout
        self._json_sessions: dict[str, _JsonSession] = {}
        self._pruned_at = time.monotonic()
        self._lifespan_app = Starlette(lifespan=self._lifespan)

    @contextlib.asynccontextmanager
    async def _lifespan(self, _app: Starlette) -> AsyncIterator[None]:
        async with (
            self.sse.router.lifespan_context(self.sse),
            self.json.router.lifespan_context(self.json),
        ):
            yield

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan_app(scope, receive, send)
        else:
            await self._route(scope, receive, send)

    def json_sessions(self) -> frozenset[str]:
        """The ids of the sessions answered as JSON now."""
        return frozenset(self._json_sessions)

    async def _route(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.sse(scope, receive, send)
            return
        headers = dict(scope["headers"])
        session_id = headers.get(_SESSION_HEADER)
        if session_id is not None:
            await self._in_session(session_id.decode("latin-1"), scope, receive, send)
            return
        version = headers.get(_VERSION_HEADER)
        opens_session = (
            scope["method"] == "POST"
            and _AUTHORIZATION in headers  # without a key the SDK app answers 401 before reading a byte
            and (version is None or version.decode("latin-1") in HANDSHAKE_PROTOCOL_VERSIONS)
        )
        if not opens_session:
            # The sessionless protocol (2026) and anything else: the SSE app, which answers JSON itself
            # whenever it has nothing to stream.
            await self.sse(scope, receive, send)
            return
        body, receive = await _peek_body(receive, PEEK_LIMIT)
        if body is None or declares_elicitation(body):
            await self.sse(scope, receive, send)
            return
        await self.json(scope, receive, self._learn_session(send))

    def _learn_session(self, send: Send) -> Send:
        """``send``, remembering the session a successful opening answer names as a JSON one."""

        async def learning(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] < 400:
                named = dict(message.get("headers", [])).get(_SESSION_HEADER)
                if named:
                    self._prune()
                    self._json_sessions[named.decode("latin-1")] = _JsonSession(last_seen=time.monotonic())
            await send(message)

        return learning

    async def _in_session(self, session_id: str, scope: Scope, receive: Receive, send: Send) -> None:
        session = self._json_sessions.get(session_id)
        if session is None:
            await self.sse(scope, receive, send)
            return

        async def watching(message: Message) -> None:
            start = message["type"] == "http.response.start"
            if start and scope["method"] == "DELETE" and message["status"] == 200:
                # Ended by its client (only its own key can end it): forgotten at once.
                self._json_sessions.pop(session_id, None)
            await send(message)

        session.in_flight += 1
        try:
            await self.json(scope, receive, watching)
        finally:
            session.in_flight -= 1
            session.last_seen = time.monotonic()

    def _prune(self) -> None:
        """Forget the JSON sessions idle for longer than their managers keep them (once a minute at most)."""
        now = time.monotonic()
        if now - self._pruned_at < min(_PRUNE_EVERY, self.idle_timeout):
            return
        self._pruned_at = now
        gone = [
            sid
            for sid, s in self._json_sessions.items()
            if not s.in_flight and now - s.last_seen > self.idle_timeout
        ]
        for sid in gone:
            del self._json_sessions[sid]


async def _peek_body(receive: Receive, limit: int) -> tuple[bytes | None, Receive]:
    """The request's body (None past ``limit`` bytes) and a ``receive`` that replays what was read."""
    read: list[Message] = []
    size = 0
    complete = False
    while not complete:
        message = await receive()
        read.append(message)
        if message["type"] != "http.request":
            break
        size += len(message.get("body", b""))
        complete = not message.get("more_body", False)
        if size > limit:
            break

    async def replay() -> Message:
        if read:
            return read.pop(0)
        return await receive()

    body = b"".join(m.get("body", b"") for m in read if m["type"] == "http.request")
    return (body if complete and size <= limit else None), replay
