"""Helpers shared by the client tests."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import anyio.from_thread
import httpx

from emulator_helpers import FAST_RETRY, disk_full, make_connection  # noqa: F401  (shared by the client tests)
from sage_accounting import AsyncSageAccounting, Connection, SageAccounting


def control(url: str, method: str, path: str, **kwargs: Any) -> Any:
    """Call the emulator's control plane over HTTP."""
    response = httpx.request(method, f"{url}/__emulator__{path}", timeout=30, **kwargs)
    response.raise_for_status()
    return response.json() if response.content else None


class Driver:
    """The same calls through :class:`SageAccounting` or :class:`AsyncSageAccounting`, so a test written
    once checks both clients: ``sage(lambda c: c.contacts.list())`` returns the answer either way (the
    async client runs on an event loop in a portal thread; what the call returns is awaited there)."""

    def __init__(self, kind: str, conn: Connection, **kwargs: Any) -> None:
        self.kind = kind
        self.connection = conn
        self._portal_cm: Any = None
        if kind == "sync":
            self.client: Any = SageAccounting(conn, **kwargs)
        else:
            self._portal_cm = anyio.from_thread.start_blocking_portal()
            self.portal = self._portal_cm.__enter__()

            async def make() -> AsyncSageAccounting:
                return AsyncSageAccounting(conn, **kwargs)

            self.client = self.portal.call(make)

    def __call__(self, call: Callable[[Any], Any]) -> Any:
        if self.kind == "sync":
            return call(self.client)

        async def run() -> Any:
            result = call(self.client)
            return await result if inspect.isawaitable(result) else result

        return self.portal.call(run)

    def records(self, call: Callable[[Any], Any]) -> list[Any]:
        """Every record of the list ``call`` returns, across its pages (``for`` or ``async for``)."""
        if self.kind == "sync":
            return list(call(self.client))

        async def collect() -> list[Any]:
            return [record async for record in call(self.client)]

        return self.portal.call(collect)

    def close(self) -> None:
        if self.kind == "sync":
            self.client.close()
            return
        self.portal.call(self.client.close)
        self._portal_cm.__exit__(None, None, None)
