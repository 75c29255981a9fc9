"""The Emulator: a local, faithful Sage Business Cloud Accounting, in process or as a server."""

from __future__ import annotations

import contextlib
import copy
import json
import logging
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from .._files import atomic_write
from ._app import Answer, EmulatorApp, json_answer
from ._clock import Clock, iso
from ._control import ControlPlane
from ._errors import ApiError
from ._faults import Faults, LogEntry, RequestLog
from ._listing import envelope, project
from ._oauth import issue_pair, new_grant
from ._seed import apply_seed
from ._state import Business, Settings, State, User
from ._transport import AsyncEmulatorTransport, EmulatorTransport, serve
from .resources import build_registry


class Emulator:
    """A local Sage: OAuth server, API v3.1 with its business rules, roles, limits, faults and a movable clock.

    >>> emu = Emulator()                         # the deterministic demo seed
    >>> client = httpx.Client(transport=emu.transport(), base_url="http://sage.test")
    >>> with emu.serve() as url: ...             # or over a real socket

    ``seed`` is ``"demo"`` (default), ``"minimal"``, ``None`` (empty) or a seed document (dict).
    """

    def __init__(
        self, seed: str | dict[str, Any] | None = "demo", *, settings: Settings | None = None
    ) -> None:
        self.lock = threading.RLock()
        self.clock = Clock()
        self.faults = Faults()
        self.request_log = RequestLog()
        self.logger = logging.getLogger("sage_accounting.emulator")
        self.registry = build_registry()
        self.state = State(settings=settings or Settings())
        self.control = ControlPlane(self)
        self.app = EmulatorApp(self)
        self._autosave: Path | None = None
        if seed is not None:
            self.seed(seed)

    # --- state -----------------------------------------------------------------------------------------
    @property
    def settings(self) -> Settings:
        return self.state.settings

    def reset(self, seed: str | dict[str, Any] | None = None) -> None:
        """Forget everything (data, tokens, faults, log, clock offset), then apply ``seed`` if given."""
        with self.lock:
            self.state = State(settings=self.state.settings)
            self.faults.clear()
            self.request_log.clear()
            self.clock = Clock()
            if seed is not None:
                self.seed(seed)

    def seed(self, seed: str | dict[str, Any]) -> dict[str, Any]:
        """Add apps, users, businesses, roles and data. Returns a summary of what was created."""
        with self.lock:
            return apply_seed(self, seed)

    def dump(self) -> dict[str, Any]:
        """The whole state as JSON-compatible data (what ``--state`` files hold)."""
        with self.lock:
            data = copy.deepcopy(self.state.to_json())
            data["clock_offset"] = self.clock.offset
            return data

    def load_state(self, data: dict[str, Any]) -> None:
        with self.lock:
            self.state = State.from_json(data)
            self.clock = Clock()
            self.clock.advance(float(data.get("clock_offset", 0.0)))

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the state to ``path`` atomically (a crash never leaves a half-written file)."""
        data = json.dumps(self.dump(), separators=(",", ":")).encode()
        atomic_write(Path(path), data)

    def autosave(self, path: str | os.PathLike[str] | None) -> None:
        """Save the state to ``path`` after every request that changed it (``None`` stops)."""
        self._autosave = Path(path) if path is not None else None

    def changed(self) -> None:
        """Called by the app after a request that may have changed the state."""
        if self._autosave is not None:
            self.save(self._autosave)

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> Emulator:
        """An emulator with the state saved in ``path``; ``ValueError`` when the file is not an emulator
        state (not JSON, or not the shape :meth:`dump` writes)."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except UnicodeDecodeError as exc:
            raise ValueError(f"{path} is not an emulator state file: not UTF-8 text ({exc.reason})") from None
        except ValueError as exc:
            raise ValueError(f"{path} is not an emulator state file: not JSON ({exc})") from None
        try:
            State.from_json(data)
        except ValueError as exc:
            detail = str(exc).removeprefix("not an emulator state: ")
            raise ValueError(f"{path} is not an emulator state file: {detail}") from None
        emulator = cls(seed=None)
        emulator.load_state(data)
        return emulator

    # --- shortcuts for tests ---------------------------------------------------------------------------
    def grant_tokens(
        self, client_id: str | None = None, user_id: str | None = None, scope: str = "full_access"
    ) -> dict[str, Any]:
        """Sign a user into an app without the browser: the JSON ``POST /token`` would answer."""
        with self.lock:
            app = self.state.apps.get(client_id) if client_id else next(iter(self.state.apps.values()), None)
            user = self.state.users.get(user_id) if user_id else next(iter(self.state.users.values()), None)
            if app is None or user is None:
                raise ValueError("grant_tokens needs a seeded app and user (unknown client_id or user_id)")
            if scope not in ("full_access", "readonly"):
                raise ValueError("scope must be full_access or readonly")
            now = self.clock.time()
            return issue_pair(self.state, new_grant(self.state, app.client_id, user.id, scope, now), now)

    def token_requests(self, grant_type: str | None = None) -> list[LogEntry]:
        """The logged ``POST /token`` calls, optionally only those of one grant type."""
        return [
            e
            for e in self.request_log.entries()
            if e.path == "/token" and (grant_type is None or e.grant_type == grant_type)
        ]

    # --- running ---------------------------------------------------------------------------------------
    def transport(self) -> httpx.BaseTransport:
        """A sync httpx transport into this emulator, in process."""
        return EmulatorTransport(self.app)

    def async_transport(self) -> httpx.AsyncBaseTransport:
        """An async httpx transport into this emulator, in process."""
        return AsyncEmulatorTransport(self.app)

    @contextlib.contextmanager
    def serve(self, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
        """Serve over a real socket in a background thread; yields the base URL (``http://127.0.0.1:PORT``)."""
        with serve(self.app, host, port) as url:
            yield url

    # --- context endpoints: /businesses and /user ------------------------------------------------------
    def business_record(self, business: Business, user: User) -> dict[str, Any]:
        countries = {"GB": "United Kingdom (GB)", "IE": "Ireland (IE)"}
        return {
            "id": business.id,
            "displayed_as": business.name,
            "$path": f"/businesses/{business.id}",
            "created_at": business.created_at,
            "updated_at": business.updated_at,
            "name": business.name,
            "address_line_1": business.address_line_1,
            "address_line_2": "",
            "city": business.city,
            "postal_code": business.postal_code,
            "country": {
                "id": business.country,
                "displayed_as": countries.get(business.country, business.country),
                "$path": f"/countries/{business.country}",
            },
            "telephone": None,
            "mobile": None,
            "website": None,
            "is_demo": False,
            "subscriptions": [
                {
                    "id": "ACCOUNTING_STANDARD",
                    "displayed_as": "Accounting Standard",
                    "active": business.subscription_active,
                }
            ],
            "owner": {"id": user.id, "displayed_as": user.display_name},
            "lead": business.id == user.lead_business_id,
        }

    def user_record(self, user: User) -> dict[str, Any]:
        return {
            "id": user.id,
            "displayed_as": user.display_name,
            "$path": "/user",
            "created_at": user.created_at,
            "updated_at": user.created_at,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "initials": (user.first_name[:1] + user.last_name[:1]).upper(),
            "email": user.email,
            "locale": user.locale,
        }

    def context_endpoints(self, method: str, parts: list[str], params: dict[str, str], user: User) -> Answer:
        if method != "GET":
            raise ApiError(
                405, "MethodNotAllowed", f"{method} is not allowed here.", headers={"allow": "GET"}
            )
        if parts[0] == "user":
            if len(parts) != 1:
                raise ApiError(404, "RecordNotFound", "Resource not found")
            return json_answer(200, self.user_record(user))
        reachable = [self.state.businesses[b] for b in user.roles if b in self.state.businesses]
        if len(parts) == 1:
            records = [self.business_record(b, user) for b in reachable]
            return json_answer(200, envelope("/businesses", records, params, per_page_key="$items_per_page"))
        if len(parts) == 2:
            wanted = user.lead_business_id if parts[1] == "lead" else parts[1]
            for business in reachable:
                if business.id == wanted:
                    return json_answer(
                        200,
                        project(
                            self.business_record(business, user), params.get("attributes"), default_all=True
                        ),
                    )
        raise ApiError(404, "RecordNotFound", "Record not found")

    def __repr__(self) -> str:
        return f"<Emulator businesses={len(self.state.businesses)} users={len(self.state.users)} at {iso(self.clock.time())}>"
