"""Helpers shared by the sync tests."""

from __future__ import annotations

from typing import Any

from sage_accounting import Connection, MemoryTokenStore, RetryConfig
from sage_accounting.emulator import DEMO, Emulator

FAST_RETRY = RetryConfig(initial_delay=0.01, max_delay=0.05, max_retry_after=2.0)


def connect(emu: Emulator, **kwargs: Any) -> Connection:
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
