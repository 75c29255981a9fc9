"""Gateway benchmarks: the cost a tool call adds (MCP over streamable HTTP, policy, audit on SQLite) over
calling the same action directly, and audit rows written per second.

Run: ``.venv/bin/python bench/gateway.py``.  Both paths reach the same in-process emulator; the MCP path is
the SDK's ClientSession to a gateway served on a loopback socket.  Calls are interleaved in rounds so a slow
spell on a shared machine hits both alike.  The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import anyio

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "gateway"))

from mcp_helpers import add_agent, emulator_factory, http_session, served  # noqa: E402

from sage_accounting.actions import registry  # noqa: E402
from sage_accounting.emulator import DEMO, Emulator  # noqa: E402
from sage_accounting.gateway._types import AuditEntry  # noqa: E402
from sage_accounting.gateway.executor import Gateway  # noqa: E402
from sage_accounting.gateway.store import GatewayStore  # noqa: E402

TOOL = "sage_list_tax_rates"
ARGS = {"limit": 5}
TARGET_MS = 5.0


async def _tool_call_cost(store: GatewayStore, emu: Emulator, rounds: int, per_round: int) -> dict[str, Any]:
    key = add_agent(store, "bench", {"sales": "read"})
    action = next(a for a in registry.values() if a.tool_name == TOOL)
    direct_client = emulator_factory(emu)(DEMO.business_id)
    inputs = action.validate_args({"items_per_page": 5})
    direct: list[float] = []
    via_mcp: list[float] = []
    with served(Gateway(store, emulator_factory(emu))) as url:
        async with http_session(url, key) as session:
            for _ in range(20):  # warm up both paths
                await action.arun(direct_client, inputs)
                await session.call_tool(TOOL, ARGS)
            for _ in range(rounds):
                for _ in range(per_round):
                    start = time.perf_counter()
                    await action.arun(direct_client, inputs)
                    direct.append(time.perf_counter() - start)
                for _ in range(per_round):
                    start = time.perf_counter()
                    result = await session.call_tool(TOOL, ARGS)
                    via_mcp.append(time.perf_counter() - start)
                    assert not result.is_error, result.content
    await direct_client.close()
    direct_ms = statistics.median(direct) * 1000
    mcp_ms = statistics.median(via_mcp) * 1000
    return {
        "calls_each": len(direct),
        "direct_median_ms": round(direct_ms, 3),
        "mcp_http_median_ms": round(mcp_ms, 3),
        "added_median_ms": round(mcp_ms - direct_ms, 3),
        "mcp_http_p90_ms": round(statistics.quantiles(via_mcp, n=10)[-1] * 1000, 3),
        "target_added_ms": TARGET_MS,
    }


def _audit_rate(store: GatewayStore, rows: int) -> dict[str, Any]:
    entry = AuditEntry(
        agent="bench", tool=TOOL, decision="allowed", sentence="bench listed 5 tax rates — allowed (Sales: Read)",
        area="sales", business_id=DEMO.business_id, business_name="Demo Trading Ltd", reason=None,
        arguments=ARGS, sage_status=200, duration_ms=1.0,
    )  # fmt: skip
    start = time.perf_counter()
    for _ in range(rows):
        store.append_audit(entry)
    elapsed = time.perf_counter() - start
    return {"rows": rows, "rows_per_s": round(rows / elapsed, 1)}


def main() -> None:
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        store = GatewayStore.open(f"sqlite:///{Path(tmp) / 'gateway.db'}")
        try:
            emu = Emulator()
            results["tool_call"] = anyio.run(_tool_call_cost, store, emu, 10, 30)
            print("tool call:", results["tool_call"], flush=True)
            results["audit_sqlite"] = _audit_rate(store, 2000)
            print("audit (SQLite):", results["audit_sqlite"], flush=True)
            results["verify_ok"] = store.verify_audit().ok
        finally:
            store.close()
    print(json.dumps(results))


if __name__ == "__main__":
    main()
