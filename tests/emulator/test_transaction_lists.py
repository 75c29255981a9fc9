"""``/transactions`` lists over a business with hundreds of posted documents: every filter, page and sort
answers what the origin documents say, drafts book nothing, and a sync's ``updated_or_created_since`` /
``deleted_since`` stay right as records change."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from sage_accounting.emulator import Emulator

from .conftest import client_for
from .test_invoices import created, ledger_id, line, post_invoice

Body = dict[str, Any]
ORIGINS = (
    "sales_invoices",
    "sales_credit_notes",
    "purchase_invoices",
    "purchase_credit_notes",
    "contact_payments",
    "contact_allocations",
    "other_payments",
    "journals",
)


@pytest.fixture(scope="module")
def emu() -> Emulator:
    return Emulator(seed="generated:300", seed_random=11)


@pytest.fixture(scope="module")
def api(emu: Emulator) -> Iterator[httpx.Client]:
    with client_for(emu, emu.grant_tokens()["access_token"]) as client:
        yield client


def walk(api: httpx.Client, path: str, **params: Any) -> list[Body]:
    """Every item of a list, page after page through ``$next``."""
    items: list[Body] = []
    page = api.get(path, params={"items_per_page": 37, "attributes": "all", **params})
    while True:
        assert page.status_code == 200, page.text
        body = page.json()
        items.extend(body["$items"])
        if body["$next"] is None:
            return items
        page = api.get(body["$next"])


def booked(api: httpx.Client) -> list[Body]:
    """The transactions the origin documents link to, origin by origin in their list order, each read
    through GET one."""
    found: list[Body] = []
    for origin in ORIGINS:
        for record in walk(api, f"/{origin}"):
            if record.get("transaction"):
                answer = api.get(record["transaction"]["$path"])
                assert answer.status_code == 200, answer.text
                found.append(answer.json())
    return found


def ids(items: list[Body]) -> list[str]:
    return [item["id"] for item in items]


def test_every_filter_and_page_matches_the_origin_documents(api: httpx.Client) -> None:
    draft = created(post_invoice(api, _contact(api), [line(ledger_id(api, 4000))], status_id="DRAFT"))
    expected = booked(api)
    assert len(expected) > 200  # the invoices and payments among the 300 generated records
    assert ids(walk(api, "/transactions")) == ids(expected)
    assert draft["id"] not in {t["origin"]["id"] for t in expected}

    def check(params: Body, keep: Callable[[Body], bool]) -> None:
        wanted = [t for t in expected if keep(t)]
        assert wanted, params  # each case selects something...
        assert len(wanted) < len(expected) or not params, params  # ...and not everything
        assert ids(walk(api, "/transactions", **params)) == ids(wanted), params
        assert api.get("/transactions", params=params).json()["$total"] == len(wanted)

    contact = next(t["contact"]["id"] for t in expected if t["contact"])
    middle = sorted(t["updated_at"] for t in expected)[len(expected) // 2]
    check({}, lambda t: True)
    check(
        {"transaction_type_id": "CUSTOMER_RECEIPT"},
        lambda t: t["transaction_type"]["id"] == "CUSTOMER_RECEIPT",
    )
    check({"contact_id": contact}, lambda t: (t["contact"] or {}).get("id") == contact)
    check(
        {"from_date": "2026-02-01", "to_date": "2026-03-31"},
        lambda t: "2026-02-01" <= t["date"] <= "2026-03-31",
    )
    check({"updated_or_created_since": middle}, lambda t: t["updated_at"] >= middle)
    check({"updated_from_date": middle}, lambda t: t["updated_at"] >= middle)
    check({"updated_to_date": middle[:10]}, lambda t: t["updated_at"][:10] <= middle[:10])
    check(
        {"transaction_type_id": "SALES_INVOICE", "from_date": "2026-05-01", "contact_id": contact},
        lambda t: (
            t["transaction_type"]["id"] == "SALES_INVOICE"
            and t["date"] >= "2026-05-01"
            and (t["contact"] or {}).get("id") == contact
        ),
    )
    needle = expected[5]["displayed_as"][-4:].lower()
    check({"search": needle}, lambda t: needle in f"{t['displayed_as']}\x00{t['reference'] or ''}".lower())
    assert api.get("/transactions", params={"has_attachments": "true"}).json()["$total"] == 0
    assert api.get("/transactions", params={"has_attachments": "false"}).json()["$total"] == len(expected)

    by_date = ids(walk(api, "/transactions", sort="date:desc"))
    assert by_date == ids(sorted(expected, key=lambda t: t["date"], reverse=True))
    last = api.get("/transactions", params={"page": 10_000, "items_per_page": 50}).json()
    assert ids(last["$items"]) == ids(expected[(len(expected) - 1) // 50 * 50 :])

    # released, the draft books its transaction in its place among the sales invoices
    released = api.post(f"{draft['$path']}/release").json()
    now = ids(walk(api, "/transactions"))
    assert now == ids(booked(api))
    assert released["transaction"]["id"] in now


def test_changes_and_deletions_since_a_moment(emu: Emulator, api: httpx.Client) -> None:
    emu.clock.advance(120)
    mark = datetime.fromtimestamp(emu.clock.time(), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert api.get("/transactions", params={"updated_or_created_since": mark}).json()["$total"] == 0
    invoice = created(post_invoice(api, _contact(api), [line(ledger_id(api, 4000))], reference="NEW-1"))
    changed = walk(api, "/transactions", updated_or_created_since=mark)
    assert ids(changed) == [invoice["transaction"]["id"]]
    assert changed[0]["reference"] == "NEW-1"

    purchases = walk(api, "/transactions", transaction_type_id="PURCHASE_INVOICE")
    # an unpaid bill can be deleted (a paid one must be voided)
    old = next(t for t in purchases if t["origin"]["status"]["id"] == "UNPAID")
    emu.clock.advance(1)  # deleted_since is exclusive
    assert api.delete(old["origin"]["$path"]).status_code == 204
    gone = ids(api.get("/transactions", params={"deleted_since": mark}).json()["$items"])
    assert gone == [old["id"]]
    assert old["id"] not in ids(walk(api, "/transactions", transaction_type_id="PURCHASE_INVOICE"))
    assert api.get(f"/transactions/{old['id']}").status_code == 404


def _contact(api: httpx.Client) -> str:
    customers = api.get("/contacts", params={"contact_type_id": "CUSTOMER"}).json()["$items"]
    return str(customers[0]["id"])
