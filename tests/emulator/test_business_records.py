"""Records look as Sage sends them: contact balances, web links, empty text, business and user records."""

from __future__ import annotations

from typing import Any

import httpx

from .test_invoices import created, ledger_id, line, make_contact, post_invoice
from .test_payments import pay

Body = dict[str, Any]


def test_show_balance_adds_what_the_contact_owes(api: httpx.Client) -> None:
    customer = make_contact(api, "Acme Ltd")
    assert "balance" not in api.get(customer["$path"]).json()
    created(post_invoice(api, customer["id"], [line(ledger_id(api, 4000))]))  # 120.00
    draft = post_invoice(api, customer["id"], [line(ledger_id(api, 4000))], status_id="DRAFT")
    assert draft.status_code == 201  # a draft owes nothing
    bank = api.get("/bank_accounts").json()["$items"][0]["id"]
    created(pay(api, customer["id"], bank, "30.00", []))  # 30.00 on account
    shown = api.get(customer["$path"], params={"show_balance": "true"}).json()
    assert shown["balance"] == "90.0"
    assert list(shown)[5:8] == ["links", "balance", "contact_types"]
    listed = api.get("/contacts", params={"show_balance": "true", "attributes": "balance"}).json()["$items"]
    assert [c["balance"] for c in listed if c["id"] == customer["id"]] == ["90.0"]


def test_contacts_link_to_their_web_page_and_send_empty_text_as_sage_does(api: httpx.Client) -> None:
    customer = make_contact(api, "Acme Ltd")
    (link,) = customer["links"]
    assert link["rel"] == "alternate" and link["type"] == "text/html"
    assert link["href"].startswith("https://accounts-extra.sageone.com/contacts/customers/")
    vendor = make_contact(api, "Bolt Supplies", "VENDOR")
    assert "/contacts/vendors/" in vendor["links"][0]["href"]
    assert (customer["notes"], customer["tax_calculation"]) == ("", "")
    cleared = api.put(vendor["$path"], json={"contact": {"notes": None}}).json()
    assert cleared["notes"] == ""
