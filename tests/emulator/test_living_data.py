"""Data for volume and sync work: the generated seed (``generated:N[:B]``, the same for the same
``seed_random``) and the activity that keeps a sandbox's businesses changing on the emulator's clock."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from sage_accounting.emulator import DEMO, Emulator

from .conftest import ROOT, assert_error

DOCUMENTS = ("contacts", "sales_invoices", "purchase_invoices", "contact_payments")


def client(emu: Emulator, business: str | None = None, base: str = ROOT) -> httpx.Client:
    headers = {"Authorization": f"Bearer {emu.grant_tokens()['access_token']}"}
    if business:
        headers["X-Business"] = business
    transport = emu.transport() if base == ROOT else None
    return httpx.Client(transport=transport, base_url=f"{base}/v3.1", headers=headers)


def totals(api: httpx.Client, **params: Any) -> dict[str, int]:
    return {
        name: int(api.get(f"/{name}", params={"items_per_page": 1, **params}).json()["$total"])
        for name in DOCUMENTS
    }


def ids_of(api: httpx.Client, name: str) -> list[str]:
    return [item["id"] for item in api.get(f"/{name}", params={"items_per_page": 200}).json()["$items"]]


def test_generated_seed_spreads_n_records_over_b_businesses() -> None:
    emu = Emulator(seed=None)
    with httpx.Client(transport=emu.transport(), base_url=ROOT) as http:
        answer = http.post("/__emulator__/reset", json={"seed": "generated:240:3", "seed_random": 5})
        assert answer.status_code == 200, answer.text
    with client(emu) as api:
        businesses = api.get("/businesses").json()["$items"]
        assert len(businesses) == 3 and businesses[0]["id"] == DEMO.business_id
        counted = 0
        for business in businesses:
            with client(emu, business["id"]) as inside:
                made = totals(inside)
                assert made["contacts"] > 0 and made["sales_invoices"] > 0, made
                # the catalogue, addresses and people come with the contacts; documents are what N counts
                counted += sum(made.values())
                statuses = {
                    s: inside.get("/sales_invoices", params={"status_id": s}).json()["$total"]
                    for s in ("UNPAID", "PAID")
                }
                assert all(statuses.values()), statuses
        assert counted == 240
        invoices = api.get(
            "/sales_invoices", params={"attributes": "date,created_at", "items_per_page": 200}
        ).json()
        assert {i["created_at"][:10] == i["date"] for i in invoices["$items"]} == {True}


def test_the_same_seed_random_gives_the_same_data() -> None:
    first, again, other = (Emulator(seed="generated:60", seed_random=r) for r in (3, 3, 4))
    with client(first) as a, client(again) as b, client(other) as c:
        for name in DOCUMENTS:
            assert ids_of(a, name) == ids_of(b, name)
        assert ids_of(a, "contacts") != ids_of(c, "contacts")
        assert (
            a.get("/contacts", params={"attributes": "all"}).json()
            == b.get("/contacts", params={"attributes": "all"}).json()
        )


@pytest.mark.parametrize(
    ("seed", "message"),
    [
        ("generated", "needs a size"),
        ("generated:0", "N must be between"),
        ("generated:10:11", "B must be between"),
        ("generated:ten", "is not generated:N[:B]"),
        ("generated:10:2:3", "is not generated:N[:B]"),
    ],
)
def test_bad_generated_seeds_are_refused(seed: str, message: str) -> None:
    emu = Emulator(seed="minimal")
    with httpx.Client(transport=emu.transport(), base_url=ROOT) as http:
        item = assert_error(
            http.post("/__emulator__/reset", json={"seed": seed}), 400, "InvalidControlRequest"
        )
        assert message in item["$message"]
    with pytest.raises(ValueError, match=message.split()[0]):
        Emulator(seed=seed)
    assert len(emu.state.businesses) == 1


def test_activity_changes_the_business_as_the_clock_moves() -> None:
    from sage_accounting.emulator._activity import Activity

    emu = Emulator(seed="generated:80", seed_random=1)
    emu.settings.access_token_ttl = 86_400  # the clock moves ten minutes
    activity = Activity(emu, rate=30, seed_random=2)
    assert activity.catch_up() == 0
    with client(emu) as api:
        before = totals(api)
        emu.clock.advance(600)  # ten minutes: 300 changes due
        since = emu.clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")
        assert activity.catch_up() == 300
        assert sum(activity.counts.values()) >= 280  # a few are refused by the rules, as at Sage
        for kind in ("create_contact", "edit_contact", "create_invoice", "pay_invoice"):
            assert activity.counts[kind] > 0, activity.counts
        changed = totals(api, updated_or_created_since=since)
        assert changed["contacts"] > 0 and changed["sales_invoices"] > 0 and changed["contact_payments"] > 0
        after = totals(api)
        assert after["sales_invoices"] > before["sales_invoices"]
        if activity.counts["delete_contact"]:
            deleted = api.get("/contacts", params={"deleted_since": "2000-01-01"}).json()["$total"]
            assert deleted == activity.counts["delete_contact"]
    with pytest.raises(ValueError, match="rate"):
        Activity(emu, rate=0)


def test_a_watcher_over_a_socket_sees_a_living_business() -> None:
    emu = Emulator(seed="generated:40", seed_random=9)
    with emu.serve() as url, httpx.Client(base_url=url) as http, client(emu, base=url) as api:
        since = emu.clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")
        assert_error(
            http.post("/__emulator__/activity", json={"rate": -1}), 400, "InvalidControlRequest", "rate"
        )
        started = http.post("/__emulator__/activity", json={"rate": 600, "seed_random": 1})
        assert started.status_code == 200 and started.json()["running"] is True
        assert http.post("/__emulator__/clock", json={"advance": 60}).status_code == 200
        seen: dict[str, int] = {}
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and sum(seen.values()) == 0:
            seen = totals(api, updated_or_created_since=since)
            time.sleep(0.1)
        assert sum(seen.values()) > 0
        status = http.get("/__emulator__/activity").json()
        assert status["running"] is True and sum(status["made"].values()) > 0
        assert http.delete("/__emulator__/activity").status_code == 204
        assert http.get("/__emulator__/activity").json() == {"running": False}
