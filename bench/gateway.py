"""Gateway benchmarks: the cost a tool call adds (MCP over streamable HTTP, policy, audit on SQLite) over
calling the same action directly, and audit rows written per second.

Run: ``.venv/bin/python bench/gateway.py``.  The MCP path is the SDK's ClientSession to ``sage-accounting
--emulator mcp serve --http`` in a process of its own (audit on SQLite); the direct path runs the same action
on the async client against an in-process emulator with the same demo data.  Calls are interleaved in rounds
so a slow spell on a shared machine hits them alike; between the two, the same call through the gateway in
process (policy, arguments, audit; no MCP, no HTTP) and a bare HTTP round trip to the gateway's process (a
401, before any MCP work) show where the added cost goes; the machine's load average is printed beside the
figures.  The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import anyio
import httpx
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client

from sage_accounting import AsyncSageAccounting, Connection, MemoryTokenStore
from sage_accounting.actions import registry
from sage_accounting.emulator import DEMO, Emulator
from sage_accounting.gateway._types import AuditEntry
from sage_accounting.gateway.executor import ClientFactory, Gateway
from sage_accounting.gateway.store import GatewayStore

TOOL = "sage_list_tax_rates"
ARGS = {"limit": 5}
TARGET_MS = 5.0


def emulator_factory(emu: Emulator) -> ClientFactory:
    """Async clients for ``emu`` in process."""
    token = emu.grant_tokens(client_id=DEMO.client_id, user_id=DEMO.user_id)
    conn = Connection(DEMO.client_id, DEMO.client_secret, redirect_uri=DEMO.redirect_uri, host="http://sage.test",
                      token=token, transport=emu.transport(), async_transport=emu.async_transport(),
                      store=MemoryTokenStore())  # fmt: skip

    def factory(business_id: str | None) -> AsyncSageAccounting:
        return AsyncSageAccounting(conn, business_id=business_id, transport=emu.async_transport())

    return factory


@contextlib.contextmanager
def served(db_url: str, home: str) -> Iterator[str]:
    """``sage-accounting --emulator mcp serve --http`` in a process of its own, as deployed; yields its URL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAGE_")}
    env.update(XDG_CONFIG_HOME=f"{home}/config", XDG_DATA_HOME=f"{home}/data")
    command = [sys.executable, "-m", "sage_accounting.cli", "--emulator", "mcp", "serve", "--http",
               "--port", str(port), "--db", db_url]  # fmt: skip
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/mcp"
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError("the gateway did not start")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(url, timeout=1).status_code == 401:
                    break
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(15)


@contextlib.asynccontextmanager
async def http_session(url: str, key: str) -> AsyncIterator[ClientSession]:
    """An SDK client session as the agent of ``key``."""
    async with (
        httpx.AsyncClient(headers={"Authorization": f"Bearer {key}"}, timeout=60) as http,
        streamable_http_client(url, http_client=http) as (read, write),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        yield session


async def _tool_call_cost(store: GatewayStore, emu: Emulator, rounds: int, per_round: int) -> dict[str, Any]:
    _agent, key = store.add_agent("bench")
    store.grant("bench", {"sales": "read"})
    action = next(a for a in registry.values() if a.tool_name == TOOL)
    direct_client = emulator_factory(emu)(DEMO.business_id)
    inputs = action.validate_args({"items_per_page": 5})
    direct: list[float] = []
    in_process: list[float] = []
    via_mcp: list[float] = []
    floor: list[float] = []
    gateway = Gateway(store, emulator_factory(emu))
    await gateway.start()
    agent = store.get_agent("bench")
    with served(store.url, str(Path(store.url.removeprefix("sqlite:///")).parent)) as url:
        async with http_session(url, key) as session, httpx.AsyncClient(timeout=30) as plain:
            for _ in range(20):  # warm up every path
                await action.arun(direct_client, inputs)
                await gateway.call(agent, TOOL, ARGS)
                await session.call_tool(TOOL, ARGS)
            for _ in range(rounds):
                for _ in range(per_round):
                    start = time.perf_counter()
                    await action.arun(direct_client, inputs)
                    direct.append(time.perf_counter() - start)
                for _ in range(per_round):
                    start = time.perf_counter()
                    await gateway.call(agent, TOOL, ARGS)
                    in_process.append(time.perf_counter() - start)
                for _ in range(per_round):
                    start = time.perf_counter()
                    result = await session.call_tool(TOOL, ARGS)
                    via_mcp.append(time.perf_counter() - start)
                    assert not result.is_error, result.content
                for _ in range(per_round):
                    # The floor: one HTTP round trip to the same process, answered 401 before any MCP work.
                    start = time.perf_counter()
                    assert (await plain.get(url)).status_code == 401
                    floor.append(time.perf_counter() - start)
    await direct_client.close()
    await gateway.aclose()
    direct_ms = statistics.median(direct) * 1000
    mcp_ms = statistics.median(via_mcp) * 1000
    return {
        "calls_each": len(direct),
        "direct_median_ms": round(direct_ms, 3),
        "gateway_in_process_median_ms": round(statistics.median(in_process) * 1000, 3),
        "mcp_http_median_ms": round(mcp_ms, 3),
        "added_median_ms": round(mcp_ms - direct_ms, 3),
        "mcp_http_p90_ms": round(statistics.quantiles(via_mcp, n=10)[-1] * 1000, 3),
        "http_round_trip_floor_median_ms": round(statistics.median(floor) * 1000, 3),
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
            results["load_average_1min"] = round(os.getloadavg()[0], 2)
            results["cpus"] = os.cpu_count()
        finally:
            store.close()
    print(json.dumps(results))


if __name__ == "__main__":
    main()
