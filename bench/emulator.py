"""Emulator speed and size: GET-one-contact requests/s in process, ms per 200-record ``attributes=all`` page,
POST of a 10-line sales invoice requests/s; GET-one over a keep-alive socket against a minimal ASGI app on the
same uvicorn; the cost per record of listing 1k, 10k and 100k contacts, a ``search`` page at each size, and
the memory 100,000 contacts take; the cost per record of listing ``/transactions`` over generated businesses of
1k, 10k and 100k records.

In process means ``emu.async_transport()`` (the emulator's own transport). Side by side: the same GET through
``httpx.ASGITransport(app=emu.app)``, and a bare ASGI app answering a fixed body through ``httpx.ASGITransport``,
the floor that transport alone sets.

Run: ``python bench/emulator.py``. The last line is one JSON object with the figures, targets and ratios.
"""

from __future__ import annotations

import asyncio
import gc
import json
import statistics
import sys
import time
from typing import Any

import httpx

from sage_accounting.emulator import Emulator
from sage_accounting.emulator._transport import serve

SIZES = (1_000, 10_000, 100_000)

ROOT = "http://sage.test"


async def bare_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    body = b'{"id":"x","displayed_as":"x","$path":"/contacts/x"}'
    await send(
        {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]}
    )
    await send({"type": "http.response.body", "body": body})


async def rate(client: httpx.AsyncClient, path: str, seconds: float) -> float:
    """Requests per second for sequential GETs of ``path`` over ``seconds``."""
    for _ in range(50):
        (await client.get(path)).raise_for_status()
    count = 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        for _ in range(50):
            (await client.get(path)).raise_for_status()
        count += 50
    return count / (time.perf_counter() - started)


async def main() -> dict[str, Any]:
    emu = Emulator(seed="minimal")
    token = emu.grant_tokens()["access_token"]
    emu.settings.daily_request_limit = 10**9
    headers = {"Authorization": f"Bearer {token}"}
    async with (
        httpx.AsyncClient(transport=emu.async_transport(), base_url=f"{ROOT}/v3.1", headers=headers) as api,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=emu.app), base_url=f"{ROOT}/v3.1", headers=headers
        ) as via_httpx,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=bare_app), base_url=ROOT) as bare,
    ):
        created = await api.post(
            "/contacts", json={"contact": {"name": "Bench Ltd", "contact_type_ids": ["CUSTOMER"]}}
        )
        contact = created.json()
        for i in range(249):
            body = {
                "contact": {
                    "name": f"Customer {i}",
                    "contact_type_ids": ["CUSTOMER"],
                    "reference": f"B{i}",
                    "main_address": {
                        "address_line_1": f"{i} High Street",
                        "city": "Leeds",
                        "postal_code": "LS1 1AA",
                    },
                    "main_contact_person": {"name": f"Person {i}", "email": f"p{i}@example.com"},
                }
            }
            (await api.post("/contacts", json=body)).raise_for_status()

        get_one = await rate(api, f"/contacts/{contact['id']}", 3.0)
        get_one_httpx = await rate(via_httpx, f"/contacts/{contact['id']}", 3.0)
        floor = await rate(bare, "/contacts/x", 3.0)

        page_ms: list[float] = []
        for _ in range(40):
            started = time.perf_counter()
            page = await api.get("/contacts", params={"items_per_page": 200, "attributes": "all"})
            page_ms.append((time.perf_counter() - started) * 1000)
            assert len(page.json()["$items"]) == 200

        ledger = (await api.get("/ledger_accounts", params={"search": "4000"})).json()["$items"][0]["id"]
        lines = [
            {
                "description": f"Line {n}",
                "ledger_account_id": ledger,
                "quantity": n + 1,
                "unit_price": "12.34",
                "tax_rate_id": "GB_STANDARD",
            }
            for n in range(10)
        ]
        invoice = {
            "sales_invoice": {"contact_id": contact["id"], "date": "2026-01-15", "invoice_lines": lines}
        }
        post_count = 0
        started = time.perf_counter()
        while time.perf_counter() - started < 3.0:
            response = await api.post("/sales_invoices", json=invoice)
            if response.status_code != 201:
                raise SystemExit(
                    f"POST /sales_invoices answered {response.status_code}: {response.text[:300]}"
                )
            post_count += 1
        post_rate = post_count / (time.perf_counter() - started)

    result = {
        "get_one_contact_requests_per_s": round(get_one, 1),
        "get_one_contact_via_httpx_asgi_transport_requests_per_s": round(get_one_httpx, 1),
        "bare_asgi_app_via_httpx_asgi_transport_requests_per_s": round(floor, 1),
        "get_one_via_httpx_share_of_bare_asgi": round(get_one_httpx / floor, 3),
        "page_200_all_ms_median": round(statistics.median(page_ms), 2),
        "page_200_all_ms_p90": round(sorted(page_ms)[int(len(page_ms) * 0.9)], 2),
        "post_10_line_sales_invoice_requests_per_s": round(post_rate, 1),
        "targets": {"get_one_contact_requests_per_s": ">= 1500", "page_200_all_ms": "<= 20"},
        "meets_targets": get_one >= 1500 and statistics.median(page_ms) <= 20,
    }
    return result


def get_rate(http: httpx.Client, path: str, seconds: float) -> float:
    for _ in range(50):
        http.get(path).raise_for_status()
    count = 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        for _ in range(50):
            http.get(path).raise_for_status()
        count += 50
    return count / (time.perf_counter() - started)


def socket_figures() -> dict[str, Any]:
    """GET-one over one keep-alive connection: the emulator against a bare ASGI app on the same uvicorn."""
    emu = Emulator(seed="minimal")
    emu.settings.daily_request_limit = 10**9
    headers = {"Authorization": f"Bearer {emu.grant_tokens()['access_token']}"}
    with emu.serve() as url, httpx.Client(base_url=f"{url}/v3.1", headers=headers) as http:
        contact = http.post(
            "/contacts", json={"contact": {"name": "Bench", "contact_type_ids": ["CUSTOMER"]}}
        )
        emulated = get_rate(http, f"/contacts/{contact.json()['id']}", 3.0)
    with serve(bare_app) as url, httpx.Client(base_url=url) as http:
        floor = get_rate(http, "/contacts/x", 3.0)
    return {
        "socket_get_one_contact_requests_per_s": round(emulated, 1),
        "socket_bare_asgi_app_requests_per_s": round(floor, 1),
        "socket_get_one_share_of_bare_asgi": round(emulated / floor, 3),
    }


def rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096


def fill(emu: Emulator, http: httpx.Client, count: int) -> str:
    """``count`` contacts (each with its address and contact person) in the emulator's business, copied from
    one made through the API with new ids, names and references (the rules' cost is not what is measured
    here); returns a name that one contact in the middle has."""
    template = http.post(
        "/contacts",
        json={
            "contact": {
                "name": "Template Ltd",
                "contact_type_ids": ["CUSTOMER"],
                "reference": "T0",
                "main_address": {
                    "address_line_1": "1 High Street",
                    "city": "Leeds",
                    "postal_code": "LS1 1AA",
                },
                "main_contact_person": {"name": "Pat Doe", "email": "pat@example.com"},
            }
        },
    ).json()
    business = next(iter(emu.state.businesses.values()))
    contacts = business.collection("contacts")
    addresses, persons = business.collection("addresses"), business.collection("contact_persons")
    first_address = addresses[template["main_address"]["id"]]
    first_person = persons[template["main_contact_person"]["id"]]
    marker = "Quillfeather Orchards"
    for n in range(1, count):
        cid, aid, pid = f"{n:032x}", f"a{n:031x}", f"b{n:031x}"
        name = marker if n == count // 2 else f"Customer {n}"
        contact = json.loads(json.dumps(template))
        contact.update(id=cid, name=name, reference=f"R{n}", displayed_as=f"{name} (R{n})")
        contact["$path"] = f"/contacts/{cid}"
        contact["main_address"] = contact["preferred_address"] = {**template["main_address"], "id": aid}
        contact["main_contact_person"] = contact["preferred_contact_person"] = {
            **template["main_contact_person"],
            "id": pid,
        }
        address = {**json.loads(json.dumps(first_address)), "id": aid, "$path": f"/addresses/{aid}"}
        address["contact"] = {"id": cid, "displayed_as": contact["displayed_as"], "$path": f"/contacts/{cid}"}
        person = {**json.loads(json.dumps(first_person)), "id": pid, "$path": f"/contact_persons/{pid}"}
        person["contact"] = dict(address["contact"])
        contacts[cid], addresses[aid], persons[pid] = contact, address, person
        if n % 1000 == 0:
            business.release()
    business.release()
    return marker


def list_us_per_record(http: httpx.Client, path: str, total: int) -> float:
    """Microseconds per record of fetching ten 200-record pages of ``path`` spread over its ``total`` records
    (first to last page)."""
    pages = (total + 199) // 200
    spent, listed = 0.0, 0
    for page in sorted({1 + (pages - 1) * i // 9 for i in range(10)}):
        started = time.perf_counter()
        answer = http.get(path, params={"items_per_page": 200, "page": page})
        spent += time.perf_counter() - started
        listed += len(answer.json()["$items"])
    return spent / listed * 1e6


def signed_in(emu: Emulator) -> httpx.Client:
    """A client of ``emu`` in process, signed in, with no daily request limit in the way."""
    emu.settings.daily_request_limit = 10**9
    headers = {"Authorization": f"Bearer {emu.grant_tokens()['access_token']}"}
    return httpx.Client(transport=emu.transport(), base_url=f"{ROOT}/v3.1", headers=headers)


def listing_figures() -> dict[str, Any]:
    """Per-record cost of listing contacts (200-record pages spread over the whole list) and of a ``search``
    page, at each size; the memory each size takes per contact. The sizes are measured in turns, several
    rounds, medians kept: a busy machine slows them all alike."""
    figures: dict[str, Any] = {}
    sandboxes: dict[int, tuple[Emulator, httpx.Client, str]] = {}
    for size in SIZES:
        gc.collect()
        before = rss_bytes()
        emu = Emulator(seed="minimal")
        http = signed_in(emu)
        marker = fill(emu, http, size)
        gc.collect()
        figures[f"memory_bytes_per_contact_{size}"] = round((rss_bytes() - before) / size)
        sandboxes[size] = (emu, http, marker)
    listing: dict[int, list[float]] = {size: [] for size in SIZES}
    searching: dict[int, list[float]] = {size: [] for size in SIZES}
    for _ in range(5):
        for size, (_emu, http, marker) in sandboxes.items():
            listing[size].append(list_us_per_record(http, "/contacts", size))
            for _ in range(6):
                started = time.perf_counter()
                found = http.get("/contacts", params={"search": marker.split()[0].lower()}).json()
                searching[size].append((time.perf_counter() - started) * 1000)
                assert found["$total"] == 1, found["$total"]
    for size, (_emu, http, _marker) in sandboxes.items():
        http.close()
        figures[f"list_us_per_record_{size}"] = round(statistics.median(listing[size]), 2)
        figures[f"search_page_ms_{size}"] = round(statistics.median(searching[size]), 3)
    small, large = SIZES[0], SIZES[-1]
    figures["list_per_record_ratio_100k_to_1k"] = round(
        figures[f"list_us_per_record_{large}"] / figures[f"list_us_per_record_{small}"], 2
    )
    figures["search_page_ratio_100k_to_1k"] = round(
        figures[f"search_page_ms_{large}"] / figures[f"search_page_ms_{small}"], 2
    )
    figures["memory_mb_100k_contacts"] = round(figures[f"memory_bytes_per_contact_{large}"] * large / 1e6, 1)
    return figures


def transaction_figures(sizes: tuple[int, ...] = SIZES) -> dict[str, Any]:
    """Per-record cost of listing ``/transactions`` (200-record pages spread over the whole list) over a
    generated business of each size (contacts, invoices and payments: most of them book a transaction)."""
    figures: dict[str, Any] = {}
    sandboxes: dict[int, tuple[Emulator, httpx.Client]] = {}
    for size in sizes:
        emu = Emulator(seed=f"generated:{size}", seed_random=1)
        sandboxes[size] = (emu, signed_in(emu))
    listing: dict[int, list[float]] = {size: [] for size in sizes}
    for _ in range(5):
        for size, (_emu, http) in sandboxes.items():
            total = http.get("/transactions", params={"items_per_page": 1}).json()["$total"]
            listing[size].append(list_us_per_record(http, "/transactions", total))
    for size, (_emu, http) in sandboxes.items():
        http.close()
        figures[f"transactions_list_us_per_record_{size}"] = round(statistics.median(listing[size]), 2)
    # the target compares 100k to 10k: when records read to show were kept in the decoded-record cache, the
    # whole 1k list stayed decoded between rounds (they no longer are: 1k now decodes its pages too)
    figures["transactions_list_per_record_ratio_100k_to_10k"] = round(
        figures[f"transactions_list_us_per_record_{sizes[-1]}"]
        / figures[f"transactions_list_us_per_record_{sizes[-2]}"],
        2,
    )
    figures["transactions_list_per_record_ratio_100k_to_1k"] = round(
        figures[f"transactions_list_us_per_record_{sizes[-1]}"]
        / figures[f"transactions_list_us_per_record_{sizes[0]}"],
        2,
    )
    return figures


if __name__ == "__main__":
    figures = asyncio.run(main())
    figures.update(socket_figures())
    figures.update(listing_figures())
    figures.update(transaction_figures())
    figures["targets"] = {
        **figures["targets"],
        "socket_get_one_share_of_bare_asgi": ">= 0.5",
        "list_per_record_ratio_100k_to_1k": "<= 1.5",
        "transactions_list_per_record_ratio_100k_to_10k": "<= 1.5",
        "search_page_ratio_100k_to_1k": "<= 3",
        "memory_mb_100k_contacts": "< 300",
    }
    figures["meets_targets"] = (
        figures["meets_targets"]
        and figures["socket_get_one_share_of_bare_asgi"] >= 0.5
        and figures["list_per_record_ratio_100k_to_1k"] <= 1.5
        and figures["transactions_list_per_record_ratio_100k_to_10k"] <= 1.5
        and figures["search_page_ratio_100k_to_1k"] <= 3
        and figures["memory_mb_100k_contacts"] < 300
    )
    sys.stdout.flush()
    for key, value in figures.items():
        if key not in ("targets",):
            print(f"{key:45} {value}")
    print(json.dumps(figures))
