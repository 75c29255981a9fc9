"""The console in headless Chromium over a real socket, next to the MCP server (as ``mcp serve --http``
serves it): sign in, add an agent, set its matrix by clicking, the agent's MCP client sees exactly those
tools, a held write is approved in the page and runs once, the audit tells every step, the CSV matches, and
no page had a CSP violation or an uncaught script error.  Screenshots go to a temporary folder, or to the
folder in ``SAGE_CONSOLE_SCREENSHOTS`` (``SAGE_CONSOLE_SCREENSHOTS=docs`` refreshes docs/console-*.png)."""

from __future__ import annotations

import csv
import io
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest

from chromium_devtools import CHROMIUM
from sage_accounting.actions import registry
from sage_accounting.emulator import Emulator
from sage_accounting.gateway.executor import Gateway
from sage_accounting.gateway.store import GatewayStore

from .console_browser import Browser
from .console_helpers import admin_token, served_with_console
from .mcp_helpers import ROOT, emulator_factory, http_session, invoice_arguments, writes

pytestmark = pytest.mark.skipif(not shutil.which(CHROMIUM), reason="needs Chromium (.ci/run installs it)")


@pytest.fixture
def browser() -> Iterator[Browser]:
    opened = Browser()
    try:
        yield opened
    finally:
        opened.close()


async def _mcp_steps(url: str, key: str, ledger_id: str) -> tuple[set[str], str]:
    """As the agent: its tools, then an invoice that approve-writes holds (the approval's id)."""
    async with http_session(url, key) as session:
        tools = {t.name for t in (await session.list_tools()).tools}
        contacts = await session.call_tool("sage_list_contacts", {"contact_type_id": "CUSTOMER", "limit": 1})
        customer = contacts.structured_content["items"][0]["id"]
        held = await session.call_tool("sage_create_sales_invoice", invoice_arguments(customer, ledger_id))
        assert not held.is_error and held.structured_content["status"] == "held", held.content
        return tools, str(held.structured_content["approval_id"])


async def _invoices_and_ledger(emu: Emulator) -> tuple[int, str]:
    client = emulator_factory(emu)(None)
    try:
        invoices = (await client.request("GET", "/sales_invoices", params={"items_per_page": 200})).json()
        ledgers = await client.request("GET", "/ledger_accounts",
                                       params={"search": "4000", "attributes": "nominal_code"})  # fmt: skip
        ledger = next(i["id"] for i in ledgers.json()["$items"] if str(i.get("nominal_code")) == "4000")
        return int(invoices["$total"]), str(ledger)
    finally:
        await client.close()


def test_an_admin_sets_access_and_approves_a_write_in_the_browser(tmp_path: Path, browser: Browser) -> None:
    shots = (
        ROOT / os.environ["SAGE_CONSOLE_SCREENSHOTS"]
        if os.environ.get("SAGE_CONSOLE_SCREENSHOTS")
        else tmp_path
    )
    emu = Emulator()
    with GatewayStore.open(f"sqlite:///{tmp_path / 'gateway.db'}") as store:
        gateway = Gateway(store, emulator_factory(emu))
        invoices_before, ledger = anyio.run(_invoices_and_ledger, emu)
        with served_with_console(gateway) as base:
            # Sign in.
            browser.go(f"{base}/console")
            browser.wait("location.pathname === '/console/sign-in' && document.getElementById('token')")
            browser.type("#token", admin_token(store))
            browser.click("#sign-in")
            browser.wait(
                "location.pathname === '/console' && document.querySelector('h1').textContent === 'Overview'"
            )

            # Add an agent; its key is shown once and copyable.
            browser.click_link("Agents")
            browser.wait("location.pathname === '/console/agents' && document.getElementById('name')")
            browser.type("#name", "bookkeeper")
            browser.click("#add-agent")
            key = browser.wait(
                "document.getElementById('new-key') && document.getElementById('new-key').value"
            )
            assert key.startswith("sga_") and store.agent_by_key(key) is not None
            browser.click("#copy-key")
            assert browser.wait("document.getElementById('copy-state').textContent")

            # Contacts Read and Sales Full by clicking, and every write waits for approval.
            browser.click("#set-access")
            browser.wait("document.getElementById('matrix')")
            for radio in ("#level-contacts-read", "#level-sales-full", "#approve_writes"):
                browser.click(radio)
            assert browser.js("document.getElementById('level-sales-full').checked")
            browser.click("#save")
            browser.wait("document.querySelector('.note') && location.search === '?done=saved'")
            browser.screenshot(shots / "console-matrix.png")
            agent = store.get_agent("bookkeeper")
            assert {a: lv for a, lv in agent.levels.items() if lv != "off"} == {
                "contacts": "read",
                "sales": "full",
            }
            assert agent.approve_writes

            # The agent's MCP client sees exactly those tools; its invoice is held.
            tools, approval_id = anyio.run(_mcp_steps, f"{base}/mcp", key, ledger)
            granted = {"contacts": "read", "sales": "full"}
            assert tools == {
                n for n in registry.tool_names() if registry.by_tool_name(n).access.allows(granted)
            }
            assert {"sage_list_contacts", "sage_get_contact", "sage_create_sales_invoice"} <= tools
            assert (
                not {"sage_create_contact", "sage_list_purchase_invoices", "sage_list_bank_accounts"} & tools
            )
            assert writes(emu, "/sales_invoices") == []

            # Approve it in the page: it runs once.
            browser.click_link("Approvals")
            browser.wait(f"document.getElementById('approve-{approval_id}')")
            browser.js("document.querySelector('.approval details').open = true")
            browser.screenshot(shots / "console-approval.png")
            browser.click(f"#approve-{approval_id}")
            outcome = browser.wait(
                "document.getElementById('outcome') && document.getElementById('outcome').textContent"
            )
            assert "bookkeeper created sales invoice" in outcome
            assert len(writes(emu, "/sales_invoices")) == 1
            assert anyio.run(_invoices_and_ledger, emu)[0] == invoices_before + 1

            # The audit tells every step in sentences, and its chain checks out.
            browser.click_link("Audit")
            browser.click("#verify")
            assert "Intact" in browser.wait(
                "location.search === '?done=verified' && document.getElementById('chain-state').textContent"
            )
            shown = browser.js(
                "[...document.querySelectorAll('#audit-rows .sentence')].map(e => e.textContent)"
            )
            audit = store.list_audit(limit=1000)
            assert shown == [r.sentence for r in audit]
            steps = ["admin added agent bookkeeper",
                     "admin set bookkeeper: Contacts Off → Read, Sales Off → Full, approve writes off → on",
                     "bookkeeper listed 1 contact", "bookkeeper asked to create a sales invoice",
                     "bookkeeper created sales invoice"]  # fmt: skip
            for step in steps:
                assert any(s.startswith(step) for s in shown), (step, shown)
            browser.click("#audit-rows li:first-child summary")
            assert browser.js("document.querySelector('#audit-rows li:first-child details').open")
            browser.screenshot(shots / "console-audit.png")

            # The CSV export, downloaded with the browser's session, is the audit.
            assert browser.js("document.getElementById('csv').getAttribute('href')") == "/console/audit.csv"
            text = browser.js("fetch('/console/audit.csv').then(r => r.text())", wait=True)
            rows = list(csv.DictReader(io.StringIO(text)))
            assert [(r["id"], r["sentence"], r["hash"]) for r in rows] == [
                (str(r.id), r.sentence, r.hash) for r in audit
            ]

            # Readable on a phone: nothing wider than the screen.
            browser.viewport(390, 844, mobile=True)
            browser.go(f"{base}/console/agents/bookkeeper")
            browser.wait("document.getElementById('matrix')")
            assert browser.js("document.documentElement.scrollWidth <= window.innerWidth + 1")

            assert browser.problems() == []
            # The check above sees violations: an inline style is refused and reported.
            browser.js("document.head.insertAdjacentHTML('beforeend', '<style>body { color: red }</style>')")
            browser.wait("true")
            import time

            time.sleep(0.5)
            browser.js("1")
            assert any("Content Security Policy" in p for p in browser.problems())
