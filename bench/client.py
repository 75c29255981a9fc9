"""Client benchmarks: overhead vs plain httpx, sequential vs prefetched listing, memory while iterating.

Run: ``.venv/bin/python bench/client.py``.  The last line printed is one JSON object with the figures.

(a) the client's own cost per request against plain httpx, both answered by canned pages (a server with
negligible cost); (b) CPU per record of a typed listing against orjson decoding the same pages; (c) a
10,000-record listing at 50 ms latency: sequential, prefetched, and plain httpx + orjson doing the same
walk, with the fraction each reaches of the limit N / (2 x latency) (page 1 must arrive before the others
can be asked for); (d) peak memory while iterating 100,000 records.
"""

from __future__ import annotations

import json
import math
import time
import tracemalloc
from typing import Any

import httpx
import orjson

from sage_accounting import Connection, SageAccounting
from sage_accounting.emulator import DEMO, Emulator


def _conn(emu: Emulator, **kwargs: Any) -> Connection:
    token = emu.grant_tokens(client_id=DEMO.client_id, user_id=DEMO.user_id)
    kwargs.setdefault("host", "http://sage.test")
    return Connection(DEMO.client_id, DEMO.client_secret, token=token, **kwargs)


def _canned_pages(records: int, per_page: int = 200, attributes: str | None = "all") -> list[bytes]:
    """Pages of ``records`` contacts exactly as the emulator renders them (by default with every
    attribute; ``attributes=None``: Sage's default id, displayed_as and $path), as bytes."""
    emu = Emulator(seed="minimal")
    bodies = [
        {"contact": {"name": f"Customer {i:05d}", "contact_type_ids": ["CUSTOMER"]}} for i in range(records)
    ]
    with httpx.Client(transport=emu.transport(), base_url="http://sage.test/__emulator__") as ctl:
        ctl.post("/seed", json={"data": {DEMO.business_id: {"contacts": bodies}}}).raise_for_status()
    conn = _conn(emu, transport=emu.transport())
    with SageAccounting(conn, business_id=DEMO.business_id) as sage:
        return [
            sage.request(
                "GET", "/contacts", params={"items_per_page": per_page, "attributes": attributes, "page": n}
            ).content
            for n in range(1, math.ceil(records / per_page) + 1)
        ]


def _canned_transport(pages: list[bytes]) -> httpx.MockTransport:
    """A server whose cost is negligible: every GET is answered with a page prepared in advance."""

    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "1"))
        return httpx.Response(200, content=pages[min(page, len(pages)) - 1], headers=_JSON)

    return httpx.MockTransport(handler)


_JSON = {"content-type": "application/json", "x-business": DEMO.business_id}
_TOKEN = {"access_token": "a" * 40, "refresh_token": "r" * 40, "expires_in": 3600}


def _canned_client(pages: list[bytes]) -> SageAccounting:
    conn = Connection(DEMO.client_id, DEMO.client_secret, host="http://sage.test", token=_TOKEN)
    return SageAccounting(conn, business_id=DEMO.business_id, transport=_canned_transport(pages))


def overhead(n: int = 100, rounds: int = 15) -> dict[str, float]:
    """(a) Time per request through the client vs plain httpx, against canned answers (a server whose own
    cost is negligible, so the ratio shows the client's cost, not the server's): a page of 5 contacts as
    Sage lists them by default (id, displayed_as, $path), read field by field through the typed client."""
    pages = _canned_pages(5, per_page=5, attributes=None)
    headers = {"Authorization": f"Bearer {_TOKEN['access_token']}", "X-Business": DEMO.business_id}
    plain = httpx.Client(
        transport=_canned_transport(pages), base_url="http://sage.test/v3.1", headers=headers
    )
    sage = _canned_client(pages)

    calls = {
        "plain": lambda: orjson.loads(plain.get("/contacts", params={"items_per_page": 5}).content),
        "typed": lambda: [c.displayed_as for c in sage.contacts.list(items_per_page=5).items],
        "raw": lambda: sage.request("GET", "/contacts", params={"items_per_page": 5}).json(),
    }
    for _ in range(20):  # warm up all three
        for fn in calls.values():
            fn()
    # Interleaved rounds, so a slow spell on this shared machine hits all three alike; best round each.
    best = dict.fromkeys(calls, math.inf)
    for _ in range(rounds):
        for name, fn in calls.items():
            start = time.perf_counter()
            for _ in range(n):
                fn()
            best[name] = min(best[name], (time.perf_counter() - start) / n)
    t_plain, t_client, t_raw = best["plain"], best["typed"], best["raw"]
    return {
        "plain_httpx_ms": round(t_plain * 1000, 3),
        "client_typed_ms": round(t_client * 1000, 3),
        "client_raw_ms": round(t_raw * 1000, 3),
        "overhead_ratio": round(t_client / t_plain, 3),
        "overhead_ratio_raw": round(t_raw / t_plain, 3),
        "target_ratio": 1.3,
    }


def typed_cpu(records: int = 2_000, rounds: int = 9) -> dict[str, float]:
    """(b) CPU per record of a typed listing (200 contacts a page, canned) against orjson decoding the
    same pages; CPU time of this thread, best of interleaved rounds.  ``listing`` iterates the records
    (validated when first used); ``listing_read`` also reads a field of every record (all validated)."""
    pages = _canned_pages(records)
    sage = _canned_client(pages)

    def decode() -> int:
        return sum(len(orjson.loads(page)["$items"]) for page in pages)

    def listing() -> int:
        return sum(1 for _ in sage.contacts.list(items_per_page=200, attributes="all"))

    def listing_read() -> int:
        return sum(1 for c in sage.contacts.list(items_per_page=200, attributes="all") if c.name)

    def validate() -> int:  # what every record cost before: pydantic validation of each one
        from sage_accounting.types import Contact

        return sum(
            1 for page in pages for item in orjson.loads(page)["$items"] if Contact.model_validate(item)
        )

    runs = {"decode": decode, "listing": listing, "listing_read": listing_read, "validate": validate}
    best = dict.fromkeys(runs, math.inf)
    for _ in range(rounds):
        for name, fn in runs.items():
            start = time.thread_time()
            assert fn() == records
            best[name] = min(best[name], (time.thread_time() - start) / records)
    us = {name: value * 1e6 for name, value in best.items()}
    return {
        "records": records,
        "orjson_decode_us_per_record": round(us["decode"], 2),
        "typed_listing_us_per_record": round(us["listing"], 2),
        "typed_listing_ratio": round(us["listing"] / us["decode"], 2),
        "target_ratio": 2,
        "typed_listing_every_record_read_ratio": round(us["listing_read"] / us["decode"], 2),
        "decode_and_validate_each_ratio": round(us["validate"] / us["decode"], 2),
    }


SERVER = """
import sys
from sage_accounting.emulator import Emulator
emu = Emulator(seed="minimal")
with emu.serve() as url:
    print(url, flush=True)
    sys.stdin.read()
"""

# A server of negligible cost: pages prepared in advance (argv[1], a JSON list of page texts), each answered
# after argv[2] seconds of latency, whatever the path; the business id (argv[3]) echoed as Sage does.
CANNED_SERVER = """
import asyncio, socket, sys, threading
from urllib.parse import parse_qs
import orjson, uvicorn
pages = [p.encode() for p in orjson.loads(open(sys.argv[1], "rb").read())]
latency, business = float(sys.argv[2]), sys.argv[3].encode()
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    page = int(parse_qs(scope["query_string"].decode()).get("page", ["1"])[0])
    await asyncio.sleep(latency)
    headers = [(b"content-type", b"application/json"), (b"x-business", business)]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": pages[min(page, len(pages)) - 1]})
sock = socket.socket()
sock.bind(("127.0.0.1", 0))
server = uvicorn.Server(uvicorn.Config(app, lifespan="off", log_level="error", backlog=256))
threading.Thread(target=lambda: (sys.stdin.read(), setattr(server, "should_exit", True)), daemon=True).start()
print(f"http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
server.run(sockets=[sock])
"""


def prefetch(
    records: int = 10_000,
    latency: float = 0.05,
    window: int = 50,
    rounds: int = 5,
    server: str = "canned",
) -> dict[str, Any]:
    """(c) Listing ``records`` contacts, 200 per page, over a socket with injected latency.

    ``server="canned"``: pages rendered by the emulator beforehand, answered by a server of negligible cost
    (so the figures show the client); ``"emulator"``: the emulator itself renders every page (its own
    cost included).  The server runs in its own process, so its work does not share the client's GIL.
    Each round
    times the sequential walk, the prefetched walk and plain httpx fetching the same pages with the same
    number of threads, side by side; the figures are the medians over the rounds (this machine is shared
    and noisy), with every round's speed-up listed.
    """
    import statistics
    import subprocess
    import sys
    import tempfile
    from concurrent.futures import ThreadPoolExecutor

    argv = [sys.executable, "-c", SERVER]
    if server == "canned":
        pages_file = tempfile.NamedTemporaryFile(suffix=".json", delete=False)  # noqa: SIM115
        with pages_file:
            pages_file.write(orjson.dumps([p.decode() for p in _canned_pages(records)]))
        argv = [sys.executable, "-c", CANNED_SERVER, pages_file.name, str(latency), DEMO.business_id]
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdin is not None
    url = proc.stdout.readline().strip()
    pages_n = math.ceil(records / 200)
    t_seq: list[float] = []
    t_pre: list[float] = []
    t_raw: list[float] = []
    try:
        if server == "canned":
            token: dict[str, Any] = dict(_TOKEN)
        else:
            ctl = httpx.Client(base_url=f"{url}/__emulator__", timeout=120)
            bodies = [
                {"contact": {"name": f"Customer {i:05d}", "contact_type_ids": ["CUSTOMER"]}}
                for i in range(records)
            ]
            ctl.post("/seed", json={"data": {DEMO.business_id: {"contacts": bodies}}}).raise_for_status()
            token = ctl.post("/tokens", json={"client_id": DEMO.client_id}).json()
            fault = {"method": "GET", "path": "/v3.1/contacts", "latency": latency, "count": None}
            ctl.post("/faults", json=fault).raise_for_status()
        headers = {"Authorization": f"Bearer {token['access_token']}", "X-Business": DEMO.business_id}

        def plain_get(plain: httpx.Client, page: int) -> httpx.Response:
            return plain.get("/contacts", params={"items_per_page": 200, "attributes": "all", "page": page})

        for _ in range(rounds):
            # A new client per round: every round starts from cold connections, as a new job would.
            conn = Connection(DEMO.client_id, DEMO.client_secret, host=url, token=token)
            with SageAccounting(conn, business_id=DEMO.business_id) as sage:
                start = time.perf_counter()
                seq = sum(1 for _ in sage.contacts.list(items_per_page=200, attributes="all"))
                t_seq.append(time.perf_counter() - start)
            with SageAccounting(conn, business_id=DEMO.business_id) as sage:
                start = time.perf_counter()
                listing = sage.contacts.list(items_per_page=200, attributes="all", prefetch=window)
                pre = sum(1 for _ in listing)
                t_pre.append(time.perf_counter() - start)
            # Plain httpx + orjson doing the same walk: page 1 first (it gives $total, hence the page
            # count), then the other pages on the same number of threads, JSON only, no models.
            with (
                httpx.Client(
                    base_url=f"{url}/v3.1",
                    headers=headers,
                    limits=httpx.Limits(max_connections=window + 1),
                    timeout=60,
                ) as plain,
                ThreadPoolExecutor(window) as pool,
            ):
                start = time.perf_counter()
                first = orjson.loads(plain_get(plain, 1).content)
                count = math.ceil(first["$total"] / 200)
                rest = pool.map(lambda p: plain_get(plain, p), range(2, count + 1))
                raw = len(first["$items"]) + sum(len(orjson.loads(r.content)["$items"]) for r in rest)
                t_raw.append(time.perf_counter() - start)
            assert seq == pre == raw == records
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)
    concurrency = min(window, conn.limiter.max_concurrency, pages_n - 1)
    # A listing must read page 1 before it knows how many pages follow: at best two round trips.
    limit = records / (2 * latency)
    seq_s, pre_s, raw_s = (statistics.median(t) for t in (t_seq, t_pre, t_raw))
    return {
        "server": server,
        "records": records,
        "latency_s": latency,
        "rounds": rounds,
        "sequential_s": round(seq_s, 3),
        "prefetch_s": round(pre_s, 3),
        "speedup": round(seq_s / pre_s, 2),
        "speedup_each_round": [round(a / b, 2) for a, b in zip(t_seq, t_pre, strict=True)],
        "target_speedup": 5,
        "plain_httpx_orjson_s": round(raw_s, 3),
        "prefetch_vs_plain_throughput": round(raw_s / pre_s, 2),
        "target_vs_plain": 0.8,
        "prefetch_concurrency": concurrency,
        "limit_records_per_s": round(limit),
        "prefetch_records_per_s": round(records / pre_s),
        "prefetch_fraction_of_limit": round(records / pre_s / limit, 3),
        "plain_fraction_of_limit": round(records / raw_s / limit, 3),
    }


def memory(records: int = 100_000) -> dict[str, float]:
    """(d) Peak memory allocated while iterating ``records`` records (pages generated on the fly)."""
    per_page = 200
    pages = records // per_page

    def record(i: int) -> dict[str, Any]:
        return {
            "id": f"{i:032x}",
            "displayed_as": f"Customer {i}",
            "$path": f"/contacts/{i:032x}",
            "created_at": "2024-01-01T00:00:00Z",
            "updated_at": "2024-01-01T00:00:00Z",
            "name": f"Customer {i}",
            "contact_types": [
                {"id": "CUSTOMER", "displayed_as": "Customer", "$path": "/contact_types/CUSTOMER"}
            ],
            "credit_limit": "1000.0",
            "balance": "12.5",
            "currency": {"id": "GBP", "displayed_as": "Pound Sterling (GBP)", "$path": "/currencies/GBP"},
        }

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/token":
            return httpx.Response(400, json={"error": "invalid_grant"})
        page = int(request.url.params.get("page", "1"))
        base = (page - 1) * per_page
        body = {
            "$total": records,
            "$page": page,
            "$next": f"/contacts?page={page + 1}&items_per_page={per_page}" if page < pages else None,
            "$back": None,
            "$itemsPerPage": per_page,
            "$items": [record(base + i) for i in range(per_page)],
        }
        return httpx.Response(200, content=json.dumps(body).encode(), headers={"x-business": "b" * 32})

    token = {"access_token": "a", "refresh_token": "r", "expires_in": 3600}
    conn = Connection("id", "secret", host="http://mem.test", token=token)
    with SageAccounting(conn, business_id="b" * 32, transport=httpx.MockTransport(handler)) as sage:
        tracemalloc.start()
        start = time.perf_counter()
        count = sum(1 for _ in sage.contacts.list(items_per_page=per_page, attributes="all"))
        elapsed = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert count == records
    return {
        "records": records,
        "peak_mb": round(peak / 1e6, 2),
        "target_mb": 100,
        "seconds_with_tracemalloc": round(elapsed, 2),
    }


def main() -> None:
    results: dict[str, Any] = {}
    results["overhead"] = overhead()
    print("overhead:", results["overhead"], flush=True)
    results["typed_cpu"] = typed_cpu()
    print("typed_cpu:", results["typed_cpu"], flush=True)
    results["prefetch"] = prefetch()
    print("prefetch:", results["prefetch"], flush=True)
    results["prefetch_emulator"] = prefetch(rounds=3, server="emulator")
    print("prefetch_emulator:", results["prefetch_emulator"], flush=True)
    results["memory"] = memory()
    print("memory:", results["memory"], flush=True)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
