"""Records look as Sage sends them: contact balances, web links, empty text, business and user records."""

from __future__ import annotations

from typing import Any

import httpx

from sage_accounting.emulator import Emulator

from .conftest import assert_error, client_for
from .test_invoices import created, ledger_id, limited_client, line, make_contact, post_invoice
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


def test_a_business_record_names_subscription_region_owner_and_the_users_roles(emu: Emulator) -> None:
    with client_for(emu, emu.grant_tokens()["access_token"]) as api:
        business = api.get("/businesses/lead").json()
    (subscription,) = business["subscriptions"]
    assert list(subscription) == [
        "created_at",
        "updated_at",
        "displayed_as",
        "id",
        "active",
        "status",
        "accountant_pays",
    ]
    assert (subscription["id"], subscription["active"], subscription["status"]) == (
        "ACCOUNTING_10",
        True,
        "paying",
    )
    assert business["region"] == "" and business["address_line_2"] == ""
    assert business["business_owner"] is True and business["user_role"]["id"] == "FULL_ACCESS"
    assert {p["area"] for p in business["user_permissions"]} >= {"Sales", "Bank", "Settings"}
    limited = limited_client(emu, {"Bank": "read_only"})
    seen = limited.get(f"/businesses/{business['id']}").json()
    assert seen["owner"]["id"] == business["owner"]["id"]  # the owner is the owner, whoever asks
    assert (seen["business_owner"], seen["user_role"]["id"]) == (False, "CUSTOM")
    bank = next(p for p in seen["user_permissions"] if p["area"] == "Bank")
    assert bank["role"] == {"id": "read_only", "displayed_as": "Read Only"}


def test_put_business_as_the_migration_guide_shows_owner_only(emu: Emulator) -> None:
    body = {
        "business": {
            "address_line_1": "23 Acacia Ave.",
            "mobile": "0777654321",
            "website": "https://example.com/",
        }
    }
    with client_for(emu, emu.grant_tokens()["access_token"]) as api:
        lead = api.get("/businesses/lead").json()
        changed = api.put(lead["$path"], json=body)
        assert changed.status_code == 200, changed.text
        assert (changed.json()["address_line_1"], changed.json()["mobile"]) == (
            "23 Acacia Ave.",
            "0777654321",
        )
        assert api.get(lead["$path"]).json()["website"] == "https://example.com/"
        assert "x-business" not in changed.headers
        too_long = api.put(lead["$path"], json={"business": {"postal_code": "X" * 11}})
        assert_error(too_long, 422, "RecordInvalid", "postal_code")
    other = limited_client(emu, {})
    assert_error(other.put(lead["$path"], json=body), 403, "MultiUserAccessDenied")


def test_put_user_as_the_migration_guide_shows(api: httpx.Client) -> None:
    changed = api.put("/user", json={"user": {"last_name": "Smith"}})
    assert changed.status_code == 200, changed.text
    user = api.get("/user").json()
    assert user["last_name"] == "Smith" and user["displayed_as"].endswith("Smith")
    assert user["initials"].endswith("S")
    assert_error(api.put("/user", json={"user": {"locale": "xx"}}), 422, "RecordInvalid", "locale")
    assert_error(api.put("/user", json={"last_name": "Smith"}), 422, "RecordInvalid", "user")
    assert api.put("/user", json={"user": {"email": "new@example.com"}}).json()["email"] == user["email"]


def test_every_transaction_type_the_guides_name_is_listed(api: httpx.Client) -> None:
    listed = api.get("/transaction_types", params={"items_per_page": 200}).json()
    ids = [t["id"] for t in listed["$items"]]
    assert ids == sorted(ids)
    banking_guide = {
        "BANK_OPENING_BALANCE", "BANK_PAYMENT", "BANK_RECEIPT", "BANK_TRANSFER", "CUSTOMER_RECEIPT",
        "CUSTOMER_REFUND", "DEPOSIT", "OTHER_RECEIPT", "OTHER_RECEIPT_REFUND", "OTHER_PAYMENT",
        "OTHER_PAYMENT_REFUND", "PENSION_PROVIDER_PAYMENT", "REVENUE_PAYMENT", "STAFF_PAYMENT",
        "TAX_SCHEME_TRANSFER_PAYMENT", "VENDOR_PAYMENT", "VENDOR_REFUND", "VOID_PAYMENT", "TAX_PAYMENT",
    }  # fmt: skip
    assert banking_guide <= set(ids)
    assert {"CUSTOMER_ALLOCATION", "VENDOR_ALLOCATION", "JOURNAL", "SALES_INVOICE"} <= set(ids)
    assert listed["$items"][0] == {
        "id": "BANK_OPENING_BALANCE",
        "displayed_as": "Bank Opening Balance",
        "$path": "/transaction_types/BANK_OPENING_BALANCE",
    }


def test_a_seeded_owner_owns_the_business(emu: Emulator) -> None:
    emu.seed(
        {
            "businesses": [
                {"id": "b" * 32, "name": "Owned Ltd", "owner_id": "owner-2", "subscription_id": "ACCOUNTING"}
            ],
            "users": [
                {
                    "id": "owner-1",
                    "first_name": "A",
                    "last_name": "B",
                    "email": "a@x.test",
                    "businesses": {"b" * 32: {}},
                },
                {
                    "id": "owner-2",
                    "first_name": "C",
                    "last_name": "D",
                    "email": "c@x.test",
                    "businesses": {"b" * 32: {}},
                },
            ],
        }
    )
    with client_for(emu, emu.grant_tokens(user_id="owner-1")["access_token"]) as api:
        record = api.get(f"/businesses/{'b' * 32}").json()
        assert record["owner"]["id"] == "owner-2" and record["business_owner"] is False
        assert record["subscriptions"][0]["displayed_as"] == "Accounting"
        assert_error(
            api.put(record["$path"], json={"business": {"city": "Bath"}}), 403, "MultiUserAccessDenied"
        )
