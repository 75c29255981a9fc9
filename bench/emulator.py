"""Emulator speed: GET-one-contact requests/s in process, ms per 200-record ``attributes=all`` page, and
POST of a 10-line sales invoice requests/s.

In process means ``emu.async_transport()`` (the emulator's own transport). Side by side: the same GET through
``httpx.ASGITransport(app=emu.app)``, and a bare ASGI app answering a fixed body through ``httpx.ASGITransport``,
the floor that transport alone sets.

Run: ``python bench/emulator.py``. The last line is one JSON object with the figures, targets and ratios.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from typing import Any

import httpx

from sage_accounting.emulator import Emulator

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


if __name__ == "__main__":
    figures = asyncio.run(main())
    for key, value in figures.items():
        if key not in ("targets",):
            print(f"{key:45} {value}")
    print(json.dumps(figures))
