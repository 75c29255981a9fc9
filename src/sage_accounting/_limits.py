"""The rate budget of a connection: the concurrency cap and request rate every client of it shares.

:class:`RateBudget` is the seam: :class:`Limiter` is the in-process budget (the default), and with
``SAGE_REDIS_URL`` set :func:`budget_from_env` gives a budget held in Redis
(:class:`~sage_accounting._redis_budget.RedisBudget`), so every process of the toolkit draws from one
concurrency cap and one daily quota, as Sage counts them: per app, across all businesses.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
import time
import weakref
from collections.abc import AsyncIterator, Iterator
from contextlib import AbstractAsyncContextManager, AbstractContextManager
from typing import Protocol, runtime_checkable

__all__ = ["Limiter", "RateBudget", "budget_from_env"]


@runtime_checkable
class RateBudget(Protocol):
    """What a connection needs from a rate budget: a slot per request in flight."""

    max_concurrency: int
    """Requests in flight at most (clients size their pools and prefetch windows by it)."""

    def slot(self) -> AbstractContextManager[None]:
        """Hold one slot for the length of a request (blocking until one is free)."""
        ...

    def async_slot(self) -> AbstractAsyncContextManager[None]:
        """Async twin of :meth:`slot`."""
        ...


def budget_from_env(
    max_concurrency: int = 150, requests_per_second: float | None = None, *, app: str = "default"
) -> RateBudget:
    """The budget for a new connection: in Redis when ``SAGE_REDIS_URL`` is set (shared by every
    process; ``SAGE_MAX_CONCURRENCY`` and ``SAGE_DAILY_QUOTA`` override the cap and the quota), else in
    process."""
    url = os.environ.get("SAGE_REDIS_URL")
    if not url:
        return Limiter(max_concurrency, requests_per_second)
    from ._redis_budget import RedisBudget

    cap = int(os.environ.get("SAGE_MAX_CONCURRENCY") or max_concurrency)
    quota = int(os.environ.get("SAGE_DAILY_QUOTA") or 1_296_000)
    prefix = os.environ.get("SAGE_REDIS_PREFIX") or "sage-accounting"
    return RedisBudget(url, max_concurrency=cap, daily_quota=quota, key=f"{prefix}:{app}")


class Limiter:
    """At most ``max_concurrency`` requests in flight, and optionally ``requests_per_second``.

    Threads share one semaphore; asyncio tasks share one semaphore per event loop.  The rate limit
    hands out evenly spaced start times to threads and tasks alike.
    """

    def __init__(self, max_concurrency: int = 150, requests_per_second: float | None = None) -> None:
        if not isinstance(max_concurrency, int) or max_concurrency < 1:
            raise ValueError(f"max_concurrency must be a positive integer, got {max_concurrency!r}")
        if requests_per_second is not None and requests_per_second <= 0:
            raise ValueError(f"requests_per_second must be > 0, got {requests_per_second!r}")
        self.max_concurrency = max_concurrency
        self.requests_per_second = requests_per_second
        self._sem = threading.BoundedSemaphore(max_concurrency)
        self._async_sems: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
            weakref.WeakKeyDictionary()
        )
        self._rate_lock = threading.Lock()
        self._next_start = 0.0

    def _rate_delay(self) -> float:
        if self.requests_per_second is None:
            return 0.0
        interval = 1.0 / self.requests_per_second
        with self._rate_lock:
            now = time.monotonic()
            start = max(now, self._next_start)
            self._next_start = start + interval
            return start - now

    @contextlib.contextmanager
    def slot(self) -> Iterator[None]:
        """Hold one of the concurrent slots (blocking), after waiting for the rate limit."""
        delay = self._rate_delay()
        if delay > 0:
            time.sleep(delay)
        with self._sem:
            yield

    def _async_sem(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        sem = self._async_sems.get(loop)
        if sem is None:
            sem = asyncio.Semaphore(self.max_concurrency)
            self._async_sems[loop] = sem
        return sem

    @contextlib.asynccontextmanager
    async def async_slot(self) -> AsyncIterator[None]:
        """Async twin of :meth:`slot`."""
        delay = self._rate_delay()
        if delay > 0:
            await asyncio.sleep(delay)
        async with self._async_sem():
            yield
