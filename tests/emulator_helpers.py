"""Helpers shared across the test packages: a connection signed in to an emulator, fast retries, and a full
disk."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import httpx

from sage_accounting import Connection, MemoryTokenStore, RetryConfig
from sage_accounting.emulator import DEMO, Emulator

FAST_RETRY = RetryConfig(initial_delay=0.01, max_delay=0.05, max_retry_after=2.0)


def make_connection(emu: Emulator, transport: httpx.BaseTransport | None = None, **kwargs: Any) -> Connection:
    """A connection signed in to ``emu`` (tokens granted without the browser), in process: through
    ``transport`` (one that records what is sent, say), else the emulator's own."""
    token = emu.grant_tokens(client_id=DEMO.client_id, user_id=DEMO.user_id)
    kwargs.setdefault("store", MemoryTokenStore())
    return Connection(
        DEMO.client_id,
        DEMO.client_secret,
        redirect_uri=DEMO.redirect_uri,
        host="http://sage.test",
        token=token,
        transport=transport or emu.transport(),
        async_transport=emu.async_transport(),
        **kwargs,
    )


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
