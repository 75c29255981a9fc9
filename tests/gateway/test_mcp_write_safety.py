"""Write safety over streamable HTTP with the SDK's client, checked in the emulator's request log: dry runs
send nothing, a retried idempotency key writes once, bad arguments never reach Sage, and held writes are
approved (exactly one write), denied or left to expire; elicitation asks the human instead."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import mcp_types as types
import pytest

from sage_accounting.emulator import Emulator
from sage_accounting.gateway._types import ApprovalStateError
from sage_accounting.gateway.executor import acarry_out_approval
from sage_accounting.gateway.store import GatewayStore

from .mcp_helpers import (  # noqa: F401  (the MCP fixtures)
    add_agent,
    anyio_backend_fixture,
    demo_ids,
    emulator_factory,
    emulator_fixture,
    http_session,
    invoice_arguments,
    served_url_fixture,
    sqlite_store_fixture,
    text,
    writes,
)

pytestmark = pytest.mark.anyio


def _decisions(store: GatewayStore, agent: str) -> list[str]:
    rows = reversed(store.list_audit(agent=agent, limit=1000))
    return [row.decision for row in rows if row.tool.startswith("sage_")]


async def test_dry_run_sends_nothing_and_returns_the_exact_request(
    store: GatewayStore, emu: Emulator, url: str
) -> None:
    key = add_agent(store, "clerk", {"contacts": "read", "sales": "full"})
    async with http_session(url, key) as session:
        customer, sales = await demo_ids(session)
        before = len(emu.request_log.entries())
        result = await session.call_tool(
            "sage_create_sales_invoice", {**invoice_arguments(customer, sales), "dry_run": True}
        )
        assert len(emu.request_log.entries()) == before
    assert not result.is_error and result.structured_content is not None
    assert result.structured_content["status"] == "dry_run"
    request = result.structured_content["request"]
    assert (request["method"], request["path"]) == ("POST", "/sales_invoices")
    assert request["json"]["sales_invoice"]["contact_id"] == customer
    assert request["json"]["sales_invoice"]["invoice_lines"][0]["ledger_account_id"] == sales
    assert writes(emu) == []
    assert _decisions(store, "clerk")[-1] == "allowed"


async def test_a_retried_idempotency_key_creates_one_invoice(
    store: GatewayStore, emu: Emulator, url: str
) -> None:
    key = add_agent(store, "clerk", {"contacts": "read", "sales": "full"})
    async with http_session(url, key) as session:
        customer, sales = await demo_ids(session)
        args = {**invoice_arguments(customer, sales), "idempotency_key": "inv-42"}
        first = await session.call_tool("sage_create_sales_invoice", args)
        again = await session.call_tool("sage_create_sales_invoice", args)
        other = await session.call_tool(
            "sage_create_sales_invoice",
            {**invoice_arguments(customer, sales, unit_price="5"), "idempotency_key": "inv-42"},
        )
    assert not first.is_error and not again.is_error
    assert again.structured_content == first.structured_content
    assert "replayed" in text(again)
    assert other.is_error and "idempotency_key" in text(other)
    assert len(writes(emu, "/sales_invoices")) == 1


@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        ({"contact_id": {"id": "c"}, "date": "2026-01-15", "invoice_lines": []}, "contact_id"),
        ({"date": "2026-01-15", "invoice_lines": []}, "contact_id"),
        ({"contact_id": "c", "date": "not a date", "invoice_lines": []}, "date"),
        ({"contact_id": "c", "date": "2026-01-15", "invoice_lines": [{"quantity": "x"}]}, "invoice_lines[0]"),
        ({"contact_id": "c", "date": "2026-01-15", "invoice_lines": [], "colour": "red"}, "colour"),
        ({"contact_id": "c", "date": "2026-01-15", "invoice_lines": [], "dry_run": "yes"}, "dry_run"),
        (
            {"contact_id": "c", "date": "2026-01-15", "invoice_lines": [], "idempotency_key": 7},
            "idempotency_key",
        ),
        (
            {
                "contact_id": "c",
                "date": "2026-01-15",
                "invoice_lines": [
                    {
                        "description": "x",
                        "ledger_account_id": "l",
                        "quantity": "1e400",
                        "unit_price": "1e400",
                        "tax_rate_id": "t",
                    }
                ],
            },
            "invoice_lines[0]",
        ),
    ],
)
async def test_bad_arguments_name_the_argument_and_send_nothing(
    store: GatewayStore, emu: Emulator, url: str, arguments: dict[str, Any], named: str
) -> None:
    key = add_agent(store, "clerk", {"contacts": "read", "sales": "full"})
    async with http_session(url, key) as session:
        before = len(emu.request_log.entries())
        result = await session.call_tool("sage_create_sales_invoice", arguments)
        assert len(emu.request_log.entries()) == before
        listing = await session.call_tool("sage_list_contacts", {"limit": 500})
        still = await session.call_tool("sage_list_contacts", {"limit": 1})
    assert result.is_error and named in text(result), text(result)
    assert listing.is_error and "limit" in text(listing)
    assert not still.is_error
    assert _decisions(store, "clerk")[:2] == ["invalid", "invalid"]


async def test_a_forbidden_tool_with_bad_arguments_is_denied_not_invalid(
    store: GatewayStore, url: str
) -> None:
    key = add_agent(store, "reader", {"contacts": "read"})
    async with http_session(url, key) as session:
        result = await session.call_tool("sage_create_contact", {"bogus": 1})
    assert result.is_error and text(result) == "sage_create_contact needs Contacts: Full"
    assert _decisions(store, "reader") == ["denied"]


async def test_max_amount_holds_a_write_and_approval_runs_it_exactly_once(
    store: GatewayStore, emu: Emulator, url: str
) -> None:
    key = add_agent(store, "clerk", {"contacts": "read", "sales": "full"}, max_amount=Decimal("500"))
    async with http_session(url, key) as session:
        customer, sales = await demo_ids(session)
        small = await session.call_tool("sage_create_sales_invoice", invoice_arguments(customer, sales))
        big = await session.call_tool(
            "sage_create_sales_invoice", invoice_arguments(customer, sales, unit_price="400.00", quantity=2)
        )
    assert not small.is_error and small.structured_content["status"] == "done"  # type: ignore[index]
    assert not big.is_error and big.structured_content is not None
    assert big.structured_content["status"] == "held"
    approval_id = big.structured_content["approval_id"]
    assert approval_id in text(big)
    assert len(writes(emu, "/sales_invoices")) == 1
    [pending] = store.list_approvals()
    assert (pending.id, pending.tool, pending.agent_name) == (
        approval_id,
        "sage_create_sales_invoice",
        "clerk",
    )

    outcome = await acarry_out_approval(store, approval_id, by="alice", client_factory=emulator_factory(emu))
    assert outcome.ok and outcome.result is not None
    assert outcome.result["record"]["total_amount"] == "960.0"
    assert len(writes(emu, "/sales_invoices")) == 2
    with pytest.raises(ApprovalStateError):
        await acarry_out_approval(store, approval_id, by="alice", client_factory=emulator_factory(emu))
    assert len(writes(emu, "/sales_invoices")) == 2
    assert _decisions(store, "clerk")[-2:] == ["held", "approved"]
    approved = store.list_audit(agent="clerk", decision="approved", limit=5)[0]
    assert "alice" in (approved.reason or "") and approved.record_id == outcome.result["record"]["id"]


async def test_approve_writes_holds_every_write_and_a_denied_one_never_runs(
    store: GatewayStore, emu: Emulator, url: str
) -> None:
    key = add_agent(store, "clerk", {"contacts": "full", "sales": "full"}, approve_writes=True)
    async with http_session(url, key) as session:
        held = await session.call_tool(
            "sage_create_contact", {"name": "Held Ltd", "contact_type_ids": ["CUSTOMER"]}
        )
        read = await session.call_tool("sage_list_contacts", {"limit": 1})
    assert held.structured_content is not None and held.structured_content["status"] == "held"
    assert not read.is_error
    store.decide_approval(held.structured_content["approval_id"], False, "alice", "not today")
    with pytest.raises(ApprovalStateError):
        await acarry_out_approval(
            store, held.structured_content["approval_id"], by="bob", client_factory=emulator_factory(emu)
        )
    assert writes(emu, "/contacts") == []


async def test_elicitation_asks_the_human_and_a_refusal_is_recorded(
    store: GatewayStore, emu: Emulator, url: str
) -> None:
    key = add_agent(store, "clerk", {"contacts": "full"}, approve_writes=True)
    answers = iter(["decline", "accept"])
    asked: list[str] = []

    async def elicit(_ctx: Any, params: Any) -> types.ElicitResult:
        asked.append(params.message)
        action = next(answers)
        return types.ElicitResult(action=action, content={"allow": True} if action == "accept" else None)

    async with http_session(url, key, elicitation_callback=elicit) as session:
        refused = await session.call_tool(
            "sage_create_contact", {"name": "Asked Ltd", "contact_type_ids": ["CUSTOMER"]}
        )
        allowed = await session.call_tool(
            "sage_create_contact", {"name": "Asked Ltd", "contact_type_ids": ["CUSTOMER"]}
        )
    assert len(asked) == 2 and "clerk" in asked[0]
    assert refused.is_error and "declined" in text(refused)
    assert not allowed.is_error and allowed.structured_content["record"]["name"] == "Asked Ltd"  # type: ignore[index]
    assert len(writes(emu, "/contacts")) == 1
    assert _decisions(store, "clerk") == ["rejected", "approved"]
    assert store.list_approvals() == []


async def test_a_held_write_expires_and_can_no_longer_be_approved(
    store: GatewayStore, emu: Emulator, url: str
) -> None:
    key = add_agent(store, "clerk", {"contacts": "full"}, approve_writes=True)
    async with http_session(url, key) as session:
        held = await session.call_tool(
            "sage_create_contact", {"name": "Late Ltd", "contact_type_ids": ["CUSTOMER"]}
        )
    assert held.structured_content is not None
    approval_id = held.structured_content["approval_id"]
    later = GatewayStore.open(store.url, clock=lambda: datetime.now(UTC) + timedelta(hours=25))
    try:
        with pytest.raises(ApprovalStateError, match="expired"):
            await acarry_out_approval(later, approval_id, by="alice", client_factory=emulator_factory(emu))
        assert later.get_approval(approval_id).status == "expired"
    finally:
        later.close()
    assert writes(emu, "/contacts") == []


async def test_a_write_sage_may_have_done_is_never_repeated_under_its_key(
    store: GatewayStore, emu: Emulator, url: str
) -> None:
    key = add_agent(store, "clerk", {"contacts": "read", "sales": "full"})
    async with http_session(url, key) as session:
        customer, sales = await demo_ids(session)
        emu.faults.add("POST", "/v3.1/sales_invoices", commit_then_fail=True)
        args = {**invoice_arguments(customer, sales), "idempotency_key": "flaky-1"}
        failed = await session.call_tool("sage_create_sales_invoice", args)
        retried = await session.call_tool("sage_create_sales_invoice", args)
    assert failed.is_error and "\n" not in text(failed)
    assert retried.is_error and "idempotency_key" in text(retried) and "may have" in text(retried)
    assert len(writes(emu, "/sales_invoices")) == 1
    assert _decisions(store, "clerk")[-2:] == ["failed", "invalid"]


async def test_retrying_a_held_write_tells_what_became_of_it(
    store: GatewayStore, emu: Emulator, url: str
) -> None:
    key = add_agent(store, "clerk", {"contacts": "read", "sales": "full"}, approve_writes=True)
    async with http_session(url, key) as session:
        customer, sales = await demo_ids(session)
        approved_args = {**invoice_arguments(customer, sales), "idempotency_key": "held-1"}
        denied_args = {**invoice_arguments(customer, sales, quantity=2), "idempotency_key": "held-2"}
        held = await session.call_tool("sage_create_sales_invoice", approved_args)
        other = await session.call_tool("sage_create_sales_invoice", denied_args)
        again = await session.call_tool("sage_create_sales_invoice", approved_args)
        assert held.structured_content is not None and other.structured_content is not None
        assert again.structured_content == held.structured_content
        outcome = await acarry_out_approval(
            store, held.structured_content["approval_id"], by="alice", client_factory=emulator_factory(emu)
        )
        store.decide_approval(other.structured_content["approval_id"], False, "alice", "wrong quantity")
        done = await session.call_tool("sage_create_sales_invoice", approved_args)
        refused = await session.call_tool("sage_create_sales_invoice", denied_args)
    assert not done.is_error and done.structured_content == outcome.result
    assert refused.is_error and "denied: wrong quantity" in text(refused)
    assert len(writes(emu, "/sales_invoices")) == 1
