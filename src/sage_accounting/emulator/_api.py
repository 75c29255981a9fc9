"""The API under ``/v3.1``, in Sage's order: token, business, route, roles, scope, body, then the resource.

Each step is a function of its own; :func:`answer_api` runs them for one request (the caller holds the
sandbox lock). The in-flight and rate limits around it are in ``_app``.
"""

from __future__ import annotations

from typing import Any

import orjson

from ._answers import Answer, error_answer, json_answer
from ._clock import iso
from ._errors import ApiError
from ._listing import envelope, expand, project, resolver, select
from ._resource import Ctx, Record, Resource
from ._sandbox import Sandbox
from ._state import Business, User

VERBS_ON_RECORD = ("list", "get", "create", "update", "delete")
# The business an endpoint outside any business (/businesses, /user) runs "in": none; its resources never
# read ctx.business.
NO_BUSINESS = Business(id="", name="")


class Identity:
    """Who is calling: the app (client id), the signed-in user and the token's scope."""

    __slots__ = ("client_id", "scope", "user")

    def __init__(self, client_id: str, user: User, scope: str) -> None:
        self.client_id = client_id
        self.user = user
        self.scope = scope


class ApiRequest:
    """One API call, parsed: method, path parts after ``/v3.1``, query parameters, headers and body."""

    __slots__ = ("body", "headers", "method", "params", "parts")

    def __init__(
        self, method: str, parts: list[str], params: dict[str, str], headers: dict[str, str], body: bytes
    ) -> None:
        self.method = method
        self.parts = parts
        self.params = params
        self.headers = headers
        self.body = body


# --- step 1: the token ------------------------------------------------------------------------------------
def authenticate(sandbox: Sandbox, headers: dict[str, str]) -> Identity:
    """The caller behind the bearer token, counted toward its app's daily limit; 401/429 otherwise."""
    auth = headers.get("authorization", "")
    scheme, _, token = auth.partition(" ")
    if not auth:
        raise ApiError(401, "AccessTokenVerificationError", "Access token is missing.")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "AccessTokenVerificationError", "Access token is malformed.")
    state = sandbox.state
    record = state.tokens.get(token.strip())
    if record is None or record.kind != "access":
        raise ApiError(401, "AccessTokenVerificationError", "Access token is invalid.")
    if record.revoked:
        raise ApiError(401, "AccessTokenVerificationError", "Access token has been revoked.")
    if sandbox.clock.time() >= record.expires_at:
        raise ApiError(401, "AccessTokenVerificationError", "Access token has expired.")
    grant = state.grants[record.grant_id]
    user = state.users.get(grant.user_id)
    if grant.revoked or user is None:
        raise ApiError(401, "AccessTokenVerificationError", "Access token has been revoked.")
    count_daily(sandbox, grant.client_id)
    return Identity(grant.client_id, user, grant.scope)


def count_daily(sandbox: Sandbox, client_id: str) -> None:
    """Count one request toward the app's daily limit (a 429 until midnight past it)."""
    state = sandbox.state
    day = iso(sandbox.clock.time())[:10]
    counts = state.daily_counts.setdefault(client_id, {})
    if day not in counts:
        counts.clear()
    counts[day] = counts.get(day, 0) + 1
    if counts[day] > state.settings.daily_request_limit:
        now = sandbox.clock.now()
        until_midnight = 86_400 - (now.hour * 3600 + now.minute * 60 + now.second)
        raise ApiError(
            429,
            "TooManyRequests",
            "The daily request limit for this app has been reached.",
            headers={"retry-after": str(until_midnight)},
        )


# --- step 2: the business -----------------------------------------------------------------------------------
def choose_business(sandbox: Sandbox, headers: dict[str, str], user: User) -> Business:
    """The business ``X-Business`` names (else the user's lead business); 401 when the user cannot reach it
    or its subscription has lapsed."""
    state = sandbox.state
    wanted = headers.get("x-business", "").strip() or user.lead_business_id
    business = state.businesses.get(wanted or "")
    if business is None or wanted not in user.roles:
        raise ApiError(
            401, "AuthorizationFailure", "The user has no access to the requested business.", "X-Business"
        )
    if not business.subscription_active:
        raise ApiError(401, "AuthorizationFailure", "No active subscription. (MSE)")
    return business


# --- step 3: the route ----------------------------------------------------------------------------------------
def find_resource(sandbox: Sandbox, parts: list[str]) -> Resource:
    """The resource the first path part names; 404 for anything else."""
    if not parts or parts[0] not in sandbox.registry or len(parts) > 3:
        raise ApiError(404, "RecordNotFound", "Resource not found")
    return sandbox.registry[parts[0]]


def verb_for(resource: Resource, method: str, parts: list[str]) -> str:
    """``list``, ``get``, ``create``, ``update``, ``delete`` or ``action``; 404/405 when there is none."""
    verb: str | None
    if len(parts) == 1 and resource.singleton:
        verb = {"GET": "get", "PUT": "update"}.get(method)
    elif len(parts) == 1:
        verb = {"GET": "list", "POST": "create"}.get(method)
    elif len(parts) == 2 and not resource.singleton:
        verb = {"GET": "get", "PUT": "update", "DELETE": "delete"}.get(method)
    elif len(parts) == 3 and not resource.singleton:
        if parts[2] not in resource.actions:
            raise ApiError(404, "RecordNotFound", "Resource not found")
        verb = "action" if method == "POST" else None
    else:
        raise ApiError(404, "RecordNotFound", "Resource not found")
    if verb is None or (verb != "action" and verb not in resource.verbs):
        raise ApiError(
            405,
            "MethodNotAllowed",
            f"{method} is not allowed here.",
            headers={"allow": allowed_methods(resource, parts)},
        )
    return verb


def allowed_methods(resource: Resource, parts: list[str]) -> str:
    """The ``Allow`` header for a 405 on this path."""
    pairs: tuple[tuple[str, str], ...]
    if len(parts) == 1 and resource.singleton:
        pairs = (("GET", "get"), ("PUT", "update"))
    elif len(parts) == 1:
        pairs = (("GET", "list"), ("POST", "create"))
    elif len(parts) == 2:
        pairs = (("GET", "get"), ("PUT", "update"), ("DELETE", "delete"))
    else:
        return "POST"
    return ", ".join(m for m, v in pairs if v in resource.verbs)


# --- step 4: roles and scope ------------------------------------------------------------------------------------
def check_access(resource: Resource, verb: str, identity: Identity, business: Business, method: str) -> None:
    """403 when the user's role in the resource's area does not allow the verb; 401 for a write with a
    readonly token."""
    rule = resource.access_for(verb if verb in VERBS_ON_RECORD else "update")
    if rule and not any(identity.user.role(business.id, name) in roles for name, roles in rule):
        raise ApiError(
            403,
            "MultiUserAccessDenied",
            "The current user is not allowed to access that resource with that method.",
        )
    if method != "GET" and identity.scope != "full_access":
        raise ApiError(
            401, "AuthorizationFailure", "The access token's readonly scope does not allow writes."
        )


# --- step 5: the body --------------------------------------------------------------------------------------------
def json_body(headers: dict[str, str], body: bytes, *, required: bool) -> Any:
    """The JSON body (``{}`` when a required one is empty, ``None`` when an optional one is); 415/400."""
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


# --- step 6: the resource --------------------------------------------------------------------------------------
def call_resource(resource: Resource, verb: str, ctx: Ctx, request: ApiRequest) -> Answer:
    """Run the verb on the resource and shape its answer (list envelope, projection, status)."""
    parts, params = request.parts, request.params
    record_id = parts[1] if len(parts) > 1 else ""
    if verb == "list":
        page = envelope(
            f"/{resource.name}",
            select(resource, ctx, params),
            params,
            per_page_key=resource.per_page_key,
            resolve=resolver(ctx),
            render=lambda r: resource.render(ctx, r, params),
        )
        return json_answer(200, page)
    if verb == "get":
        record = resource.retrieve(ctx, record_id)
        if "application/pdf" in request.headers.get("accept", "").lower():
            return pdf_answer(resource, ctx, record)
        shown = project(resource.render(ctx, record, params), params.get("attributes"), default_all=True)
        return json_answer(200, expand(shown, params.get("nested_attributes"), resolver(ctx)))
    payload = json_body(request.headers, request.body, required=verb in ("create", "update"))
    if verb == "create":
        return json_answer(201, resource.render(ctx, resource.do_create(ctx, payload), params))
    if verb == "update":
        return json_answer(200, resource.render(ctx, resource.do_update(ctx, record_id, payload), params))
    record = resource.retrieve(ctx, record_id)
    if verb == "delete":
        merged = dict(params)
        if isinstance(payload, dict):
            # a void reason may come in the body as well as in the query
            merged.update(
                {
                    k: str(v)
                    for k, v in payload.items()
                    if isinstance(v, str | int | float) and not isinstance(v, bool)
                }
            )
        result = resource.delete(ctx, record, merged)
        return Answer(204) if result is None else json_answer(200, result)
    handler = getattr(resource, resource.actions[parts[2]])
    result = handler(ctx, record, payload if isinstance(payload, dict) else {})
    return json_answer(resource.action_status, result)


def pdf_answer(resource: Resource, ctx: Ctx, record: Record) -> Answer:
    """The printed document (sales invoices and credit notes); 406 where Sage prints nothing."""
    render = getattr(resource, "render_pdf", None)
    if render is None:
        raise ApiError(406, "NotAcceptable", f"/{resource.name} has no PDF; ask for application/json.")
    body: bytes = render(ctx, record)
    return Answer(200, body, {"content-type": "application/pdf"})


def answer_api(sandbox: Sandbox, request: ApiRequest, identity: Identity) -> Answer:
    """Steps 2 to 6 for an authenticated request. Answers of a business's endpoints name it (X-Business),
    errors included, as Sage's do."""
    head = sandbox.registry.get(request.parts[0]) if request.parts else None
    if head is not None and not head.business_scoped:
        verb = verb_for(head, request.method, request.parts)
        check_access(head, verb, identity, NO_BUSINESS, request.method)
        ctx = Ctx(sandbox.state, NO_BUSINESS, identity.user, sandbox.clock.time(), sandbox.registry)
        return call_resource(head, verb, ctx, request)
    business = choose_business(sandbox, request.headers, identity.user)
    try:
        resource = find_resource(sandbox, request.parts)
        verb = verb_for(resource, request.method, request.parts)
        check_access(resource, verb, identity, business, request.method)
        ctx = Ctx(sandbox.state, business, identity.user, sandbox.clock.time(), sandbox.registry)
        answer = call_resource(resource, verb, ctx, request)
    except ApiError as exc:
        answer = error_answer(exc)
    answer.business_id = business.id
    answer.headers["x-business"] = business.id
    return answer
