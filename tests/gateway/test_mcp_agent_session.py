"""An agent granted Contacts: Read and Sales: Full, through a real MCP client (the SDK's ClientSession) over
stdio (``sage-accounting --emulator mcp serve`` as a subprocess) and over streamable HTTP (a served gateway
on a real socket): the tools it sees, a list, a sales invoice, a refused contact create, and one audit row
for each call with its sentence; and the same server in process with the SDK's Client."""

from __future__ import annotations

import subprocess
from collections.abc import AsyncIterator, Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from mcp import Client, ClientSession

from sage_accounting.emulator import Emulator
from sage_accounting.gateway.executor import Gateway
from sage_accounting.gateway.server import GatewayServer
from sage_accounting.gateway.store import GatewayStore

from .mcp_helpers import (
    add_agent,
    cli_env,
    demo_ids,
    emulator_factory,
    http_session,
    invoice_arguments,
    serve_command,
    served,
    stdio_session,
    text,
)

pytestmark = pytest.mark.anyio

GRANTS = {"contacts": "read", "sales": "full"}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'gateway.db'}"


@pytest.fixture
def store(db_url: str) -> Iterator[GatewayStore]:
    store = GatewayStore.open(db_url)
    yield store
    store.close()


@pytest.fixture(params=["stdio", "http"])
def transport(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def session(
    transport: str, store: GatewayStore, db_url: str, tmp_path: Path
) -> AsyncIterator[ClientSession]:
    key = add_agent(store, "bookkeeper", GRANTS)
    if transport == "stdio":
        async with stdio_session(db_url, key, tmp_path) as client:
            yield client
    else:
        emu = Emulator()
        with served(Gateway(store, emulator_factory(emu))) as url:
            async with http_session(url, key) as client:
                yield client


async def test_the_agent_sees_exactly_the_tools_its_grants_allow(session: ClientSession) -> None:
    listed = await session.list_tools()
    names = {tool.name for tool in listed.tools}
    assert {"sage_list_contacts", "sage_get_contact", "sage_create_sales_invoice", "sage_void_sales_invoice",
            "sage_list_sales_invoices", "sage_list_businesses", "sage_list_ledger_accounts",
            "sage_list_tax_rates"} <= names  # fmt: skip
    forbidden = {"sage_create_contact", "sage_update_contact", "sage_delete_contact", "sage_raw_request",
                 "sage_list_bank_accounts", "sage_create_contact_payment", "sage_list_purchase_invoices",
                 "sage_create_journal", "sage_list_journals", "sage_create_ledger_account",
                 "sage_create_product"}  # fmt: skip
    assert not names & forbidden
    by_name = {tool.name: tool for tool in listed.tools}
    create = by_name["sage_create_sales_invoice"]
    assert create.annotations is not None
    assert (create.annotations.read_only_hint, create.annotations.idempotent_hint) == (False, False)
    assert create.annotations.open_world_hint is True
    assert {"dry_run", "idempotency_key", "business_id", "invoice_lines"} <= set(
        create.input_schema["properties"]
    )
    listing = by_name["sage_list_contacts"]
    assert listing.annotations is not None and listing.annotations.read_only_hint is True
    assert {"limit", "cursor", "updated_since", "business_id"} <= set(listing.input_schema["properties"])
    assert listing.input_schema["properties"]["limit"]["maximum"] == 200
    assert listing.output_schema is not None and set(listing.output_schema["required"]) == {
        "items",
        "next_cursor",
    }
    assert by_name["sage_void_sales_invoice"].annotations.destructive_hint is True  # type: ignore[union-attr]


async def test_list_create_and_refused_write_each_leave_one_audit_row(
    session: ClientSession, store: GatewayStore
) -> None:
    first = await session.call_tool("sage_list_contacts", {"limit": 2})
    assert not first.is_error
    page = first.structured_content
    assert page is not None and len(page["items"]) == 2 and page["next_cursor"]
    second = await session.call_tool("sage_list_contacts", {"limit": 2, "cursor": page["next_cursor"]})
    assert not second.is_error and second.structured_content is not None
    assert {i["id"] for i in second.structured_content["items"]}.isdisjoint(i["id"] for i in page["items"])

    customer, sales = await demo_ids(session)
    created = await session.call_tool("sage_create_sales_invoice", invoice_arguments(customer, sales))
    assert not created.is_error, text(created)
    invoice = created.structured_content["record"]  # type: ignore[index]
    assert invoice["invoice_number"].startswith("SI-") and invoice["total_amount"] == "120.0"
    assert "\n" not in text(created) and invoice["invoice_number"] in text(created)

    refused = await session.call_tool(
        "sage_create_contact", {"name": "Sneaky Ltd", "contact_type_ids": ["CUSTOMER"]}
    )
    assert refused.is_error
    assert text(refused) == "sage_create_contact needs Contacts: Full"

    rows = {row.tool: row for row in store.list_audit(agent="bookkeeper", limit=100)}
    assert rows["sage_list_contacts"].decision == "allowed"
    made = rows["sage_create_sales_invoice"]
    assert (made.decision, made.record_id, made.business_name) == (
        "allowed",
        invoice["id"],
        "Demo Trading Ltd",
    )
    assert made.sentence.startswith(f"bookkeeper created sales invoice {invoice['invoice_number']} for ")
    assert "in Demo Trading Ltd — allowed (Sales: Full)" in made.sentence
    denied = rows["sage_create_contact"]
    assert denied.decision == "denied" and "sage_create_contact needs Contacts: Full" in denied.sentence
    assert denied.sentence.startswith("bookkeeper tried to create a contact")
    calls = [r for r in store.list_audit(agent="bookkeeper", limit=100)]
    assert [r.tool for r in calls].count("sage_create_sales_invoice") == 1
    assert [r.tool for r in calls].count("sage_create_contact") == 1


def test_stdio_refuses_a_missing_or_unknown_key_before_answering(
    store: GatewayStore, db_url: str, tmp_path: Path
) -> None:
    initialize = (
        '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",'
        '"capabilities":{},"clientInfo":{"name":"t","version":"1"}}}\n'
    )
    add_agent(store, "bookkeeper", GRANTS)
    for key in (None, "sga_not-a-key-of-anyone"):
        done = subprocess.run(serve_command(), input=initialize, capture_output=True, text=True, timeout=60,
                              env=cli_env(db_url, key, tmp_path))  # fmt: skip
        assert done.returncode == 3, done.stderr
        assert done.stdout == ""
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: SAGE_AGENT_KEY")
        assert "Traceback" not in done.stderr
        if key:
            assert key not in done.stderr


async def test_a_removed_agent_is_refused_on_its_next_call_over_stdio(
    store: GatewayStore, db_url: str, tmp_path: Path
) -> None:
    key = add_agent(store, "bookkeeper", GRANTS)
    async with stdio_session(db_url, key, tmp_path) as client:
        assert not (await client.call_tool("sage_list_contacts", {"limit": 1})).is_error
        store.remove_agent("bookkeeper")
        with pytest.raises(Exception, match="unknown agent key"):
            await client.call_tool("sage_list_contacts", {"limit": 1})


async def test_over_stdio_a_retry_writes_once_a_dry_run_writes_nothing_and_a_big_write_is_held(
    store: GatewayStore, db_url: str, tmp_path: Path
) -> None:
    key = add_agent(store, "bookkeeper", GRANTS, max_amount=Decimal("500"))
    async with stdio_session(db_url, key, tmp_path) as client:
        customer, sales = await demo_ids(client)

        async def invoices() -> int:
            page = await client.call_tool("sage_list_sales_invoices", {"contact_id": customer, "limit": 200})
            assert page.structured_content is not None
            return len(page.structured_content["items"])

        before = await invoices()
        args = {**invoice_arguments(customer, sales), "idempotency_key": "retry-1"}
        first = await client.call_tool("sage_create_sales_invoice", args)
        second = await client.call_tool("sage_create_sales_invoice", args)
        dry = await client.call_tool(
            "sage_create_sales_invoice", {**invoice_arguments(customer, sales), "dry_run": True}
        )
        big = await client.call_tool(
            "sage_create_sales_invoice", invoice_arguments(customer, sales, unit_price="900")
        )
        after = await invoices()
    assert first.structured_content == second.structured_content
    assert dry.structured_content is not None and dry.structured_content["status"] == "dry_run"
    assert big.structured_content is not None and big.structured_content["status"] == "held"
    assert after == before + 1
    [pending] = store.list_approvals()
    assert pending.id == big.structured_content["approval_id"] and pending.amount == Decimal("900")
    decisions = [
        r.decision
        for r in store.list_audit(agent="bookkeeper", limit=100)
        if r.tool == "sage_create_sales_invoice"
    ]
    assert sorted(decisions) == ["allowed", "allowed", "allowed", "held"]


@pytest.mark.parametrize("mode", ["legacy", "auto"])
async def test_in_process_with_the_sdk_client_the_agent_key_names_the_agent(
    store: GatewayStore, mode: str
) -> None:
    key = add_agent(store, "bookkeeper", GRANTS)
    server = GatewayServer(Gateway(store, emulator_factory(Emulator())), agent_key=key)
    async with Client(server.server, mode=mode) as client:
        names = {tool.name for tool in (await client.list_tools()).tools}
        listed = await client.call_tool("sage_list_contacts", {"limit": 2})
        refused = await client.call_tool("sage_create_contact", {"name": "X"})
    assert "sage_create_sales_invoice" in names and "sage_create_contact" not in names
    assert not listed.is_error and len(listed.structured_content["items"]) == 2  # type: ignore[index]
    assert refused.is_error and text(refused) == "sage_create_contact needs Contacts: Full"
    assert [
        r.decision for r in store.list_audit(agent="bookkeeper", limit=10) if r.tool.startswith("sage_")
    ] == [
        "denied",
        "allowed",
    ]
