"""The HTTP face of the emulator: one ASGI app serving Sage's three hosts on one port.

OAuth (``/oauth2/auth/central``, ``/token``, ``/revoke``, in ``_oauth_http``), the API under ``/v3.1``
(``_api``) and the control plane under ``/__emulator__`` (``_control``). :meth:`EmulatorApp.__call__` runs
each request through named steps: parse, take a fault, authenticate and count it in flight, apply the fault,
read the body, route, then finish (log, headers, send).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl

import anyio

from ._answers import Answer, ConnectionDropped, error_answer
from ._api import ApiRequest, Identity, answer_api, authenticate
from ._clock import iso
from ._control import CONTROL_PREFIX, answer_control
from ._errors import ApiError
from ._faults import Fault
from ._oauth_http import AUTHORIZE_PATH, TOKEN_PATHS, answer_authorize, answer_token
from ._sandbox import Sandbox

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

API_PREFIX = "/v3.1"
MAX_BODY = 10 * 1024 * 1024
WRITES = frozenset({"POST", "PUT", "DELETE"})
FAULT_MESSAGES = {
    408: ("RequestTimeout", "The request timed out."),
    429: ("TooManyRequests", "Rate limit exceeded."),
    500: ("UnexpectedError", "An unexpected error occurred."),
    502: ("BadGateway", "Bad gateway."),
    503: ("ServiceUnavailable", "The service is temporarily unavailable."),
    504: ("GatewayTimeout", "The gateway timed out."),
}


class Request:
    """What the steps know about one request as it goes through them."""

    __slots__ = ("fault", "headers", "identity", "method", "path", "query", "request_id")

    def __init__(self, scope: Scope) -> None:
        self.method: str = scope["method"].upper()
        self.path: str = scope["path"]
        self.query: str = scope.get("query_string", b"").decode("latin-1")
        self.headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        self.request_id = str(uuid.uuid4())
        self.fault: Fault | None = None
        self.identity: Identity | None = None

    @property
    def is_api(self) -> bool:
        return self.path.startswith(API_PREFIX + "/") or self.path == API_PREFIX

    @property
    def is_control(self) -> bool:
        return self.path.startswith(CONTROL_PREFIX)


class EmulatorApp:
    """The ASGI application. Holds no state of its own beyond in-flight counters: all of it is the sandbox's."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self._inflight: dict[str, int] = {}
        self._inflight_lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        request = Request(scope)
        if not request.is_control:
            request.fault = self.sandbox.faults.take(request.method, request.path)
        counted: str | None = None
        try:
            answer = self.authenticate(request)
            if answer is None and request.identity is not None:
                try:
                    counted = self.enter(request.identity.client_id)
                except ApiError as exc:
                    answer = error_answer(exc)
            answer = await self.apply_fault(request, answer, send)
            if answer is None:
                answer = await self.read_and_route(request, receive)
            if request.fault is not None and request.fault.commit_then_fail:
                # The write happened; the client is told the gateway timed out.
                answer = self.fault_answer(request.fault, default_status=504)
        finally:
            if counted is not None:
                self.leave(counted)
        await self.finish(request, answer, send)

    # --- the steps -----------------------------------------------------------------------------------------
    def authenticate(self, request: Request) -> Answer | None:
        """API calls only: the caller behind the token (an error answer when there is none)."""
        if not request.is_api:
            return None
        try:
            with self.sandbox.lock:
                request.identity = authenticate(self.sandbox, request.headers)
        except ApiError as exc:
            return error_answer(exc)
        return None

    async def apply_fault(self, request: Request, answer: Answer | None, send: Send) -> Answer | None:
        """Wait out a scripted latency; drop the connection or answer the scripted status instead."""
        fault = request.fault
        if fault is None:
            return answer
        if fault.latency:
            await anyio.sleep(fault.latency)
        if fault.drop:
            dropped = Answer(0)
            self.name_caller(request, dropped)
            # logged with status 0: the client never got an answer
            self.log(request, dropped)
            await send({"type": "http.response.start", "status": 200, "headers": []})
            raise ConnectionDropped(
                f"{request.method} {request.path}: connection dropped by a scripted fault"
            )
        if answer is None and fault.status and not fault.commit_then_fail:
            return self.fault_answer(fault)
        return answer

    async def read_and_route(self, request: Request, receive: Receive) -> Answer:
        """Read the body (413 past MAX_BODY), then answer the request."""
        try:
            body = await read_body(receive)
        except ApiError as exc:
            return error_answer(exc)
        return self.route(request, body)

    def route(self, request: Request, body: bytes) -> Answer:
        """The control plane, OAuth or the API; never a traceback (a 500 in Sage's shape instead)."""
        sandbox, path = self.sandbox, request.path
        try:
            if request.is_control:
                with sandbox.lock:
                    return answer_control(
                        sandbox, request.method, path[len(CONTROL_PREFIX) :], request.query, body
                    )
            if path == AUTHORIZE_PATH:
                return answer_authorize(sandbox, request.method, request.query, body)
            if path in TOKEN_PATHS:
                return answer_token(sandbox, request.method, path, request.headers, body)
            if request.identity is not None:
                parts = [p for p in path[len(API_PREFIX) :].split("/") if p]
                params = dict(parse_qsl(request.query, keep_blank_values=True))
                api_request = ApiRequest(request.method, parts, params, request.headers, body)
                with sandbox.lock:
                    try:
                        return answer_api(sandbox, api_request, request.identity)
                    finally:
                        # store what the request changed compactly, index it, and let go of what it read
                        sandbox.state.release()
            return error_answer(ApiError(404, "RecordNotFound", "Resource not found"))
        except ApiError as exc:
            return error_answer(exc)
        except Exception:
            sandbox.logger.exception("unexpected error handling %s %s", request.method, path)
            return error_answer(ApiError(500, "UnexpectedError", "An unexpected error occurred."))

    async def finish(self, request: Request, answer: Answer, send: Send) -> None:
        """Name the caller and request id, note a change, log the request and send the answer."""
        self.name_caller(request, answer)
        # Sage's guides name the header x_request_id ("Found in the response headers")
        answer.headers["x_request_id"] = request.request_id
        fault = request.fault
        if request.method in WRITES and (answer.status < 400 or (fault and fault.commit_then_fail)):
            self.sandbox.changed()
            if self.sandbox.save_error:
                # the change is made but not on disk: say so on the answer, in one line
                answer.headers["x-emulator-warning"] = self.sandbox.save_error.encode(
                    "ascii", "replace"
                ).decode()
        if not request.is_control:
            self.log(request, answer)
        answer.headers["content-length"] = str(len(answer.body))
        await send(
            {
                "type": "http.response.start",
                "status": answer.status,
                "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in answer.headers.items()],
            }
        )
        await send({"type": "http.response.body", "body": answer.body})

    # --- helpers of the steps ---------------------------------------------------------------------------------
    @staticmethod
    def name_caller(request: Request, answer: Answer) -> None:
        if request.identity is not None:
            answer.client_id = answer.client_id or request.identity.client_id
            answer.user_id = answer.user_id or request.identity.user.id

    def log(self, request: Request, answer: Answer) -> None:
        sandbox = self.sandbox
        sandbox.request_log.append(
            time=iso(sandbox.clock.time()),
            method=request.method,
            path=request.path,
            query=request.query,
            status=answer.status,
            request_id=request.request_id,
            business_id=answer.business_id,
            client_id=answer.client_id,
            user_id=answer.user_id,
            grant_type=answer.grant_type,
            fault=fault_name(request.fault),
        )

    def enter(self, client_id: str) -> str:
        """Count a request in flight for the app: 429 past ``max_concurrent_requests``."""
        settings = self.sandbox.state.settings
        with self._inflight_lock:
            current = self._inflight.get(client_id, 0)
            if current >= settings.max_concurrent_requests:
                raise ApiError(
                    429,
                    "TooManyRequests",
                    f"More than {settings.max_concurrent_requests} concurrent requests for this app.",
                    headers={"retry-after": str(settings.rate_limit_retry_after)},
                )
            self._inflight[client_id] = current + 1
        return client_id

    def leave(self, client_id: str) -> None:
        with self._inflight_lock:
            self._inflight[client_id] -= 1

    def fault_answer(self, fault: Fault, default_status: int = 503) -> Answer:
        """The error a scripted fault answers with, in Sage's shape."""
        status = fault.status or default_status
        code, message = FAULT_MESSAGES.get(status, FAULT_MESSAGES[500])
        headers: dict[str, str] = {}
        if fault.retry_after is not None:
            headers["retry-after"] = str(fault.retry_after)
        elif status == 429:
            headers["retry-after"] = str(self.sandbox.state.settings.rate_limit_retry_after)
        return error_answer(ApiError(status, code, message, headers=headers))


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


async def read_body(receive: Receive) -> bytes:
    """The whole request body; 413 past ``MAX_BODY``."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            raise ApiError(413, "RequestTooLarge", "The request body is too large.")
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def fault_name(fault: Fault | None) -> str | None:
    """How the request log names a fault."""
    if fault is None:
        return None
    if fault.drop:
        return "drop"
    if fault.commit_then_fail:
        return "commit_then_fail"
    if fault.status:
        return str(fault.status)
    return "latency"
