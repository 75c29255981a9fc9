"""The sandbox: everything a running emulator holds (state, clock, faults, request log, resources) and the
operations on it (reset, seed, dump, tokens) that both the Python API and the control plane use.

:class:`Emulator` (``_emulator``) adds the ways in (transports, a socket server) and the state file.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from ._clock import Clock
from ._faults import Faults, LogEntry, RequestLog
from ._oauth import issue_pair, new_grant
from ._resource import Resource
from ._seed import Target, business_refs
from ._seeds import plan_seed
from ._state import Settings, State
from .resources import build_registry


class Sandbox:
    """A local Sage's state and the operations on it. Thread-safe through ``lock`` (an RLock every request
    holds while it reads or changes the state)."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.lock = threading.RLock()
        self.clock = Clock()
        self.faults = Faults()
        self.request_log = RequestLog()
        self.logger = logging.getLogger("sage_accounting.emulator")
        self.registry: dict[str, Resource] = build_registry()
        self.state = State(settings=settings or Settings())
        self.save_error: str | None = None  # set by a sandbox that saves itself when it could not

    @property
    def settings(self) -> Settings:
        """The tunable limits (token lifetimes, rate limits …)."""
        return self.state.settings

    def reset(self, seed: str | dict[str, Any] | None = None, *, seed_random: int = 0) -> None:
        """Forget everything (data, tokens, faults, log, clock offset), then apply ``seed`` if given.

        A bad ``seed`` is a ``ValueError`` and changes nothing: the new state is built aside and only then
        takes the old one's place."""
        plan = plan_seed(seed, seed_random) if seed is not None else None
        with self.lock:
            state = State(settings=self.state.settings)
            clock = Clock()
            if plan is not None:
                plan(Target(state, self.registry, clock))
                state.release()
            self.state, self.clock = state, clock
            self.faults.clear()
            self.request_log.clear()

    def seed(self, seed: str | dict[str, Any], *, seed_random: int = 0) -> dict[str, Any]:
        """Add apps, users, businesses, roles and data. Returns a summary of what now exists.

        All or nothing: a bad seed is a ``ValueError`` and leaves the state as it was."""
        plan = plan_seed(seed, seed_random)
        with self.lock:
            trial = self._fork(seed)
            plan(Target(trial, self.registry, self.clock))
            trial.release()
            self.state = trial
            return {
                "apps": sorted(trial.apps),
                "users": sorted(trial.users),
                "businesses": sorted(trial.businesses),
            }

    def _fork(self, seed: str | dict[str, Any]) -> State:
        """A copy of the state a seed can be tried on: new tables holding the same apps, users and businesses,
        except the businesses a document adds data to, which are copied."""
        state = self.state
        touched = business_refs(state, seed) if isinstance(seed, dict) else set()
        businesses = {bid: (b.clone() if bid in touched else b) for bid, b in state.businesses.items()}
        return State(
            settings=state.settings,
            apps=dict(state.apps),
            users=dict(state.users),
            businesses=businesses,
            grants=state.grants,
            tokens=state.tokens,
            codes=state.codes,
            daily_counts=state.daily_counts,
        )

    def dump(self) -> dict[str, Any]:
        """The whole state as JSON-compatible data (what ``--state`` files hold)."""
        with self.lock:
            data = self.state.to_json()
            data["clock_offset"] = self.clock.offset
            return data

    def load_state(self, data: dict[str, Any]) -> None:
        """Replace the state with one :meth:`dump` produced (``ValueError`` when ``data`` is not one)."""
        state = State.from_json(data)
        clock = Clock()
        clock.advance(float(data.get("clock_offset", 0.0)))
        with self.lock:
            self.state, self.clock = state, clock

    def changed(self) -> None:
        """Called after a request that may have changed the state (the Emulator saves it to its file)."""

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
