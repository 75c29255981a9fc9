"""The control plane under ``/__emulator__/``: reset, seed, faults, clock, settings, state, request log.

The same operations are methods of :class:`Emulator`; this module only maps HTTP onto them.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

import orjson

from ._errors import ApiError

if TYPE_CHECKING:
    from ._app import Answer
    from ._emulator import Emulator


def _bad(message: str, source: str = "") -> ApiError:
    return ApiError(400, "InvalidControlRequest", message, source)


class ControlPlane:
    def __init__(self, emulator: Emulator) -> None:
        self.emu = emulator

    def handle(self, method: str, path: str, query: str, headers: dict[str, str], body: bytes) -> Answer:
        from ._app import Answer, json_answer

        emu = self.emu
        params = dict(parse_qsl(query))
        data: Any = None
        if body.strip():
            try:
                data = orjson.loads(body)
            except orjson.JSONDecodeError:
                raise _bad("the body is not valid JSON") from None
        route = (method, path.rstrip("/") or "/")
        if route == ("POST", "/reset"):
            seed = data.get("seed") if isinstance(data, dict) else None
            emu.reset(seed)
            return json_answer(200, {"reset": True})
        if route == ("POST", "/seed"):
            if not isinstance(data, dict):
                raise _bad('the body must be a seed document (object) or {"seed": "demo"}')
            spec = data["seed"] if set(data) == {"seed"} else data
            try:
                return json_answer(200, emu.seed(spec))
            except (ValueError, KeyError, TypeError) as exc:
                raise _bad(f"bad seed: {exc}") from None
        if route == ("GET", "/faults"):
            return json_answer(200, [f.to_json() for f in emu.faults.list()])
        if route == ("POST", "/faults"):
            if not isinstance(data, dict):
                raise _bad("the body must be a fault object")
            try:
                fault = emu.faults.add(**data)
            except (TypeError, ValueError) as exc:
                raise _bad(str(exc)) from None
            return json_answer(201, fault.to_json())
        if route == ("DELETE", "/faults"):
            emu.faults.clear()
            return Answer(204)
        if route == ("GET", "/clock"):
            return json_answer(200, {"now": emu.clock.now().isoformat(), "offset": emu.clock.offset})
        if route == ("POST", "/clock"):
            advance = data.get("advance") if isinstance(data, dict) else None
            if not isinstance(advance, int | float) or isinstance(advance, bool) or advance < 0:
                raise _bad("advance must be a non-negative number of seconds", "advance")
            emu.clock.advance(advance)
            return json_answer(200, {"now": emu.clock.now().isoformat(), "offset": emu.clock.offset})
        if route == ("GET", "/settings"):
            return json_answer(200, dataclasses.asdict(emu.state.settings))
        if route == ("PUT", "/settings"):
            if not isinstance(data, dict):
                raise _bad("the body must be an object of settings")
            fields = {f.name for f in dataclasses.fields(emu.state.settings)}
            for key, value in data.items():
                if key not in fields:
                    raise _bad(f"unknown setting {key!r}", key)
                if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                    raise _bad(f"{key} must be a non-negative integer", key)
            for key, value in data.items():
                setattr(emu.state.settings, key, value)
            return json_answer(200, dataclasses.asdict(emu.state.settings))
        if route == ("GET", "/state"):
            return json_answer(200, emu.dump())
        if route == ("GET", "/requests"):
            entries = emu.request_log.entries()
            for key in ("method", "path", "grant_type", "business_id", "client_id"):
                if key in params:
                    entries = [e for e in entries if str(getattr(e, key)) == params[key]]
            return json_answer(200, [e.to_json() for e in entries])
        if route == ("DELETE", "/requests"):
            emu.request_log.clear()
            return Answer(204)
        if route == ("POST", "/tokens"):
            spec = data if isinstance(data, dict) else {}
            try:
                return json_answer(
                    200,
                    emu.grant_tokens(
                        spec.get("client_id"), spec.get("user_id"), spec.get("scope", "full_access")
                    ),
                )
            except ValueError as exc:
                raise _bad(str(exc)) from None
        raise ApiError(404, "RecordNotFound", f"No control endpoint {method} /__emulator__{path}")
