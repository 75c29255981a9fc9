"""Sales quotes and estimates: priced like invoices, numbered from the invoice settings, with their own
statuses, booking nothing in the ledger, and printed as PDFs."""

from __future__ import annotations

import io
from typing import Any

import httpx
import pytest
from pypdf import PdfReader

from .conftest import assert_error
from .test_invoices import created, ledger_id, line, make_contact, post_invoice

Body = dict[str, Any]


@pytest.fixture
def customer(api: httpx.Client) -> Body:
    return make_contact(api, "Quote Ltd")


def post_quote(
    api: httpx.Client, contact: str, lines: list[Body], kind: str = "quote", **extra: Any
) -> httpx.Response:
    body = {
        "contact_id": contact,
        "date": "2024-03-01",
        "expiry_date": "2024-03-31",
        f"{kind}_lines": lines,
        **extra,
    }
    return api.post(f"/sales_{kind}s", json={f"sales_{kind}": body})


def test_a_quote_is_priced_like_an_invoice_and_books_nothing(api: httpx.Client, customer: Body) -> None:
    lines = [line(ledger_id(api, 4000), quantity="3", price="25.50"), line(ledger_id(api, 4000))]
    quote = created(post_quote(api, customer["id"], lines, reference="OFFER-1"))
    invoice = created(post_invoice(api, customer["id"], lines))
    for key in ("net_amount", "tax_amount", "total_amount", "total_quantity", "tax_analysis"):
        assert quote[key] == invoice[key], key
    assert (quote["quote_number"], quote["displayed_as"]) == ("SQ-1", "SQ-1")
    assert (quote["status"]["id"], quote["expiry_date"], quote["reference"]) == (
        "PENDING",
        "2024-03-31",
        "OFFER-1",
    )
    assert "transaction" not in quote and "outstanding_amount" not in quote
    assert quote["quote_lines"][0]["total_amount"] == invoice["invoice_lines"][0]["total_amount"]
    # only the invoice booked a transaction
    assert api.get("/transactions").json()["$total"] == 1
    assert api.get("/invoice_settings").json()["next_quote_number"] == 2
    assert created(post_quote(api, customer["id"], lines))["quote_number"] == "SQ-2"


def test_quotes_list_get_update_and_delete(api: httpx.Client, customer: Body) -> None:
    ledger = ledger_id(api, 4000)
    first = created(post_quote(api, customer["id"], [line(ledger)]))
    second = created(post_quote(api, customer["id"], [line(ledger, price="10")], status_id="DRAFT"))
    listed = api.get("/sales_quotes", params={"attributes": "status"}).json()
    assert [i["id"] for i in listed["$items"]] == [first["id"], second["id"]]
    assert api.get("/sales_quotes", params={"status_id": "DRAFT"}).json()["$total"] == 1
    assert api.get(first["$path"]).json()["total_amount"] == "120.0"

    changed = api.put(
        first["$path"],
        json={"sales_quote": {"status_id": "ACCEPTED", "quote_lines": [line(ledger, quantity="2")]}},
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["status"]["id"], body["total_amount"], body["quote_number"]) == ("ACCEPTED", "240.0", "SQ-1")

    assert_error(
        post_quote(api, customer["id"], [line(ledger)], expiry_date="2024-02-01"),
        422,
        "RecordInvalid",
        "expiry_date",
    )
    assert_error(
        post_quote(api, customer["id"], [line(ledger)], status_id="PAID"), 422, "RecordInvalid", "status_id"
    )
    missing = api.post(
        "/sales_quotes",
        json={
            "sales_quote": {"contact_id": customer["id"], "date": "2024-03-01", "quote_lines": [line(ledger)]}
        },
    )
    assert_error(missing, 422, "RecordInvalid", "expiry_date")

    assert api.delete(second["$path"]).status_code == 204
    assert_error(api.get(second["$path"]), 404, "RecordNotFound")
    assert api.get("/sales_quotes").json()["$total"] == 1


def test_estimates_share_the_quote_numbering(api: httpx.Client, customer: Body) -> None:
    created(post_quote(api, customer["id"], [line(ledger_id(api, 4000))]))
    estimate = created(post_quote(api, customer["id"], [line(ledger_id(api, 4000))], kind="estimate"))
    assert (estimate["estimate_number"], estimate["total_amount"]) == ("SE-2", "120.0")
    assert api.get(estimate["$path"]).json()["estimate_lines"][0]["net_amount"] == "100.0"


def test_a_quote_prints_as_a_pdf(api: httpx.Client, customer: Body) -> None:
    quote = created(
        post_quote(api, customer["id"], [line(ledger_id(api, 4000), quantity="2", price="61.25")])
    )
    answer = api.get(quote["$path"], headers={"Accept": "application/pdf"})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/pdf")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(answer.content)).pages)
    assert "SQ-1" in text and "Quote Ltd" in text
    assert quote["total_amount"] == "147.0" and "147.0" in text
    assert "2024-03-31" in text  # the expiry date
    assert "Outstanding" not in text
