"""The console's pages over HTTP (in process): the matrix saves through the policy the MCP server enforces,
the audit reads in sentences and pages by keyset, its CSV is the audit, and approvals run once."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sage_accounting.emulator import Emulator
from sage_accounting.gateway.console.pages import AUDIT_PAGE, CSV_COLUMNS
from sage_accounting.gateway.executor import Gateway
from sage_accounting.gateway.store import AuditEntry, GatewayStore

from .console_helpers import csrf_of, signed_in
from .mcp_helpers import emulator_factory, writes


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[GatewayStore]:
    with GatewayStore.open(f"sqlite:///{tmp_path / 'gateway.db'}") as opened:
        yield opened


def _post(client: httpx.Client, page: str, action: str, data: dict[str, str | list[str]]) -> httpx.Response:
    csrf = csrf_of(client.get(page).text)
    return client.post(action, data={**data, "csrf": csrf})


def test_adding_an_agent_shows_its_key_once_and_the_key_works(store: GatewayStore) -> None:
    with signed_in(store) as client:
        answer = _post(
            client, "/console/agents", "/console/agents", {"name": "bookkeeper", "description": "Books"}
        )
        assert answer.status_code == 200
        key = answer.text.split('id="new-key" readonly value="')[1].split('"')[0]
        assert store.agent_by_key(key) is not None and store.agent_by_key(key).name == "bookkeeper"  # type: ignore[union-attr]
        listing = client.get("/console/agents").text
        assert "bookkeeper" in listing and key not in listing
        again = _post(client, "/console/agents", "/console/agents", {"name": "bookkeeper"})
        assert again.status_code == 400 and "exists already" in again.text
        bad = _post(client, "/console/agents", "/console/agents", {"name": "no spaces"})
        assert bad.status_code == 400 and "agent name &#39;no spaces&#39; is not valid" in bad.text


def test_rotating_and_removing_from_the_list(store: GatewayStore) -> None:
    _agent, old = store.add_agent("clerk")
    with signed_in(store) as client:
        rotated = _post(client, "/console/agents", "/console/agents/clerk/rotate-key", {})
        new = rotated.text.split('id="new-key" readonly value="')[1].split('"')[0]
        assert store.agent_by_key(old) is None and store.agent_by_key(new) is not None
        removed = _post(client, "/console/agents", "/console/agents/clerk/remove", {})
        assert removed.status_code == 303
        assert store.list_agents() == [] and store.agent_by_key(new) is None
        assert client.get("/console/agents/clerk").status_code == 404


def test_saving_the_matrix_grants_through_the_store_and_is_audited(store: GatewayStore) -> None:
    store.add_agent("bookkeeper")
    store.grant("bookkeeper", {"sales": "full"})
    with signed_in(store) as client:
        page = client.get("/console/agents/bookkeeper").text
        for label in ("Contacts", "Sales", "Purchases", "Bank", "Products &amp; Services", "Settings", "Journals",
                      "Raw requests"):  # fmt: skip
            assert f">{label}</th>" in page
        assert (
            'id="level-sales-full"\n                 checked' in page
            or 'value="full" id="level-sales-full"' in page
        )
        form = {"level-contacts": "read", "level-sales": "read", "other_businesses": "biz-1, biz-2",
                "max_amount": "500", "approve_writes": "on"}  # fmt: skip
        saved = _post(client, "/console/agents/bookkeeper", "/console/agents/bookkeeper", form)  # type: ignore[arg-type]
        assert saved.status_code == 303
        assert "Saved" in client.get(saved.headers["location"]).text
    agent = store.get_agent("bookkeeper")
    assert (
        agent.level("contacts") == "read" and agent.level("sales") == "read" and agent.level("bank") == "off"
    )
    assert agent.businesses == ("biz-1", "biz-2") and str(agent.max_amount) == "500" and agent.approve_writes
    sentence = store.list_audit(limit=1)[0].sentence
    assert sentence.startswith("admin set bookkeeper: Contacts Off → Read, Sales Full → Read")


def test_a_bad_amount_is_named_and_nothing_changes(store: GatewayStore) -> None:
    store.add_agent("bookkeeper")
    with signed_in(store) as client:
        answer = _post(client, "/console/agents/bookkeeper", "/console/agents/bookkeeper",
                       {"level-sales": "full", "max_amount": "lots"})  # fmt: skip
        assert answer.status_code == 400 and "max amount &#39;lots&#39; is not a number" in answer.text
        forged = _post(
            client, "/console/agents/bookkeeper", "/console/agents/bookkeeper", {"level-sales": "admin"}
        )
        assert (
            forged.status_code == 400
            and "Sales: &#39;admin&#39; is not one of Off, Read, Full" in forged.text
        )
    assert store.get_agent("bookkeeper").level("sales") == "off"


def _fill(store: GatewayStore, n: int) -> None:
    for i in range(n):
        store.append_audit(
            AuditEntry(
                agent="clerk" if i % 2 else "bookkeeper",
                tool="sage_list_contacts",
                decision="allowed" if i % 3 else "denied",
                sentence=f"call number {i}",
                business_id="biz-1" if i % 5 == 0 else None,
                request_id=f"req-{i}",
                arguments={"search": f"term {i}", "api_key": "hidden"},
            )
        )


def test_the_audit_pages_newest_first_by_keyset_with_filters(store: GatewayStore) -> None:
    _fill(store, 130)
    with signed_in(store) as client:
        first = client.get("/console/audit").text
        assert first.index("call number 129") < first.index("call number 128")
        assert first.count('<li class="row') == AUDIT_PAGE
        seen = []
        url = "/console/audit"
        while True:
            text = client.get(url).text
            seen += [int(x) for x in re.findall(r'data-id="(\d+)"', text)]
            if 'id="older"' not in text:
                break
            url = text.split('id="older" href="')[1].split('"')[0].replace("&amp;", "&")
        assert seen == list(range(130, 0, -1))
        clerk_denied = client.get("/console/audit", params={"agent": "clerk", "decision": "denied"}).text
        ids = [int(x) for x in re.findall(r'data-id="(\d+)"', clerk_denied)]
        assert ids and all(r.agent == "clerk" and r.decision == "denied" for r in store.list_audit(limit=200)
                           if r.id in ids)  # fmt: skip
        assert len(ids) == len(store.list_audit(agent="clerk", decision="denied", limit=200))
        business = client.get("/console/audit", params={"business": "biz-1"}).text
        assert business.count('<li class="row') == 26
        row = first.split('data-id="130"')[1].split("</li>")[0]
        assert "req-129" in row and "term 129" in row and "hidden" not in row  # arguments redacted
        future = client.get("/console/audit", params={"since": "2999-01-01T00:00"}).text
        assert "No audit rows match" in future
        bad = client.get("/console/audit", params={"since": "yesterday"})
        assert bad.status_code == 400 and "From &#39;yesterday&#39; is not a date and time" in bad.text


def test_the_csv_export_is_the_audit(store: GatewayStore) -> None:
    _fill(store, 1203)
    with signed_in(store) as client:
        answer = client.get("/console/audit.csv")
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
        assert "attachment" in answer.headers["content-disposition"]
        rows = list(csv.DictReader(io.StringIO(answer.text)))
        filtered = list(csv.DictReader(io.StringIO(client.get("/console/audit.csv?agent=clerk").text)))
    audit = [r.as_dict() for r in store.list_audit(limit=5000)]
    assert len(rows) == len(audit) == 1203
    for got, want in zip(rows, audit, strict=True):
        assert list(got) == list(CSV_COLUMNS)
        assert json.loads(got["arguments"]) == want["arguments"]
        for column in (
            "id",
            "time",
            "agent",
            "tool",
            "decision",
            "sentence",
            "request_id",
            "hash",
            "prev_hash",
        ):
            assert got[column] == str(want[column] if want[column] is not None else "")
    assert [r["id"] for r in filtered] == [str(r.id) for r in store.list_audit(agent="clerk", limit=5000)]


def test_verifying_the_chain_shows_its_state(store: GatewayStore) -> None:
    _fill(store, 5)
    with signed_in(store) as client:
        assert "Not checked since the console started" in client.get("/console/audit").text
        answer = _post(client, "/console/audit", "/console/audit/verify", {})
        assert answer.status_code == 303
        assert "Intact: 5 rows checked" in client.get("/console/audit").text
        with store.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE gateway_audit SET sentence = 'edited' WHERE id = 3")
        _post(client, "/console/audit", "/console/audit/verify", {})
        assert "Broken at row 3" in client.get("/console/audit").text


def test_the_overview_charts_calls_per_agent_and_decision(store: GatewayStore) -> None:
    _fill(store, 12)
    store.add_agent("idle")
    with signed_in(store) as client:
        page = client.get("/console").text
    assert "<svg" in page and 'role="img"' in page
    assert "bookkeeper: 2 denied" in page and "bookkeeper: 4 allowed" in page and "clerk: 2 denied" in page
    assert ">idle<" not in page  # adding an agent is not a call


async def _held(store: GatewayStore, emu: Emulator) -> str:
    from .mcp_helpers import invoice_arguments

    _agent, _key = store.add_agent("bookkeeper")
    agent = store.grant("bookkeeper", {"sales": "full", "contacts": "read", "settings": "read"},
                        approve_writes=True)  # fmt: skip
    gateway = Gateway(store, emulator_factory(emu))
    await gateway.start()
    try:
        contacts = await gateway.call(
            agent, "sage_list_contacts", {"contact_type_id": "CUSTOMER", "limit": 1}
        )
        customer = contacts.structured["items"][0]["id"]  # type: ignore[index]
        ledgers = await gateway.call(agent, "sage_list_ledger_accounts",
                                     {"attributes": "nominal_code", "limit": 200, "search": "4000"})  # fmt: skip
        ledger = next(i["id"] for i in ledgers.structured["items"] if str(i.get("nominal_code")) == "4000")  # type: ignore[index]
        held = await gateway.call(agent, "sage_create_sales_invoice", invoice_arguments(customer, ledger))
    finally:
        await gateway.aclose()
    assert held.structured is not None and held.structured["status"] == "held", held.text
    return str(held.structured["approval_id"])


@pytest.mark.anyio
async def test_approving_in_the_console_carries_the_call_out_once(store: GatewayStore) -> None:
    emu = Emulator()
    approval_id = await _held(store, emu)
    assert writes(emu, "/sales_invoices") == []
    with signed_in(store, emulator_factory(emu)) as client:
        page = html.unescape(client.get("/console/approvals").text)
        assert "bookkeeper asked to create a sales invoice" in page and '"method": "POST"' in page
        approved = _post(client, "/console/approvals", f"/console/approvals/{approval_id}/approve", {})
        assert approved.status_code == 200 and "Approved and carried out" in approved.text
        assert "bookkeeper created sales invoice" in approved.text
        again = _post(client, "/console/approvals", f"/console/approvals/{approval_id}/approve", {"x": "1"})
        assert again.status_code in (403, 409)  # no form for it any more; forged or replayed, never run twice
        assert "No pending approvals" in client.get("/console/approvals").text
    assert len(writes(emu, "/sales_invoices")) == 1
    assert store.get_approval(approval_id).status == "approved"


@pytest.mark.anyio
async def test_denying_with_a_reason_never_runs_the_call(store: GatewayStore) -> None:
    emu = Emulator()
    approval_id = await _held(store, emu)
    with signed_in(store, emulator_factory(emu)) as client:
        denied = _post(
            client,
            "/console/approvals",
            f"/console/approvals/{approval_id}/deny",
            {"reason": "wrong customer"},
        )
        assert denied.status_code == 303
    assert writes(emu, "/sales_invoices") == []
    approval = store.get_approval(approval_id)
    assert approval.status == "denied" and approval.reason == "wrong customer"
    assert store.list_audit(limit=1)[0].decision == "rejected"


def test_without_a_sage_connection_approving_says_why(store: GatewayStore) -> None:
    store.add_agent("bookkeeper")
    with signed_in(store) as client:
        answer = _post(client, "/console/approvals", "/console/approvals/abc/approve", {})
        assert answer.status_code == 409 and "no Sage connection" in answer.text
