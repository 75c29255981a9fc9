"""The Emulator: a local, faithful Sage Business Cloud Accounting, in process or as a server."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from .._files import atomic_write
from ._activity import Activity, running
from ._app import EmulatorApp
from ._clock import iso
from ._sandbox import Sandbox
from ._state import Settings, State
from ._transport import AsyncEmulatorTransport, EmulatorTransport, serve


class Emulator(Sandbox):
    """A local Sage: OAuth server, API v3.1 with its business rules, roles, limits, faults and a movable clock.

    >>> emu = Emulator()                         # the deterministic demo seed
    >>> client = httpx.Client(transport=emu.transport(), base_url="http://sage.test")
    >>> with emu.serve() as url: ...             # or over a real socket

    ``seed`` is ``"demo"`` (default), ``"minimal"``, ``"generated:N[:B]"``, ``None`` (empty) or a seed document
    (dict); ``seed_random`` makes a generated seed differ, the same value giving the same data.
    """

    def __init__(
        self,
        seed: str | dict[str, Any] | None = "demo",
        *,
        settings: Settings | None = None,
        seed_random: int = 0,
    ) -> None:
        super().__init__(settings)
        self.app = EmulatorApp(self)
        self._autosave: Path | None = None
        if seed is not None:
            self.seed(seed, seed_random=seed_random)

    # --- the state file --------------------------------------------------------------------------------
    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the state to ``path`` atomically (a crash never leaves a half-written file). A symlink is
        written through: its target gets the new state and the link stays."""
        data = json.dumps(self.dump(), separators=(",", ":")).encode()
        atomic_write(Path(os.path.realpath(path)), data)

    def autosave(self, path: str | os.PathLike[str] | None) -> None:
        """Save the state to ``path`` after every request that changed it (``None`` stops)."""
        self._autosave = Path(path) if path is not None else None

    def changed(self) -> None:
        """Called by the app after a request that may have changed the state: saves it to the autosave file.

        A file that cannot be written (its directory removed, a full disk) does not stop the sandbox: the
        change is kept in memory, :attr:`save_error` says why it was not saved (logged once), and the next
        change tries again."""
        if self._autosave is None:
            return
        try:
            self.save(self._autosave)
        except OSError as exc:
            problem = f"cannot save the state to {self._autosave}: {exc.strerror or exc}"
            if problem != self.save_error:
                self.logger.error("%s; changes are kept in memory and saved once it can be written", problem)
            self.save_error = problem
        else:
            self.save_error = None

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

    # --- a living business ---------------------------------------------------------------------------
    def start_activity(self, rate: float, *, seed_random: int = 0) -> Activity:
        """Make ``rate`` changes per minute of emulator time (creates, edits, payments, voids, deletions) in
        a background thread until :meth:`stop_activity`; moving the clock forward brings the changes due.
        ``ValueError`` for a rate that is not a positive number up to 60,000."""
        return Activity(self, rate, seed_random).start()

    def stop_activity(self) -> None:
        """Stop the running activity, if any (its changes stay)."""
        activity = running(self)
        if activity is not None:
            activity.stop()

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

    def __repr__(self) -> str:
        return (
            f"<Emulator businesses={len(self.state.businesses)} users={len(self.state.users)} "
            f"at {iso(self.clock.time())}>"
        )
