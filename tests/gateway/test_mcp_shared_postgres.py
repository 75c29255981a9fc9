"""Two gateway processes (``sage-accounting --emulator mcp serve --http``) sharing one PostgreSQL database:
five agents making twenty concurrent calls each, spread over both, leave exactly one audit row per call in
one valid hash chain."""

from __future__ import annotations

import contextlib
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import anyio
import httpx
import pytest

from sage_accounting.gateway.store import GatewayStore

from .mcp_helpers import add_agent, cli_env, free_port, http_session, serve_command

pytestmark = pytest.mark.anyio

AGENTS = 5
CALLS = 20


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def _wait_until_up(process: subprocess.Popen[bytes], url: str) -> None:
    deadline = time.monotonic() + 90
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"gateway exited: {process.stderr.read().decode() if process.stderr else ''}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=1).status_code == 401:
                return
        if time.monotonic() > deadline:
            raise RuntimeError("gateway did not start")
        time.sleep(0.1)


@contextlib.contextmanager
def gateway_processes(db_url: str, home: Path, count: int) -> Iterator[list[str]]:
    """``count`` gateway processes on one database, started side by side; yields their URLs."""
    processes: list[tuple[subprocess.Popen[bytes], str]] = []
    try:
        for n in range(count):
            port = free_port()
            process = subprocess.Popen(
                serve_command("--http", "--port", str(port), "--db", db_url),
                env=cli_env(db_url, None, home / str(n)),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            processes.append((process, f"http://127.0.0.1:{port}/mcp"))
        for process, url in processes:
            _wait_until_up(process, url)
        yield [url for _process, url in processes]
    finally:
        for process, _url in processes:
            process.terminate()
        for process, _url in processes:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:  # pragma: no cover
                process.kill()
                process.wait()


async def test_two_processes_keep_one_chain_of_every_call(pg_url: str, tmp_path: Path) -> None:
    store = GatewayStore.open(pg_url)
    try:
        keys = [add_agent(store, f"agent{n}", {"contacts": "read", "sales": "read"}) for n in range(AGENTS)]
        with gateway_processes(pg_url, tmp_path, 2) as (first, second):
            failures: list[str] = []

            async def agent(n: int) -> None:
                url = first if n % 2 == 0 else second
                async with http_session(url, keys[n]) as session:

                    async def one(i: int) -> None:
                        tool = "sage_list_contacts" if i % 2 else "sage_list_sales_invoices"
                        other = second if url == first else first
                        result = await session.call_tool(tool, {"limit": 1 + i % 5})
                        if result.is_error:
                            failures.append(f"agent{n} call {i} via {url} and not {other}: {result.content}")

                    async with anyio.create_task_group() as calls:
                        for i in range(CALLS):
                            calls.start_soon(one, i)

            async with anyio.create_task_group() as group:
                for n in range(AGENTS):
                    group.start_soon(agent, n)
        assert failures == []
        rows = [row for row in store.list_audit(limit=1000) if row.tool.startswith("sage_")]
        assert len(rows) == AGENTS * CALLS
        assert {row.agent for row in rows} == {f"agent{n}" for n in range(AGENTS)}
        assert all(row.decision == "allowed" for row in rows)
        per_agent = {f"agent{n}": 0 for n in range(AGENTS)}
        for row in rows:
            per_agent[row.agent] += 1
        assert set(per_agent.values()) == {CALLS}
        verdict = store.verify_audit()
        assert verdict.ok, verdict
    finally:
        store.close()
