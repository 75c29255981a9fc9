"""The connection's rate budget: in process by default, in Redis with ``SAGE_REDIS_URL`` (one
concurrency cap and one daily quota for every process of the app)."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
import redis

from sage_accounting import Connection, Limiter, RateBudget, SageAccounting
from sage_accounting._redis_budget import DailyQuotaExceeded, RedisBudget
from sage_accounting.emulator import DEMO, Emulator

REDIS = "redis://127.0.0.1:6379/0"


@pytest.fixture
def key() -> object:
    name = f"sage-test-budget-{uuid.uuid4().hex[:8]}"
    yield name
    client = redis.Redis.from_url(REDIS)
    for k in client.scan_iter(f"{name}*"):
        client.delete(k)


def test_redis_budget_caps_requests_in_flight_across_holders(key: str) -> None:
    budgets = [RedisBudget(REDIS, max_concurrency=3, key=key) for _ in range(2)]  # two "processes"
    busy, peak = 0, 0
    lock = threading.Lock()

    def hold(budget: RedisBudget) -> None:
        nonlocal busy, peak
        with budget.slot():
            with lock:
                busy += 1
                peak = max(peak, busy)
            time.sleep(0.03)
            with lock:
                busy -= 1

    threads = [threading.Thread(target=hold, args=(budgets[i % 2],)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak == 3
    assert budgets[0].in_flight() == 0


def test_redis_budget_daily_quota_is_shared(key: str) -> None:
    a = RedisBudget(REDIS, max_concurrency=5, daily_quota=3, key=key)
    b = RedisBudget(REDIS, max_concurrency=5, daily_quota=3, key=key)
    for budget in (a, b, a):
        with budget.slot():
            pass
    with pytest.raises(DailyQuotaExceeded, match="daily quota of 3"), b.slot():
        pass


def test_connection_budget_from_environment(monkeypatch: pytest.MonkeyPatch, key: str) -> None:
    plain = Connection(DEMO.client_id, DEMO.client_secret)
    assert isinstance(plain.limiter, Limiter) and isinstance(plain.limiter, RateBudget)
    monkeypatch.setenv("SAGE_REDIS_URL", REDIS)
    monkeypatch.setenv("SAGE_REDIS_PREFIX", key)
    monkeypatch.setenv("SAGE_MAX_CONCURRENCY", "7")
    shared = Connection(DEMO.client_id, DEMO.client_secret)
    assert isinstance(shared.limiter, RedisBudget) and shared.limiter.max_concurrency == 7
    # every request of a client on it goes through the shared budget
    emu = Emulator(seed="minimal")
    token = emu.grant_tokens(client_id=DEMO.client_id, user_id=DEMO.user_id)
    conn = Connection(
        DEMO.client_id, DEMO.client_secret, token=token, host="http://sage.test", transport=emu.transport()
    )
    with SageAccounting(conn) as sage:
        sage.tax_rates.list()
        sage.contacts.list()
    day = time.strftime("%Y%m%d", time.gmtime())
    assert int(redis.Redis.from_url(REDIS).get(f"{key}:{DEMO.client_id}:day:{day}") or 0) == 2
