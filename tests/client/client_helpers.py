"""Helpers shared by the client tests."""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Callable, Iterator
from typing import Any

import anyio.from_thread
import httpx

from sage_accounting import AsyncSageAccounting, Connection, MemoryTokenStore, RetryConfig, SageAccounting
from sage_accounting.emulator import DEMO, Emulator

FAST_RETRY = RetryConfig(initial_delay=0.01, max_delay=0.05, max_retry_after=2.0)


def make_connection(emu: Emulator, **kwargs: Any) -> Connection:
    """A connection signed in to ``emu`` (tokens granted without the browser), in process."""
    token = emu.grant_tokens(client_id=DEMO.client_id, user_id=DEMO.user_id)
    kwargs.setdefault("store", MemoryTokenStore())
    return Connection(
        DEMO.client_id,
        DEMO.client_secret,
        redirect_uri=DEMO.redirect_uri,
        host="http://sage.test",
        token=token,
        transport=emu.transport(),
        async_transport=emu.async_transport(),
        **kwargs,
    )


def control(url: str, method: str, path: str, **kwargs: Any) -> Any:
    """Call the emulator's control plane over HTTP."""
    response = httpx.request(method, f"{url}/__emulator__{path}", timeout=30, **kwargs)
    response.raise_for_status()
    return response.json() if response.content else None


@contextlib.contextmanager
def disk_full() -> Iterator[None]:
    """Every write to a file fails with EFBIG, as on a full disk, for this process and the processes it
    starts (``RLIMIT_FSIZE`` 0; a soft limit, raised back afterwards).  Works for root too, unlike a
    directory without write permission."""
    import resource
    import signal

    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)


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
