"""Which business a call acts in (``business_id``, the agent's own list, the lead business) and the raw
request tool, only for an agent granted ``raw`` — over streamable HTTP with the SDK's client."""

from __future__ import annotations

import pytest

from sage_accounting.emulator import DEMO, Emulator
from sage_accounting.gateway._types import AuditRow
from sage_accounting.gateway.store import GatewayStore

from .mcp_helpers import (  # noqa: F401  (the MCP fixtures)
    add_agent,
    anyio_backend_fixture,
    emulator_fixture,
    http_session,
    served_url_fixture,
    sqlite_store_fixture,
    text,
)

pytestmark = pytest.mark.anyio

IRISH = "0f9e8d7c6b5a49382716a5b4c3d2e1f0"  # the demo seed's second business


def _rows(store: GatewayStore, agent: str) -> list[AuditRow]:
    return [row for row in reversed(store.list_audit(agent=agent, limit=100)) if row.tool.startswith("sage_")]


async def test_business_id_picks_the_business_and_the_lead_one_is_the_default(
    store: GatewayStore, emu: Emulator, url: str
) -> None:
    key = add_agent(store, "reader", {"contacts": "read"})
    async with http_session(url, key) as session:
        lead = await session.call_tool("sage_list_contacts", {"limit": 1})
        irish = await session.call_tool("sage_list_contacts", {"limit": 1, "business_id": IRISH})
    assert not lead.is_error and not irish.is_error
    logged = [e.business_id for e in emu.request_log.entries() if e.path.endswith("/contacts")]
    assert logged == [DEMO.business_id, IRISH]
    rows = _rows(store, "reader")
    assert [(r.business_id, r.business_name) for r in rows] == [
        (DEMO.business_id, "Demo Trading Ltd"),
        (IRISH, "Demo Trading Ireland Ltd"),
    ]
    assert "in Demo Trading Ireland Ltd" in rows[1].sentence


async def test_an_agent_limited_to_a_business_works_there_by_default_and_nowhere_else(
    store: GatewayStore, emu: Emulator, url: str
) -> None:
    key = add_agent(store, "irish", {"contacts": "read"}, businesses=[IRISH])
    async with http_session(url, key) as session:
        default = await session.call_tool("sage_list_contacts", {"limit": 1})
        elsewhere = await session.call_tool(
            "sage_list_contacts", {"limit": 1, "business_id": DEMO.business_id}
        )
    assert not default.is_error
    assert elsewhere.is_error and DEMO.business_id in text(elsewhere)
    assert [e.business_id for e in emu.request_log.entries() if e.path.endswith("/contacts")] == [IRISH]
    assert [r.decision for r in _rows(store, "irish")] == ["allowed", "denied"]


async def test_the_raw_request_tool_is_only_for_an_agent_granted_raw(
    store: GatewayStore, emu: Emulator, url: str
) -> None:
    raw = add_agent(store, "raw", {"raw": "full"})
    full = add_agent(store, "full", {area: "full" for area in ("contacts", "sales", "purchases", "bank")})
    async with http_session(url, full) as session:
        refused = await session.call_tool("sage_raw_request", {"method": "GET", "url": "/contacts"})
    async with http_session(url, raw) as session:
        answered = await session.call_tool("sage_raw_request", {"method": "GET", "url": "/contacts"})
    assert refused.is_error and text(refused) == "sage_raw_request needs Raw requests: Full"
    assert not answered.is_error, text(answered)
    assert answered.structured_content is not None and answered.structured_content["status"] == "done"
    assert "$items" in answered.structured_content["record"]
