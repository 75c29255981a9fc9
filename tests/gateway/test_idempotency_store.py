"""Idempotency keys: the first claim owns the key, a retry with the same arguments replays the stored
result, the same key with other arguments is a conflict; keys are per agent and business."""

from __future__ import annotations

import threading

import pytest

from sage_accounting.gateway._types import GatewayInputError, arguments_hash
from sage_accounting.gateway.store import GatewayStore

ARGS = {"contact_id": "c1", "invoice_lines": [{"quantity": 1, "unit_price": "10.00"}]}


def test_a_retry_replays_the_first_result(store: GatewayStore) -> None:
    digest = arguments_hash(ARGS)
    assert store.idempotency_claim(1, "B1", "k1", digest).state == "new"
    assert store.idempotency_claim(1, "B1", "k1", digest).state == "in_progress"
    store.idempotency_store(1, "B1", "k1", {"id": "inv1", "total_amount": "10.0"})
    claim = store.idempotency_claim(1, "B1", "k1", digest)
    assert claim.state == "replay" and claim.result == {"id": "inv1", "total_amount": "10.0"}


def test_the_same_key_with_other_arguments_is_a_conflict(store: GatewayStore) -> None:
    store.idempotency_claim(1, "B1", "k1", arguments_hash(ARGS))
    store.idempotency_store(1, "B1", "k1", {"id": "inv1"})
    other = arguments_hash({**ARGS, "contact_id": "c2"})
    assert store.idempotency_claim(1, "B1", "k1", other).state == "conflict"


def test_argument_order_does_not_matter_to_the_hash() -> None:
    assert arguments_hash({"a": 1, "b": [1, 2]}) == arguments_hash({"b": [1, 2], "a": 1})
    assert arguments_hash({"a": 1}) != arguments_hash({"a": "1"})


def test_keys_are_per_agent_and_business(store: GatewayStore) -> None:
    digest = arguments_hash(ARGS)
    assert store.idempotency_claim(1, "B1", "k1", digest).state == "new"
    assert store.idempotency_claim(2, "B1", "k1", digest).state == "new"
    assert store.idempotency_claim(1, "B2", "k1", digest).state == "new"
    assert store.idempotency_claim(1, None, "k1", digest).state == "new"


def test_a_released_key_can_be_claimed_again(store: GatewayStore) -> None:
    digest = arguments_hash(ARGS)
    store.idempotency_claim(1, "B1", "k1", digest)
    store.idempotency_release(1, "B1", "k1")
    assert store.idempotency_claim(1, "B1", "k1", digest).state == "new"
    store.idempotency_store(1, "B1", "k1", {"id": "inv1"})
    store.idempotency_release(1, "B1", "k1")  # a finished call's key is kept
    assert store.idempotency_claim(1, "B1", "k1", digest).state == "replay"


def test_bad_keys_are_refused(store: GatewayStore) -> None:
    for key in ("", "x" * 256):
        with pytest.raises(GatewayInputError, match="idempotency_key must be 1 to 255 characters"):
            store.idempotency_claim(1, "B1", key, "h")


def test_racing_retries_leave_one_owner(store: GatewayStore, open_store: object) -> None:
    stores = [open_store() for _ in range(6)]  # type: ignore[operator]
    digest = arguments_hash(ARGS)
    states: list[str] = []
    barrier = threading.Barrier(len(stores))

    def claim(n: int) -> None:
        barrier.wait()
        states.append(stores[n].idempotency_claim(1, "B1", "race", digest).state)

    threads = [threading.Thread(target=claim, args=(n,)) for n in range(len(stores))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(states) == ["in_progress"] * 5 + ["new"]
