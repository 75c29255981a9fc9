"""Approvals: a held write waits as pending, is approved or denied exactly once (from any thread or
process), expires after 24 hours by default, and a denial or an expiry is audited as rejected."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest

from sage_accounting.gateway._types import Agent, ApprovalStateError, UnknownApprovalError
from sage_accounting.gateway.store import GatewayStore

from .conftest import Clock


def held(store: GatewayStore, bookkeeper: Agent, **overrides: object) -> str:
    values: dict[str, object] = {
        "tool": "sage_create_sales_invoice",
        "action_key": "createSalesInvoice",
        "business_id": "B1",
        "business_name": "Demo Trading Ltd",
        "arguments": {"contact_id": "c1", "invoice_lines": [{"quantity": 1, "unit_price": "1200"}]},
        "request": {"method": "POST", "path": "/sales_invoices", "params": {}, "json": {"sales_invoice": {}}},
        "sentence": "bookkeeper asked to create a sales invoice … — held for approval",
        "amount": Decimal("1200"),
    }
    values.update(overrides)
    return store.hold(bookkeeper, **values).id  # type: ignore[arg-type]


@pytest.fixture
def bookkeeper(store: GatewayStore) -> Agent:
    agent, _ = store.add_agent("bookkeeper")
    return agent


def test_a_held_write_waits_with_everything_needed_to_carry_it_out(
    store: GatewayStore, bookkeeper: Agent, clock: Clock
) -> None:
    approval = store.get_approval(held(store, bookkeeper))
    assert approval.status == "pending" and approval.agent_name == "bookkeeper"
    assert approval.agent_id == bookkeeper.id and approval.action_key == "createSalesInvoice"
    assert approval.arguments["invoice_lines"][0]["unit_price"] == "1200"
    assert approval.request["path"] == "/sales_invoices" and approval.amount == Decimal("1200")
    assert approval.created_at == clock.now and approval.expires_at == clock.now + timedelta(hours=24)
    assert [a.id for a in store.list_approvals()] == [approval.id]


def test_approving_is_done_once_and_recorded(store: GatewayStore, bookkeeper: Agent) -> None:
    approval_id = held(store, bookkeeper)
    approved = store.decide_approval(approval_id, True, "alice")
    assert approved.status == "approved" and approved.decided_by == "alice"
    with pytest.raises(ApprovalStateError, match=f"approval {approval_id} was approved by alice already"):
        store.decide_approval(approval_id, True, "bob")
    with pytest.raises(ApprovalStateError):
        store.decide_approval(approval_id, False, "bob")
    assert store.list_approvals() == []
    assert [a.id for a in store.list_approvals("approved")] == [approval_id]
    done = store.finish_approval(approval_id, {"id": "inv1", "displayed_as": "SI-163"})
    assert done.result == {"id": "inv1", "displayed_as": "SI-163"} and done.finished_at is not None


def test_denying_is_audited_as_rejected_with_the_reason(store: GatewayStore, bookkeeper: Agent) -> None:
    approval_id = held(store, bookkeeper)
    denied = store.decide_approval(approval_id, False, "alice", "not this month")
    assert denied.status == "denied" and denied.reason == "not this month"
    row = store.list_audit(decision="rejected")[0]
    assert row.agent == "bookkeeper" and row.tool == "sage_create_sales_invoice" and row.business_id == "B1"
    assert row.sentence == (
        f"alice rejected bookkeeper's held call sage_create_sales_invoice (approval {approval_id}) "
        "— rejected (not this month)"
    )
    with pytest.raises(ApprovalStateError, match="was denied by alice already"):
        store.decide_approval(approval_id, True, "alice")
    with pytest.raises(ApprovalStateError, match="is denied, not approved"):
        store.finish_approval(approval_id, {"id": "x"})


def test_pending_approvals_expire_after_24_hours(
    store: GatewayStore, bookkeeper: Agent, clock: Clock
) -> None:
    first = held(store, bookkeeper)
    clock.advance(hours=23, minutes=59)
    assert store.get_approval(first).status == "pending"
    clock.advance(minutes=1)
    assert store.get_approval(first).status == "expired"
    with pytest.raises(ApprovalStateError, match=f"approval {first} expired at 2026-11-30T09:00:00"):
        store.decide_approval(first, True, "alice")
    with pytest.raises(ApprovalStateError, match="expired without a decision"):
        store.decide_approval(first, True, "alice")
    rejected = store.list_audit(decision="rejected")
    assert len(rejected) == 1 and "expired at" in (rejected[0].reason or "")


def test_listing_expires_what_is_due_once(store: GatewayStore, bookkeeper: Agent, clock: Clock) -> None:
    due = held(store, bookkeeper)
    clock.advance(hours=12)
    fresh = held(store, bookkeeper)
    clock.advance(hours=13)
    assert [a.id for a in store.list_approvals()] == [fresh]
    assert [a.id for a in store.list_approvals("expired")] == [due]
    assert [a.id for a in store.list_approvals(None)] == [due, fresh]
    store.list_approvals()
    assert len(store.list_audit(decision="rejected")) == 1


def test_an_approval_can_live_longer_or_shorter(open_store: object, clock: Clock) -> None:
    store = open_store(approval_ttl=timedelta(hours=1))  # type: ignore[operator]
    agent, _ = store.add_agent("bookkeeper")
    short = held(store, agent)
    long = held(store, agent, ttl=timedelta(days=3))
    clock.advance(hours=2)
    assert store.get_approval(short).status == "expired"
    assert store.get_approval(long).status == "pending"


def test_unknown_ids_and_statuses_are_named(store: GatewayStore) -> None:
    with pytest.raises(UnknownApprovalError, match="no approval 'nope'"):
        store.decide_approval("nope", True, "alice")
    with pytest.raises(UnknownApprovalError, match="no approval 'nope'"):
        store.get_approval("nope")
    with pytest.raises(ValueError, match="status 'waiting' is not one of pending"):
        store.list_approvals("waiting")


def test_removing_an_agent_denies_its_pending_approvals(store: GatewayStore, bookkeeper: Agent) -> None:
    approval_id = held(store, bookkeeper)
    store.remove_agent("bookkeeper")
    approval = store.get_approval(approval_id)
    assert approval.status == "denied" and approval.reason == "agent removed"


def test_concurrent_approvals_carry_it_out_once(
    open_store: object, bookkeeper: Agent, store: GatewayStore
) -> None:
    """Eight deciders (each with its own store, as separate gateway processes would) race: one wins."""
    approval_id = held(store, bookkeeper)
    stores = [open_store() for _ in range(8)]  # type: ignore[operator]
    wins: list[str] = []
    losses: list[str] = []
    barrier = threading.Barrier(len(stores))

    def decide(n: int) -> None:
        barrier.wait()
        try:
            stores[n].decide_approval(approval_id, True, f"admin-{n}")
            wins.append(f"admin-{n}")
        except ApprovalStateError as exc:
            losses.append(str(exc))

    threads = [threading.Thread(target=decide, args=(n,)) for n in range(len(stores))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(wins) == 1 and len(losses) == 7
    assert store.get_approval(approval_id).decided_by == wins[0]
