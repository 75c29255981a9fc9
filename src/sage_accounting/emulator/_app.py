"""The HTTP face of the emulator: one ASGI app serving Sage's three hosts on one port.

OAuth (``/oauth2/auth/central``, ``/token``, ``/revoke``), the API under ``/v3.1`` and the control plane under
``/__emulator__``. The API pipeline runs in Sage's order: token, business, rate limits, route, roles, scope,
body, then the resource's rules.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

import anyio
import orjson

from ._clock import iso
from ._errors import ApiError
from ._faults import Fault
from ._listing import envelope, expand, project, resolver, select
from ._oauth import (
    AuthorizePageError,
    OAuthError,
    RedirectError,
    check_authorize,
    consent_page,
    error_page,
    issue_code,
    prune,
    revoke_request,
    token_request,
)
from ._resource import Ctx, Resource
from ._state import Business, User

if TYPE_CHECKING:
    from ._emulator import Emulator

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

API_PREFIX = "/v3.1"
CONTROL_PREFIX = "/__emulator__"
MAX_BODY = 10 * 1024 * 1024


class ConnectionDropped(Exception):
    """Raised inside the app to drop the connection without an answer (a scripted fault)."""


class Answer:
    """A response about to be sent, plus what the request log should say about it."""

    __slots__ = ("body", "business_id", "client_id", "grant_type", "headers", "status", "user_id")

    def __init__(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.body = body
        self.headers = headers or {}
        self.business_id: str | None = None
        self.client_id: str | None = None
        self.user_id: str | None = None
        self.grant_type: str | None = None


def json_answer(status: int, data: Any, headers: dict[str, str] | None = None) -> Answer:
    # orjson: compact UTF-8 like Sage's answers, in key order, several times faster than the stdlib on big pages
    body = b"" if data is None else orjson.dumps(data)
    answer = Answer(status, body, headers)
    if data is not None:
        answer.headers["content-type"] = "application/json; charset=utf-8"
    return answer


def error_answer(error: ApiError) -> Answer:
    return json_answer(error.status, error.body(), dict(error.headers))


def html_answer(status: int, page: str) -> Answer:
    return Answer(status, page.encode(), {"content-type": "text/html; charset=utf-8"})


def redirect(location: str) -> Answer:
    return Answer(302, b"", {"location": location})


class Identity:
    __slots__ = ("client_id", "scope", "user")

    def __init__(self, client_id: str, user: User, scope: str) -> None:
        self.client_id = client_id
        self.user = user
        self.scope = scope


class EmulatorApp:
    """The ASGI application. Holds no state of its own beyond in-flight counters: all of it is the Emulator's."""

    def __init__(self, emulator: Emulator) -> None:
        self.emu = emulator
        self._inflight: dict[str, int] = {}
        self._inflight_lock = threading.Lock()

    # --- ASGI ----------------------------------------------------------------------------------------------
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        method: str = scope["method"].upper()
        path: str = scope["path"]
        query: str = scope.get("query_string", b"").decode("latin-1")
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        request_id = str(uuid.uuid4())
        emu = self.emu
        fault: Fault | None = None
        if not path.startswith(CONTROL_PREFIX):
            fault = emu.faults.take(method, path)
        counted: str | None = None
        try:
            answer: Answer | None = None
            identity: Identity | None = None
            if path.startswith(API_PREFIX + "/") or path == API_PREFIX:
                try:
                    with emu.lock:
                        identity = self._authenticate(headers)
                    counted = self._enter(identity.client_id)
                except ApiError as exc:
                    answer = error_answer(exc)
            if fault is not None and fault.latency:
                await anyio.sleep(fault.latency)
            if fault is not None and fault.drop:
                dropped = Answer(0)
                if identity is not None:
                    dropped.client_id, dropped.user_id = identity.client_id, identity.user.id
                # logged with status 0: the client never got an answer
                self._log(method, path, query, dropped, request_id, fault)
                await send({"type": "http.response.start", "status": 200, "headers": []})
                raise ConnectionDropped(f"{method} {path}: connection dropped by a scripted fault")
            if answer is None and fault is not None and fault.status and not fault.commit_then_fail:
                answer = self._fault_answer(fault)
            if answer is None:
                try:
                    body = await _read_body(receive)
                except ApiError as exc:
                    answer = error_answer(exc)
                else:
                    answer = self._route(method, path, query, headers, body, identity)
            if fault is not None and fault.commit_then_fail:
                # The write happened; the client is told the gateway timed out.
                answer = self._fault_answer(fault, default_status=504)
            if identity is not None:
                answer.client_id = answer.client_id or identity.client_id
                answer.user_id = answer.user_id or identity.user.id
        finally:
            if counted is not None:
                self._leave(counted)
        # Sage's guides name the header x_request_id ("Found in the response headers")
        answer.headers["x_request_id"] = request_id
        if method in ("POST", "PUT", "DELETE") and (
            answer.status < 400 or (fault and fault.commit_then_fail)
        ):
            emu.changed()
        if not path.startswith(CONTROL_PREFIX):
            self._log(method, path, query, answer, request_id, fault)
        answer.headers["content-length"] = str(len(answer.body))
        await send(
            {
                "type": "http.response.start",
                "status": answer.status,
                "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in answer.headers.items()],
            }
        )
        await send({"type": "http.response.body", "body": answer.body})

    def _log(
        self, method: str, path: str, query: str, answer: Answer, request_id: str, fault: Fault | None
    ) -> None:
        emu = self.emu
        emu.request_log.append(
            time=iso(emu.clock.time()),
            method=method,
            path=path,
            query=query,
            status=answer.status,
            request_id=request_id,
            business_id=answer.business_id,
            client_id=answer.client_id,
            user_id=answer.user_id,
            grant_type=answer.grant_type,
            fault=_fault_name(fault),
        )

    # --- in-flight cap ---------------------------------------------------------------------------------------
    def _enter(self, client_id: str) -> str:
        limit = self.emu.state.settings.max_concurrent_requests
        with self._inflight_lock:
            current = self._inflight.get(client_id, 0)
            if current >= limit:
                raise self._too_many(f"More than {limit} concurrent requests for this app.")
            self._inflight[client_id] = current + 1
        return client_id

    def _leave(self, client_id: str) -> None:
        with self._inflight_lock:
            self._inflight[client_id] -= 1

    def _too_many(self, message: str) -> ApiError:
        retry = self.emu.state.settings.rate_limit_retry_after
        return ApiError(429, "TooManyRequests", message, headers={"retry-after": str(retry)})

    def _fault_answer(self, fault: Fault, default_status: int = 503) -> Answer:
        status = fault.status or default_status
        messages = {
            408: ("RequestTimeout", "The request timed out."),
            429: ("TooManyRequests", "Rate limit exceeded."),
            500: ("UnexpectedError", "An unexpected error occurred."),
            502: ("BadGateway", "Bad gateway."),
            503: ("ServiceUnavailable", "The service is temporarily unavailable."),
            504: ("GatewayTimeout", "The gateway timed out."),
        }
        code, message = messages.get(status, ("UnexpectedError", "An unexpected error occurred."))
        headers: dict[str, str] = {}
        if fault.retry_after is not None:
            headers["retry-after"] = str(fault.retry_after)
        elif status == 429:
            headers["retry-after"] = str(self.emu.state.settings.rate_limit_retry_after)
        return error_answer(ApiError(status, code, message, headers=headers))

    # --- routing ---------------------------------------------------------------------------------------------
    def _route(
        self,
        method: str,
        path: str,
        query: str,
        headers: dict[str, str],
        body: bytes,
        identity: Identity | None,
    ) -> Answer:
        emu = self.emu
        try:
            if path.startswith(CONTROL_PREFIX):
                return emu.control.handle(method, path[len(CONTROL_PREFIX) :], query, headers, body)
            if path == "/oauth2/auth/central":
                return self._authorize(method, query, headers, body)
            if path in ("/token", "/revoke"):
                return self._token(method, path, headers, body)
            if identity is not None:
                with emu.lock:
                    return self._api(method, path[len(API_PREFIX) :], query, headers, body, identity)
            return error_answer(ApiError(404, "RecordNotFound", "Resource not found"))
        except ApiError as exc:
            return error_answer(exc)
        except Exception:  # the emulator must never leak a traceback; a 500 in Sage's shape instead
            emu.logger.exception("unexpected error handling %s %s", method, path)
            return error_answer(ApiError(500, "UnexpectedError", "An unexpected error occurred."))

    # --- OAuth ---------------------------------------------------------------------------------------------
    def _authorize(self, method: str, query: str, headers: dict[str, str], body: bytes) -> Answer:
        emu = self.emu
        if method == "GET":
            params = dict(parse_qsl(query, keep_blank_values=True))
        elif method == "POST":
            params = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        else:
            return Answer(405, b"", {"allow": "GET, POST"})
        with emu.lock:
            try:
                req = check_authorize(emu.state, params)
            except AuthorizePageError as exc:
                return html_answer(400, error_page(exc.error, exc.description))
            except RedirectError as exc:
                return redirect(exc.location)
            decision = params.get("decision") if method == "POST" else None
            if decision == "deny":
                return redirect(RedirectError(req.redirect_uri, "access_denied", req.state).location)
            if decision == "allow" or req.app.auto_approve:
                return redirect(issue_code(emu.state, req, emu.clock.time()))
            return html_answer(200, consent_page(emu.state, req, params))

    def _token(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Answer:
        emu = self.emu
        if method != "POST":
            return json_answer(405, {"error": "invalid_request"}, {"allow": "POST"})
        content_type = headers.get("content-type", "")
        if "application/x-www-form-urlencoded" not in content_type:
            answer = json_answer(400, {"error": "invalid_request"})
            return answer
        form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        authorization = headers.get("authorization")
        grant_type = form.get("grant_type") if path == "/token" else "revoke"
        try:
            with emu.lock:
                if path == "/token":
                    prune(emu.state, emu.clock.time())
                    data = token_request(emu.state, form, authorization, emu.clock.time())
                else:
                    data = revoke_request(emu.state, form, authorization)
            answer = json_answer(200, data, {"cache-control": "no-store", "pragma": "no-cache"})
        except OAuthError as exc:
            answer = json_answer(exc.status, {"error": exc.error})
            if exc.status == 401 and (authorization or "").lower().startswith("basic"):
                answer.headers["www-authenticate"] = 'Basic realm="sage"'
        answer.grant_type = grant_type
        answer.client_id = form.get("client_id") or None
        return answer

    # --- the API -------------------------------------------------------------------------------------------
    def _authenticate(self, headers: dict[str, str]) -> Identity:
        emu = self.emu
        auth = headers.get("authorization", "")
        scheme, _, token = auth.partition(" ")
        if not auth:
            raise ApiError(401, "AccessTokenVerificationError", "Access token is missing.")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(401, "AccessTokenVerificationError", "Access token is malformed.")
        record = emu.state.tokens.get(token.strip())
        if record is None or record.kind != "access":
            raise ApiError(401, "AccessTokenVerificationError", "Access token is invalid.")
        if record.revoked:
            raise ApiError(401, "AccessTokenVerificationError", "Access token has been revoked.")
        if emu.clock.time() >= record.expires_at:
            raise ApiError(401, "AccessTokenVerificationError", "Access token has expired.")
        grant = emu.state.grants[record.grant_id]
        user = emu.state.users.get(grant.user_id)
        if grant.revoked or user is None:
            raise ApiError(401, "AccessTokenVerificationError", "Access token has been revoked.")
        self._count_daily(grant.client_id)
        return Identity(grant.client_id, user, grant.scope)

    def _count_daily(self, client_id: str) -> None:
        state = self.emu.state
        day = iso(self.emu.clock.time())[:10]
        counts = state.daily_counts.setdefault(client_id, {})
        if day not in counts:
            counts.clear()
        counts[day] = counts.get(day, 0) + 1
        if counts[day] > state.settings.daily_request_limit:
            now = self.emu.clock.now()
            until_midnight = 86_400 - (now.hour * 3600 + now.minute * 60 + now.second)
            raise ApiError(
                429,
                "TooManyRequests",
                "The daily request limit for this app has been reached.",
                headers={"retry-after": str(until_midnight)},
            )

    def _business(self, headers: dict[str, str], user: User) -> Business:
        state = self.emu.state
        wanted = headers.get("x-business", "").strip() or user.lead_business_id
        business = state.businesses.get(wanted or "")
        if business is None or wanted not in user.roles:
            raise ApiError(
                401, "AuthorizationFailure", "The user has no access to the requested business.", "X-Business"
            )
        if not business.subscription_active:
            raise ApiError(401, "AuthorizationFailure", "No active subscription. (MSE)")
        return business

    def _api(
        self, method: str, path: str, query: str, headers: dict[str, str], body: bytes, identity: Identity
    ) -> Answer:
        emu = self.emu
        params = dict(parse_qsl(query, keep_blank_values=True))
        parts = [p for p in path.split("/") if p]
        if parts and parts[0] in ("businesses", "user"):
            answer = emu.context_endpoints(method, parts, params, identity.user)
            return answer
        business = self._business(headers, identity.user)
        try:
            answer = self._resource_call(method, parts, params, headers, body, identity, business)
        except ApiError as exc:
            # errors name the business too: Sage sets X-Business on every answer of these endpoints
            answer = error_answer(exc)
        answer.business_id = business.id
        answer.headers["x-business"] = business.id
        return answer

    def _resource_call(
        self,
        method: str,
        parts: list[str],
        params: dict[str, str],
        headers: dict[str, str],
        body: bytes,
        identity: Identity,
        business: Business,
    ) -> Answer:
        emu = self.emu
        if not parts or parts[0] not in emu.registry or len(parts) > 3:
            raise ApiError(404, "RecordNotFound", "Resource not found")
        resource = emu.registry[parts[0]]
        verb = _verb(resource, method, parts)
        if verb is None:
            allowed = _allowed_methods(resource, parts)
            raise ApiError(
                405, "MethodNotAllowed", f"{method} is not allowed here.", headers={"allow": allowed}
            )
        self._check_roles(resource, verb, identity.user, business)
        if method != "GET" and identity.scope != "full_access":
            raise ApiError(
                401, "AuthorizationFailure", "The access token's readonly scope does not allow writes."
            )
        ctx = Ctx(emu.state, business, identity.user, emu.clock.time(), emu.registry)
        if verb == "list":
            items = select(resource, ctx, params)
            page = envelope(
                f"/{resource.name}",
                items,
                params,
                resolve=resolver(ctx),
                render=lambda r: resource.render(ctx, r, params),
            )
            return json_answer(200, page)
        if verb == "get":
            record = resource.retrieve(ctx, parts[1])
            shown = project(resource.render(ctx, record, params), params.get("attributes"), default_all=True)
            return json_answer(200, expand(shown, params.get("nested_attributes"), resolver(ctx)))
        payload = _json_body(method, headers, body, required=verb in ("create", "update"))
        if verb == "create":
            return json_answer(201, resource.render(ctx, resource.do_create(ctx, payload), params))
        if verb == "update":
            return json_answer(200, resource.render(ctx, resource.do_update(ctx, parts[1], payload), params))
        if verb == "delete":
            record = resource.retrieve(ctx, parts[1])
            merged = dict(params)
            if isinstance(payload, dict):
                merged.update(
                    {
                        k: str(v)
                        for k, v in payload.items()
                        if isinstance(v, str | int | float) and not isinstance(v, bool)
                    }
                )
            result = resource.delete(ctx, record, merged)
            if result is None:
                return Answer(204)
            return json_answer(200, result)
        record = resource.retrieve(ctx, parts[1])
        handler = getattr(resource, resource.actions[parts[2]])
        result = handler(ctx, record, payload if isinstance(payload, dict) else {})
        return json_answer(resource.action_status, result)

    def _check_roles(self, resource: Resource, verb: str, user: User, business: Business) -> None:
        rule = resource.access_for(
            verb if verb in ("list", "get", "create", "update", "delete") else "update"
        )
        if not rule:
            return
        for area, roles in rule:
            if user.role(business.id, area) in roles:
                return
        raise ApiError(
            403,
            "MultiUserAccessDenied",
            "The current user is not allowed to access that resource with that method.",
        )


def _verb(resource: Resource, method: str, parts: list[str]) -> str | None:
    if len(parts) == 1:
        verb = {"GET": "list", "POST": "create"}.get(method)
    elif len(parts) == 2:
        verb = {"GET": "get", "PUT": "update", "DELETE": "delete"}.get(method)
    else:
        if parts[2] not in resource.actions:
            raise ApiError(404, "RecordNotFound", "Resource not found")
        return "action" if method == "POST" else None
    return verb if verb in resource.verbs else None


def _allowed_methods(resource: Resource, parts: list[str]) -> str:
    pairs: tuple[tuple[str, str], ...]
    if len(parts) == 1:
        pairs = (("GET", "list"), ("POST", "create"))
    elif len(parts) == 2:
        pairs = (("GET", "get"), ("PUT", "update"), ("DELETE", "delete"))
    else:
        return "POST"
    return ", ".join(m for m, v in pairs if v in resource.verbs)


def _json_body(method: str, headers: dict[str, str], body: bytes, *, required: bool) -> Any:
    content_type = headers.get("content-type", "").lower()
    if not body.strip():
        if required and "json" not in content_type:
            raise ApiError(
                415, "UnsupportedMediaType", "The request body must be JSON (Content-Type: application/json)."
            )
        return {} if required else None
    if "json" not in content_type:
        raise ApiError(
            415, "UnsupportedMediaType", "The request body must be JSON (Content-Type: application/json)."
        )
    try:
        # orjson refuses lone surrogates and nesting past 1,024 levels, which the stdlib lets through
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        raise ApiError(400, "InvalidJSON", "The request body is not valid JSON.") from None


async def _read_body(receive: Receive) -> bytes:
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


def _fault_name(fault: Fault | None) -> str | None:
    if fault is None:
        return None
    if fault.drop:
        return "drop"
    if fault.commit_then_fail:
        return "commit_then_fail"
    if fault.status:
        return str(fault.status)
    return "latency"
