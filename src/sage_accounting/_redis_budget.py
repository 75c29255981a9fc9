"""A rate budget held in Redis: one concurrency cap and one daily quota for every process of an app.

Each request in flight holds a member of a sorted set scored by when its hold lapses, so a process
killed mid-request gives its slots back after ``hold`` seconds instead of leaking them; taking a slot
and counting it against the day's quota happen in one Lua script, so processes never race past the
cap.  redis-py is imported only when such a budget is built (``pip install 'sage-accounting[redis]'``).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

__all__ = ["DailyQuotaExceeded", "RedisBudget"]

_ACQUIRE = """
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  return 0
end
local used = redis.call('INCR', KEYS[2])
if used == 1 then
  redis.call('EXPIRE', KEYS[2], 90000)
end
if used > tonumber(ARGV[4]) then
  return -1
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[5]), ARGV[2])
return 1
"""


class DailyQuotaExceeded(RuntimeError):
    """The app's requests for the day (shared through Redis) are used up."""


class RedisBudget:
    """At most ``max_concurrency`` requests in flight and ``daily_quota`` a day (UTC), across every
    process using the same Redis ``key``."""

    def __init__(
        self,
        url: str,
        *,
        max_concurrency: int = 150,
        daily_quota: int = 1_296_000,
        key: str = "sage-accounting:default",
        hold: float = 120.0,
        poll: float = 0.002,
    ) -> None:
        import redis

        if max_concurrency < 1:
            raise ValueError(f"max_concurrency must be a positive integer, got {max_concurrency!r}")
        self.max_concurrency = max_concurrency
        self.daily_quota = daily_quota
        self.key = key
        self.hold = hold
        self.poll = poll
        self._redis: Any = redis.Redis.from_url(url)
        self._acquire: Any = self._redis.register_script(_ACQUIRE)

    def __repr__(self) -> str:
        return f"RedisBudget(key={self.key!r}, max_concurrency={self.max_concurrency})"

    def _keys(self) -> list[str]:
        day = dt.datetime.now(dt.UTC).strftime("%Y%m%d")
        return [f"{self.key}:inflight", f"{self.key}:day:{day}"]

    def _try(self, token: str) -> bool:
        args = [time.time(), token, self.max_concurrency, self.daily_quota, self.hold]
        got = int(self._acquire(keys=self._keys(), args=args))
        if got < 0:
            raise DailyQuotaExceeded(
                f"the app's daily quota of {self.daily_quota} requests (shared through Redis) is used up"
            )
        return got == 1

    def _release(self, token: str) -> None:
        self._redis.zrem(f"{self.key}:inflight", token)

    def in_flight(self) -> int:
        """Slots held right now (lapsed holds not counted)."""
        return int(self._redis.zcount(f"{self.key}:inflight", time.time(), "+inf"))

    @contextlib.contextmanager
    def slot(self) -> Iterator[None]:
        """Hold one slot (blocking until one is free)."""
        token = uuid.uuid4().hex
        delay = self.poll
        while not self._try(token):
            time.sleep(delay)
            delay = min(delay * 2, 0.02)
        try:
            yield
        finally:
            self._release(token)

    @contextlib.asynccontextmanager
    async def async_slot(self) -> AsyncIterator[None]:
        """Async twin of :meth:`slot` (the Redis calls run in a worker thread)."""
        token = uuid.uuid4().hex
        delay = self.poll
        while not await asyncio.to_thread(self._try, token):
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.02)
        try:
            yield
        finally:
            await asyncio.to_thread(self._release, token)
