"""Concurrent prefetch of list pages: order kept, records intact, pages requested early and only as far
as ``limit`` reaches, worker threads gone when the caller stops early."""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs

import anyio
import httpx
import pytest

from sage_accounting import (
    AsyncSageAccounting,
    Connection,
    InternalServerError,
    SageAccounting,
    UnprocessableEntityError,
)
from sage_accounting.emulator import DEMO, Emulator


def _seed_contacts(emu: Emulator, n: int) -> None:
    bodies = [
        {
            "contact": {
                "name": f"Customer {i:03d}",
                "contact_type_ids": ["CUSTOMER"],
                "credit_limit": f"{i}.25",
            }
        }
        for i in range(n)
    ]
    emu.seed({"data": {DEMO.business_id: {"contacts": bodies}}})


def _pages_requested(emu: Emulator) -> list[int]:
    pages = []
    for entry in emu.request_log.entries():
        if entry.method == "GET" and entry.path == "/v3.1/contacts":
            pages.append(int(parse_qs(entry.query).get("page", ["1"])[0]))
    return sorted(pages)


def _prefetch_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("sage-prefetch")]


def test_prefetched_records_equal_sequential_ones_field_for_field(
    emu: Emulator, client: SageAccounting
) -> None:
    _seed_contacts(emu, 95)
    sequential = list(client.contacts.list(items_per_page=10, attributes="all"))
    kept = list(client.contacts.list(items_per_page=10, attributes="all", prefetch=4))
    assert len(kept) == 95
    # Records the caller keeps are complete, unknown fields included, although the raw page data they
    # came from is released as the iteration goes.
    assert [c.model_dump() for c in kept] == [c.model_dump() for c in sequential]
    assert all(c.model_extra for c in kept)
    assert sorted(str(c.credit_limit) for c in kept) == sorted(f"{i}.25" for i in range(95))


def test_prefetch_requests_the_following_pages_while_the_first_is_read(
    emu: Emulator, client: SageAccounting
) -> None:
    _seed_contacts(emu, 50)
    emu.request_log.clear()
    records = iter(client.contacts.list(items_per_page=10, prefetch=8))
    first = next(records)
    deadline = time.monotonic() + 10
    while _pages_requested(emu) != [1, 2, 3, 4, 5] and time.monotonic() < deadline:
        time.sleep(0.01)
    # Only one record has been read, and every following page is already fetched.
    assert _pages_requested(emu) == [1, 2, 3, 4, 5]
    rest = list(records)
    assert [first.id, *(c.id for c in rest)] == [c.id for c in client.contacts.list(items_per_page=10)]


def test_prefetch_with_limit_fetches_only_the_pages_the_limit_reaches(
    emu: Emulator, client: SageAccounting
) -> None:
    _seed_contacts(emu, 100)
    emu.request_log.clear()
    got = [c.id for c in client.contacts.list(items_per_page=10, limit=25, prefetch=20)]
    assert got == [c.id for c in client.contacts.list(items_per_page=10, limit=25)]
    emu.request_log.clear()
    list(client.contacts.list(items_per_page=10, limit=25, prefetch=20))
    assert _pages_requested(emu) == [1, 2, 3]
    emu.request_log.clear()
    assert len(list(client.contacts.list(items_per_page=10, limit=7, prefetch=20))) == 7
    assert _pages_requested(emu) == [1]


def test_stopping_early_ends_the_prefetch_threads(emu: Emulator, client: SageAccounting) -> None:
    _seed_contacts(emu, 60)
    records = iter(client.contacts.list(items_per_page=5, prefetch=6))
    taken = [next(records) for _ in range(12)]
    assert len({c.id for c in taken}) == 12
    assert _prefetch_threads()
    records.close()  # type: ignore[attr-defined]
    assert _prefetch_threads() == []


@pytest.mark.anyio
async def test_async_prefetch_keeps_order_limit_and_early_requests(
    emu: Emulator, aclient: AsyncSageAccounting
) -> None:
    _seed_contacts(emu, 45)
    sequential = [c.id async for c in aclient.contacts.list(items_per_page=10)]
    kept = [c async for c in aclient.contacts.list(items_per_page=10, attributes="all", prefetch=3)]
    assert [c.id for c in kept] == sequential and all(c.model_extra for c in kept)
    emu.request_log.clear()
    limited = [c.id async for c in aclient.contacts.list(items_per_page=10, limit=15, prefetch=10)]
    assert limited == sequential[:15]
    assert _pages_requested(emu) == [1, 2]
    emu.request_log.clear()
    page = await aclient.contacts.list(items_per_page=10, prefetch=10)
    records = page.__aiter__()
    await records.__anext__()
    for _ in range(200):  # let the scheduled page requests run while only one record was read
        if _pages_requested(emu) == [1, 2, 3, 4, 5]:
            break
        await anyio.sleep(0.01)
    assert _pages_requested(emu) == [1, 2, 3, 4, 5]
    assert len([c async for c in records]) == 44


def test_read_pages_are_freed_without_waiting_for_the_garbage_collector(
    emu: Emulator, client: SageAccounting
) -> None:
    _seed_contacts(emu, 120)
    gc.collect()
    gc.disable()
    try:
        for prefetch in (0, 4):
            seen = 0
            for _ in client.contacts.list(items_per_page=5, attributes="all", prefetch=prefetch):
                seen += 1
                if seen % 25 == 0:
                    # Each page's response (and its body) goes as soon as the page is parsed: httpx's
                    # response/stream reference cycle is broken, so nothing piles up between collections.
                    alive = [o for o in gc.get_objects() if isinstance(o, httpx.Response)]
                    assert len(alive) <= prefetch + 2, (prefetch, seen, len(alive))
            assert seen == 120
    finally:
        gc.enable()


class _WithoutTotal(httpx.BaseTransport):
    """The emulator, answering lists without ``$total`` (the client cannot plan pages ahead)."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self._inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._inner.handle_request(request)
        response.read()
        data = json.loads(response.content) if response.content else None
        if not isinstance(data, dict) or "$items" not in data:
            return response
        data.pop("$total", None)
        headers = [(k, v) for k, v in response.headers.items() if k.lower() != "content-length"]
        return httpx.Response(response.status_code, headers=headers, json=data)


def test_prefetch_without_total_walks_next_links(emu: Emulator, conn: Connection) -> None:
    _seed_contacts(emu, 23)
    with SageAccounting(conn, business_id=DEMO.business_id, transport=_WithoutTotal(emu.transport())) as sage:
        page = sage.contacts.list(items_per_page=5, prefetch=4)
        assert page.total is None and page.next
        assert len({c.id for c in page}) == 23


def test_a_list_that_shrinks_during_prefetch_repeats_nothing(emu: Emulator, client: SageAccounting) -> None:
    _seed_contacts(emu, 50)
    page = client.contacts.list(items_per_page=10, prefetch=8)  # plans pages 2-5 from $total = 50
    for contact in client.contacts.list(items_per_page=10, page=2, limit=25):
        client.contacts.delete(contact.id)
    ids = [c.id for c in page]
    # Pages 4 and 5 now lie past the end, where Sage answers with its last page again: not repeated.
    assert len(ids) == len(set(ids))
    assert set(ids[10:]) <= {c.id for c in client.contacts.list(items_per_page=200)}


def test_a_list_that_grows_during_prefetch_is_followed_to_its_end(
    emu: Emulator, client: SageAccounting
) -> None:
    _seed_contacts(emu, 30)
    page = client.contacts.list(items_per_page=10, prefetch=8)  # plans pages 2-3 from $total = 30
    for i in range(12):
        client.contacts.create(name=f"Late {i}", contact_type_ids=["CUSTOMER"])
    ids = [c.id for c in page]
    assert len(ids) == len(set(ids)) == 42


@pytest.mark.anyio
async def test_async_list_that_shrinks_during_prefetch_repeats_nothing(
    emu: Emulator, aclient: AsyncSageAccounting
) -> None:
    _seed_contacts(emu, 50)
    page = await aclient.contacts.list(items_per_page=10, prefetch=8)
    async for contact in aclient.contacts.list(items_per_page=10, page=2, limit=25):
        await aclient.contacts.delete(contact.id)
    ids = [c.id async for c in page]
    assert len(ids) == len(set(ids))


def test_async_iterator_left_open_at_loop_shutdown_logs_no_error(
    emu: Emulator, conn: Connection, caplog: pytest.LogCaptureFixture
) -> None:
    _seed_contacts(emu, 40)

    kept: list[object] = []  # alive until the loop has shut down

    async def main() -> None:
        sage = AsyncSageAccounting(conn, business_id=DEMO.business_id)
        kept.append(sage)
        for prefetch in (4, 0):
            records = sage.contacts.list(items_per_page=5, prefetch=prefetch).__aiter__()
            await records.__anext__()  # and never read again, never closed
            kept.append(records)
        page = await sage.contacts.list(items_per_page=5, prefetch=6)
        records = page.__aiter__()
        await records.__anext__()
        kept.append(records)

    with caplog.at_level(logging.DEBUG, logger="asyncio"):
        asyncio.run(main())
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


class _EndlessNext(_WithoutTotal):
    """The emulator, answering lists without ``$total`` and with a ``$next`` that always points back."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        data = json.loads(response.content)
        if isinstance(data, dict) and "$items" in data:
            data["$next"] = "/contacts?page=2&items_per_page=5"
            return httpx.Response(response.status_code, headers={"x-business": DEMO.business_id}, json=data)
        return response


@pytest.mark.parametrize("prefetch", [0, 4])
def test_a_next_link_that_loops_ends_the_walk(emu: Emulator, conn: Connection, prefetch: int) -> None:
    _seed_contacts(emu, 23)
    with SageAccounting(conn, business_id=DEMO.business_id, transport=_EndlessNext(emu.transport())) as sage:
        ids = [c.id for c in sage.contacts.list(items_per_page=5, prefetch=prefetch)]
    assert len(ids) == 10  # the first page, then page 2 once


def test_iter_pages_with_prefetch_fetches_pages_ahead_in_order(emu: Emulator, client: SageAccounting) -> None:
    _seed_contacts(emu, 47)
    expected = [[c.id for c in p.items] for p in client.contacts.list(items_per_page=10).iter_pages()]
    emu.request_log.clear()
    pages = client.contacts.list(items_per_page=10, attributes="all", prefetch=4).iter_pages()
    first = next(pages)
    assert first.page == 1
    deadline = time.monotonic() + 10
    while _pages_requested(emu) != [1, 2, 3, 4, 5] and time.monotonic() < deadline:
        time.sleep(0.01)
    assert _pages_requested(emu) == [1, 2, 3, 4, 5]  # pages 2-5 on their way while page 1 is in hand
    rest = list(pages)
    assert [p.page for p in rest] == [2, 3, 4, 5]
    assert [[c.id for c in p.items] for p in [first, *rest]] == expected
    assert all(c.model_extra for p in rest for c in p.items)
    assert _prefetch_threads() == []


@pytest.mark.anyio
async def test_async_iter_pages_with_prefetch(emu: Emulator, aclient: AsyncSageAccounting) -> None:
    _seed_contacts(emu, 33)
    expected = [c.id async for c in aclient.contacts.list(items_per_page=10)]
    emu.request_log.clear()
    page = await aclient.contacts.list(items_per_page=10, prefetch=3)
    numbers, ids = [], []
    async for each in page.iter_pages():
        if each.page == 1:
            for _ in range(500):  # let the page tasks run while page 1 is in hand
                if _pages_requested(emu) == [1, 2, 3, 4]:
                    break
                await anyio.sleep(0.01)
            assert _pages_requested(emu) == [1, 2, 3, 4]
        numbers.append(each.page)
        ids.extend(c.id for c in each.items)
    assert numbers == [1, 2, 3, 4] and ids == expected


class _Gate(httpx.BaseTransport):
    """The emulator, except that contacts page 3 is refused at once and later pages wait for a gate."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.gate = threading.Event()
        self.finished_after_gate = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "1"))
        if request.url.path != "/v3.1/contacts" or page < 3:
            return self.inner.handle_request(request)
        if page == 3:
            error = [{"$severity": "error", "$dataCode": "RecordInvalid", "$message": "no", "$source": ""}]
            return httpx.Response(422, json=error)
        self.gate.wait(30)
        self.finished_after_gate += 1
        return self.inner.handle_request(request)


def test_an_error_mid_prefetch_reaches_the_caller_without_waiting_for_pages_in_flight(
    emu: Emulator, conn: Connection
) -> None:
    _seed_contacts(emu, 60)
    gated = _Gate(emu.transport())
    with SageAccounting(conn, business_id=DEMO.business_id, transport=gated) as sage:
        read = []
        with pytest.raises(UnprocessableEntityError):
            for contact in sage.contacts.list(items_per_page=10, prefetch=5):
                read.append(contact.id)
        # Pages 4-6 are still held at the gate: the error did not wait for them.
        assert gated.finished_after_gate == 0 and len(read) == 20
        gated.gate.set()


CTRL_C_CHILD = """
import sys, threading, httpx
sys.path.insert(0, sys.argv[1])
from emulator_helpers import make_connection
from sage_accounting import SageAccounting
from sage_accounting.emulator import DEMO, Emulator

class Stuck(httpx.BaseTransport):
    def __init__(self, inner):
        self.inner = inner
    def handle_request(self, request):
        if request.url.params.get("page", "1") != "1":
            sys.stdout.write("waiting\\n")  # one write: the reading thread prints too
            sys.stdout.flush()
            threading.Event().wait()  # a page that never answers
        return self.inner.handle_request(request)

emu = Emulator(seed="minimal")
emu.seed({"data": {DEMO.business_id: {"contacts": [{"contact": {"name": f"C {i}", "contact_type_ids": ["CUSTOMER"]}} for i in range(30)]}}})
with SageAccounting(make_connection(emu), business_id=DEMO.business_id, transport=Stuck(emu.transport())) as sage:
    for n, _ in enumerate(sage.contacts.list(items_per_page=10, prefetch=4)):
        if n == 0:
            sys.stdout.write("reading\\n")
            sys.stdout.flush()
        for _ in range(2_000_000):  # the interrupt lands here, outside the walk, as it may
            pass
"""


def test_ctrl_c_during_a_prefetch_ends_the_program_at_once() -> None:
    here = str(Path(__file__).parents[1])  # tests/, where emulator_helpers is
    child = subprocess.Popen(
        [sys.executable, "-c", CTRL_C_CHILD, here], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None
        seen: set[str] = set()
        while seen != {"waiting", "reading"}:
            line = child.stdout.readline()
            assert line, "the child ended before reading"
            seen |= {word for word in ("waiting", "reading") if word in line}
        child.send_signal(signal.SIGINT)
        # Pages stuck in flight do not hold the interpreter's exit (an executor's threads would, forever).
        returncode = child.wait(timeout=60)
    finally:
        child.kill()
    assert returncode != 0
    assert child.stderr is not None and "KeyboardInterrupt" in child.stderr.read()


class _AsyncGate(httpx.AsyncBaseTransport):
    """The emulator, except that contacts pages after the first wait for ever; cancellations counted."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.waiting = 0
        self.cancelled = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v3.1/contacts" and request.url.params.get("page", "1") != "1":
            self.waiting += 1
            try:
                await anyio.sleep_forever()
            except BaseException:
                self.cancelled += 1
                raise
        return await self.inner.handle_async_request(request)


@pytest.mark.anyio
async def test_breaking_out_of_async_for_cancels_the_pages_in_flight(emu: Emulator, conn: Connection) -> None:
    _seed_contacts(emu, 60)
    gated = _AsyncGate(emu.async_transport())
    async with AsyncSageAccounting(conn, business_id=DEMO.business_id, transport=gated) as sage:
        async for _ in sage.contacts.list(items_per_page=10, prefetch=5):
            break
        gc.collect()
        for _ in range(100):
            if gated.cancelled == gated.waiting == 5:
                break
            await anyio.sleep(0.01)
        assert gated.waiting == 5 and gated.cancelled == 5


@pytest.mark.anyio
async def test_a_failed_first_page_ends_async_iteration(emu: Emulator, aclient: AsyncSageAccounting) -> None:
    _seed_contacts(emu, 5)
    emu.faults.add("GET", "/v3.1/contacts", status=500, count=None)
    records = aclient.contacts.list(items_per_page=2).__aiter__()
    with pytest.raises(InternalServerError):
        await records.__anext__()
    with pytest.raises(StopAsyncIteration):
        await records.__anext__()
