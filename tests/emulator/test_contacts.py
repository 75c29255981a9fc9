"""Contacts, contact persons and addresses: shapes and rules."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from sage_accounting.emulator import Emulator

from .conftest import assert_error
from .test_api_pipeline import make_contact

FULL = {
    "name": "Bobs Building Supplies",
    "contact_type_ids": ["CUSTOMER"],
    "reference": "BBS001",
    "tax_number": "GB938484382",
    "notes": "Prefers email",
    "credit_limit": 2000,
    "credit_days": "30",
    "currency_id": "GBP",
    "default_sales_tax_rate_id": "GB_STANDARD",
    "main_address": {
        "address_line_1": "12 High Street",
        "city": "Leeds",
        "postal_code": "LS1 1AA",
        "country_id": "GB",
    },
    "delivery_address": {"address_line_1": "Unit 4", "city": "Wakefield"},
    "main_contact_person": {"name": "Bob Smith", "email": "bob@example.com", "telephone": "0113 000"},
    "bank_account_details": {"account_name": "Bobs", "account_number": "12345678", "sort_code": "12-34-56"},
}


def test_create_full_contact_shape(api: httpx.Client) -> None:
    response = api.post("/contacts", json={"contact": FULL})
    assert response.status_code == 201
    c = response.json()
    assert list(c)[:6] == ["id", "displayed_as", "$path", "created_at", "updated_at", "links"]
    assert len(c["id"]) == 32 and c["id"] == c["id"].lower() and int(c["id"], 16) >= 0
    assert c["$path"] == f"/contacts/{c['id']}"
    assert c["created_at"].endswith("Z") and len(c["created_at"]) == 20
    assert c["displayed_as"] == "Bobs Building Supplies (BBS001)"
    assert c["contact_types"] == [
        {"id": "CUSTOMER", "displayed_as": "Customer", "$path": "/contact_types/CUSTOMER"}
    ]
    assert c["credit_limit"] == "2000.0" and c["credit_days"] == 30
    assert c["currency"]["id"] == "GBP" and c["default_sales_tax_rate"]["id"] == "GB_STANDARD"
    assert c["deletable"] is True and c["email"] == "bob@example.com"
    assert c["bank_account_details"] == {
        "account_name": "Bobs",
        "account_number": "12345678",
        "sort_code": "12-34-56",
        "bic": None,
        "iban": None,
    }
    main = api.get(c["main_address"]["$path"]).json()
    assert main["address_line_1"] == "12 High Street" and main["is_main_address"] is True
    assert main["contact"]["id"] == c["id"] and main["country"]["id"] == "GB"
    delivery = api.get(c["delivery_address"]["$path"]).json()
    assert delivery["address_type"]["id"] == "DELIVERY" and delivery["is_main_address"] is False
    person = api.get(c["main_contact_person"]["$path"]).json()
    assert person["name"] == "Bob Smith" and person["is_main_contact"] is True
    assert person["address"]["id"] == main["id"]


def test_new_contact_gets_main_address_and_main_contact(api: httpx.Client) -> None:
    c = make_contact(api, "Minimal")
    assert c["displayed_as"] == "Minimal"
    person = api.get(c["main_contact_person"]["$path"]).json()
    assert person["displayed_as"] == "Main Contact" and person["contact_person_types"][0]["id"] == "ACCOUNTS"
    addresses = api.get("/addresses", params={"contact_id": c["id"]}).json()
    assert addresses["$total"] == 1 and addresses["$items"][0]["id"] == c["main_address"]["id"]


@pytest.mark.parametrize(
    ("body", "source", "message"),
    [
        ({"contact_type_ids": ["CUSTOMER"]}, "name", "can't be blank"),
        ({"name": "  ", "contact_type_ids": ["CUSTOMER"]}, "name", "can't be blank"),
        (
            {"name": "x" * 101, "contact_type_ids": ["CUSTOMER"]},
            "name",
            "is too long (maximum is 100 characters)",
        ),
        ({"name": "A"}, "contact_type_ids", "can't be blank"),
        ({"name": "A", "contact_type_ids": []}, "contact_type_ids", "can't be blank"),
        ({"name": "A", "contact_type_ids": ["CUSTOMER", "VENDOR"]}, "contact_type_ids", None),
        ({"name": "A", "contact_type_ids": ["EMPLOYEE"]}, "contact_type_ids", None),
        ({"name": "A", "contact_type_ids": "CUSTOMER"}, "contact_type_ids", None),
        ({"name": "A", "contact_type_ids": ["CUSTOMER"], "reference": "R" * 11}, "reference", None),
        (
            {"name": "A", "contact_type_ids": ["CUSTOMER"], "credit_limit": "lots"},
            "credit_limit",
            "is not a number",
        ),
        ({"name": "A", "contact_type_ids": ["CUSTOMER"], "credit_limit": -1}, "credit_limit", None),
        ({"name": "A", "contact_type_ids": ["CUSTOMER"], "credit_days": "2.5"}, "credit_days", None),
        ({"name": "A", "contact_type_ids": ["CUSTOMER"], "credit_days": 400}, "credit_days", None),
        ({"name": "A", "contact_type_ids": ["CUSTOMER"], "currency_id": "XXX"}, "currency_id", None),
        (
            {"name": "A", "contact_type_ids": ["CUSTOMER"], "default_sales_ledger_account_id": "nope"},
            "default_sales_ledger_account_id",
            None,
        ),
        (
            {"name": "A", "contact_type_ids": ["CUSTOMER"], "main_address": {"postal_code": "P" * 11}},
            "main_address.postal_code",
            None,
        ),
        (
            {"name": "A", "contact_type_ids": ["CUSTOMER"], "main_address": {"country_id": "ZZ"}},
            "main_address.country_id",
            None,
        ),
        ({"name": "A", "contact_type_ids": ["CUSTOMER"], "main_address": "12 High St"}, "main_address", None),
        (
            {"name": "A", "contact_type_ids": ["CUSTOMER"], "main_contact_person": {"email": "e" * 101}},
            "main_contact_person.email",
            None,
        ),
    ],
)
def test_contact_validation_names_the_field(
    api: httpx.Client, body: dict[str, Any], source: str, message: str | None
) -> None:
    item = assert_error(api.post("/contacts", json={"contact": body}), 422, "RecordInvalid", source)
    if message:
        assert item["$message"] == message
    assert api.get("/contacts").json()["$total"] == 0


def test_every_violation_is_reported_at_once(api: httpx.Client) -> None:
    response = api.post("/contacts", json={"contact": {"reference": "R" * 20, "credit_days": "x"}})
    sources = {item["$source"] for item in response.json()}
    assert response.status_code == 422
    assert {"name", "contact_type_ids", "reference", "credit_days"} <= sources


def test_reference_must_be_unique(api: httpx.Client) -> None:
    make_contact(api, "One", reference="DUP1")
    item = assert_error(
        api.post(
            "/contacts",
            json={"contact": {"name": "Two", "contact_type_ids": ["VENDOR"], "reference": "dup1"}},
        ),
        422,
        "RecordInvalid",
        "reference",
    )
    assert item["$message"] == "has already been taken"


def test_update_sends_only_what_changes(api: httpx.Client) -> None:
    c = api.post("/contacts", json={"contact": FULL}).json()
    response = api.put(
        f"/contacts/{c['id']}", json={"contact": {"notes": "New notes", "main_address": {"city": "York"}}}
    )
    assert response.status_code == 200
    updated = response.json()
    assert updated["notes"] == "New notes"
    assert updated["name"] == FULL["name"] and updated["credit_limit"] == "2000.0"
    assert updated["updated_at"] >= c["updated_at"]
    main = api.get(c["main_address"]["$path"]).json()
    assert main["city"] == "York" and main["address_line_1"] == "12 High Street"
    renamed = api.put(f"/contacts/{c['id']}", json={"contact": {"name": "Bobs Ltd"}}).json()
    assert renamed["displayed_as"] == "Bobs Ltd (BBS001)"
    assert_error(
        api.put(f"/contacts/{c['id']}", json={"contact": {"name": ""}}), 422, "RecordInvalid", "name"
    )
    assert_error(
        api.put(f"/contacts/{c['id']}", json={"contact": {"contact_type_ids": ["BOTH"]}}),
        422,
        "RecordInvalid",
        "contact_type_ids",
    )


def test_delete_contact(api: httpx.Client) -> None:
    c = make_contact(api)
    response = api.delete(f"/contacts/{c['id']}")
    assert response.status_code == 204 and response.content == b""
    assert_error(api.get(f"/contacts/{c['id']}"), 404, "RecordNotFound")
    assert_error(api.get(c["main_contact_person"]["$path"]), 404, "RecordNotFound")


def test_contact_persons_crud(api: httpx.Client) -> None:
    c = make_contact(api, "People Co")
    body = {
        "contact_person": {
            "address_id": c["main_address"]["id"],
            "name": "Jane Doe",
            "contact_person_type_ids": ["SALES"],
            "email": "jane@example.com",
            "job_title": "Buyer",
        }
    }
    created = api.post("/contact_persons", json=body)
    assert created.status_code == 201
    person = created.json()
    assert person["displayed_as"] == "Jane Doe" and person["is_main_contact"] is False
    assert person["contact_person_types"][0]["id"] == "SALES"
    listed = api.get("/contact_persons", params={"contact_id": c["id"]}).json()
    assert listed["$total"] == 2
    updated = api.put(
        person["$path"], json={"contact_person": {"job_title": "Head buyer", "is_main_contact": True}}
    )
    assert updated.status_code == 200 and updated.json()["job_title"] == "Head buyer"
    contact = api.get(c["$path"]).json()
    assert contact["main_contact_person"]["id"] == person["id"] and contact["email"] == "jane@example.com"
    old_main = api.get(c["main_contact_person"]["$path"]).json()
    assert old_main["is_main_contact"] is False
    assert api.delete(c["main_contact_person"]["$path"]).status_code == 204
    assert_error(api.delete(person["$path"]), 422, "RecordInvalid", "base")


@pytest.mark.parametrize(
    ("body", "source"),
    [
        ({"name": "X", "contact_person_type_ids": ["SALES"]}, "address_id"),
        ({"address_id": "0" * 32, "name": "X", "contact_person_type_ids": ["SALES"]}, "address_id"),
        ({"name": "X"}, "contact_person_type_ids"),
        ({"contact_person_type_ids": ["SALES"]}, "name"),
    ],
)
def test_contact_person_validation(api: httpx.Client, body: dict[str, Any], source: str) -> None:
    assert_error(api.post("/contact_persons", json={"contact_person": body}), 422, "RecordInvalid", source)


def test_contact_person_type_must_exist(api: httpx.Client) -> None:
    c = make_contact(api)
    body = {"address_id": c["main_address"]["id"], "name": "X", "contact_person_type_ids": ["BOSS"]}
    assert_error(
        api.post("/contact_persons", json={"contact_person": body}),
        422,
        "RecordInvalid",
        "contact_person_type_ids[0]",
    )


def test_a_contact_address_can_be_edited_on_its_own(api: httpx.Client) -> None:
    c = make_contact(api)
    response = api.put(c["main_address"]["$path"], json={"address": {"city": "x"}})
    assert response.status_code == 200 and response.json()["city"] == "x"  # PUT /addresses/{id} (swagger)


def test_bank_role_reads_one_contact_but_not_the_list(emu: Emulator, api: httpx.Client) -> None:
    from .test_invoices import limited_client

    contact = make_contact(api, "Banked Ltd")
    roles = {"Contacts": "no_access", "Sales": "no_access", "Purchases": "no_access", "Bank": "read_only"}
    with limited_client(emu, roles) as bank_only:
        assert bank_only.get(contact["$path"]).status_code == 200
        assert bank_only.get(contact["main_address"]["$path"]).status_code == 200
        assert bank_only.get(contact["main_contact_person"]["$path"]).status_code == 200
        assert_error(bank_only.get("/contacts"), 403, "MultiUserAccessDenied")
        assert_error(bank_only.get("/addresses"), 403, "MultiUserAccessDenied")


def test_contact_ends_with_the_keys_of_a_real_one(api: httpx.Client) -> None:
    from .test_invoices import vals

    contact = make_contact(api, "Acme Ltd")
    assert list(contact)[-5:] == [
        "destination_vat_blocking",
        "mandate_active",
        "send_statements",
        "statement_run",
        "go_cardless_mandate",
    ]
    assert vals(contact, "mandate_active", "send_statements", "go_cardless_mandate") == (False, True, None)
    assert contact["statement_run"] == {
        "id": "statement_delivery_method_print",
        "name": "By post (PDF Generated)",
    }
    assert api.get(contact["$path"]).json() == contact


def test_contact_credit_limit_is_rounded_half_up_to_cents(api: httpx.Client) -> None:
    contact = make_contact(api, "Acme Ltd", credit_limit="12.345")
    assert contact["credit_limit"] == "12.35"
    response = api.put(contact["$path"], json={"contact": {"credit_limit": 12.344}})
    assert response.status_code == 200 and response.json()["credit_limit"] == "12.34"
    response = api.put(contact["$path"], json={"contact": {"credit_limit": "-0.001"}})
    assert response.status_code == 200 and response.json()["credit_limit"] == "0.0"  # -0.00 is 0
