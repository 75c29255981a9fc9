"""The control plane under ``/__emulator__/``: reset, seed, faults, clock, settings, state, request log,
tokens.

A route table: each endpoint is a function registered with ``@route(METHOD, "/path")`` that takes the sandbox
and the parsed request and returns an :class:`Answer` (or raises :func:`bad` for a 400). The same operations
are methods of :class:`Emulator`; this module only maps HTTP onto them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

import orjson

from ._activity import Activity, running
from ._answers import Answer, json_answer
from ._errors import ApiError
from ._sandbox import Sandbox

CONTROL_PREFIX = "/__emulator__"


@dataclasses.dataclass
class ControlRequest:
    """A control call: its query parameters and its JSON body (``None`` when empty)."""

    params: dict[str, str]
    data: Any

    def object(self, what: str) -> dict[str, Any]:
        """The body, which must be a JSON object (400 naming ``what`` otherwise)."""
        if not isinstance(self.data, dict):
            raise bad(f"the body must be {what}")
        return self.data


Handler = Callable[[Sandbox, ControlRequest], Answer]
ROUTES: dict[tuple[str, str], Handler] = {}


def route(method: str, path: str) -> Callable[[Handler], Handler]:
    """Register ``handler`` for ``METHOD /__emulator__<path>``."""

    def register(handler: Handler) -> Handler:
        key = (method, path)
        if key in ROUTES:
            raise ValueError(f"control route {method} {path} is already registered")
        ROUTES[key] = handler
        return handler

    return register


def bad(message: str, source: str = "") -> ApiError:
    """A 400 for a control request that makes no sense, naming the input."""
    return ApiError(400, "InvalidControlRequest", message, source)


def answer_control(sandbox: Sandbox, method: str, path: str, query: str, body: bytes) -> Answer:
    """Find the route for ``method path`` (the path after ``/__emulator__``) and run it."""
    handler = ROUTES.get((method, path.rstrip("/") or "/"))
    if handler is None:
        raise ApiError(404, "RecordNotFound", f"No control endpoint {method} {CONTROL_PREFIX}{path}")
    data: Any = None
    if body.strip():
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError:
            raise bad("the body is not valid JSON") from None
    return handler(sandbox, ControlRequest(dict(parse_qsl(query)), data))


def _seed_random(data: dict[str, Any]) -> int:
    value = data.get("seed_random", 0)
    if not isinstance(value, int) or isinstance(value, bool):
        raise bad("seed_random must be an integer", "seed_random")
    return value


@route("POST", "/reset")
def reset(sandbox: Sandbox, request: ControlRequest) -> Answer:
    data = request.data if isinstance(request.data, dict) else {}
    try:
        sandbox.reset(data.get("seed"), seed_random=_seed_random(data))
    except (ValueError, KeyError, TypeError) as exc:
        raise bad(f"bad seed, nothing was reset: {exc}", "seed") from None
    return json_answer(200, {"reset": True})


@route("POST", "/seed")
def seed(sandbox: Sandbox, request: ControlRequest) -> Answer:
    data = request.object('a seed document (object) or {"seed": "demo"}')
    named = set(data) <= {"seed", "seed_random"} and "seed" in data
    try:
        summary = sandbox.seed(
            data["seed"] if named else data, seed_random=_seed_random(data) if named else 0
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise bad(f"bad seed, nothing was added: {exc}", "seed") from None
    return json_answer(200, summary)


@route("GET", "/faults")
def list_faults(sandbox: Sandbox, request: ControlRequest) -> Answer:
    return json_answer(200, [f.to_json() for f in sandbox.faults.list()])


@route("POST", "/faults")
def add_fault(sandbox: Sandbox, request: ControlRequest) -> Answer:
    try:
        fault = sandbox.faults.add(**request.object("a fault object"))
    except (TypeError, ValueError) as exc:
        raise bad(str(exc)) from None
    return json_answer(201, fault.to_json())


@route("DELETE", "/faults")
def clear_faults(sandbox: Sandbox, request: ControlRequest) -> Answer:
    sandbox.faults.clear()
    return Answer(204)


def _clock_json(sandbox: Sandbox) -> dict[str, Any]:
    return {"now": sandbox.clock.now().isoformat(), "offset": sandbox.clock.offset}


@route("GET", "/clock")
def get_clock(sandbox: Sandbox, request: ControlRequest) -> Answer:
    return json_answer(200, _clock_json(sandbox))


@route("POST", "/clock")
def advance_clock(sandbox: Sandbox, request: ControlRequest) -> Answer:
    advance = request.data.get("advance") if isinstance(request.data, dict) else None
    if not isinstance(advance, int | float) or isinstance(advance, bool) or advance < 0:
        raise bad("advance must be a non-negative number of seconds", "advance")
    try:
        sandbox.clock.advance(advance)
    except ValueError as exc:
        raise bad(str(exc), "advance") from None
    return json_answer(200, _clock_json(sandbox))


@route("GET", "/settings")
def get_settings(sandbox: Sandbox, request: ControlRequest) -> Answer:
    return json_answer(200, dataclasses.asdict(sandbox.state.settings))


@route("PUT", "/settings")
def put_settings(sandbox: Sandbox, request: ControlRequest) -> Answer:
    data = request.object("an object of settings")
    settings = sandbox.state.settings
    fields = {f.name for f in dataclasses.fields(settings)}
    for key, value in data.items():
        if key not in fields:
            raise bad(f"unknown setting {key!r}", key)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise bad(f"{key} must be a non-negative integer", key)
    for key, value in data.items():
        setattr(settings, key, value)
    return json_answer(200, dataclasses.asdict(settings))


@route("GET", "/state")
def get_state(sandbox: Sandbox, request: ControlRequest) -> Answer:
    return json_answer(200, sandbox.dump())


@route("GET", "/requests")
def list_requests(sandbox: Sandbox, request: ControlRequest) -> Answer:
    entries = sandbox.request_log.entries()
    for key in ("method", "path", "grant_type", "business_id", "client_id"):
        if key in request.params:
            entries = [e for e in entries if str(getattr(e, key)) == request.params[key]]
    return json_answer(200, [e.to_json() for e in entries])


@route("DELETE", "/requests")
def clear_requests(sandbox: Sandbox, request: ControlRequest) -> Answer:
    sandbox.request_log.clear()
    return Answer(204)


@route("POST", "/tokens")
def grant_tokens(sandbox: Sandbox, request: ControlRequest) -> Answer:
    spec = request.data if isinstance(request.data, dict) else {}
    try:
        tokens = sandbox.grant_tokens(
            spec.get("client_id"), spec.get("user_id"), spec.get("scope", "full_access")
        )
    except ValueError as exc:
        raise bad(str(exc)) from None
    return json_answer(200, tokens)


@route("GET", "/activity")
def get_activity(sandbox: Sandbox, request: ControlRequest) -> Answer:
    activity = running(sandbox)
    return json_answer(200, {"running": activity is not None, **(activity.to_json() if activity else {})})


@route("POST", "/activity")
def start_activity(sandbox: Sandbox, request: ControlRequest) -> Answer:
    data = request.object('an object such as {"rate": 30} (changes per minute of emulator time)')
    try:
        activity = Activity(sandbox, data.get("rate"), _seed_random(data)).start()  # type: ignore[arg-type]
    except ValueError as exc:
        raise bad(str(exc), "rate") from None
    return json_answer(200, {"running": True, **activity.to_json()})


@route("DELETE", "/activity")
def stop_activity(sandbox: Sandbox, request: ControlRequest) -> Answer:
    activity = running(sandbox)
    if activity is not None:
        activity.stop(wait=False)  # this request holds the sandbox's lock the activity's thread waits for
    return Answer(204)
