"""Contacts and contact persons: every flat input lands where the component's `sage` column says, updates
send only what was given, and the record Sage keeps shows it."""

from __future__ import annotations

from typing import Any

import pytest

from sage_accounting import NotFoundError, SageAccounting
from sage_accounting.actions import run_action
from sage_accounting.emulator import Emulator

from .conftest import Ids, Recorder
from .helpers import api_calls, customer


def address(client: SageAccounting, link: dict[str, Any]) -> dict[str, Any]:
    """The full address record behind a contact's address link."""
    result: dict[str, Any] = client.request("GET", link["$path"]).json()
    return result


def every_contact_input(ids: Ids) -> dict[str, Any]:
    return {
        "accountName": "Acme Current", "accountNumber": "12345678", "addressLine1": "1 Main St",
        "addressLine2": "Unit 2", "addressName": "Head Office", "addressTypeId": "ACCOUNTS",
        "bankAccountId": "b4nk", "bic": "NWBKGB2L", "city": "Leeds", "contactTypeIds": "CUSTOMER",
        "countryId": "GB", "creditDays": "30", "creditLimit": "1500.50", "currencyId": "GBP",
        "defaultPurchaseLedgerId": ids.purchases, "defaultSalesLedgerId": ids.sales,
        "defaultSalesTaxRateId": "GB_STANDARD", "deliveryBankAccountId": "d3l1very", "deliveryCity": "York",
        "deliveryCountryId": "IE", "deliveryLine1": "9 Dock Rd", "deliveryLine2": "Gate B",
        "deliveryName": "Warehouse", "deliveryPostalCode": "YO1 7HH", "deliveryRegion": "North Yorkshire",
        "deliveryTypeId": "DELIVERY", "iban": "GB33BUKB20201555555555", "isMainAddress": "true",
        "isMainDelivery": "false", "name": "Acme Ltd", "notes": "Pays on time", "postalCode": "LS1 4AP",
        "reference": "ACME1", "region": "West Yorkshire", "sortCode": "12-34-56", "sourceGuid": "guid-1",
        "taxNumber": "GB123456789",
    }  # fmt: skip


def test_create_contact_maps_every_flat_input(client: SageAccounting, recorder: Recorder, ids: Ids) -> None:
    contact = run_action(client, "createContact", every_contact_input(ids))
    assert recorder.last_body() == {
        "contact": {
            "bank_account_details": {"account_name": "Acme Current", "account_number": "12345678",
                                     "bic": "NWBKGB2L", "iban": "GB33BUKB20201555555555", "sort_code": "12-34-56"},
            "main_address": {"address_line_1": "1 Main St", "address_line_2": "Unit 2", "name": "Head Office",
                             "address_type_id": "ACCOUNTS", "bank_account_id": "b4nk", "city": "Leeds",
                             "country_id": "GB", "postal_code": "LS1 4AP", "region": "West Yorkshire",
                             "is_main_address": True},
            "delivery_address": {"bank_account_id": "d3l1very", "city": "York", "country_id": "IE",
                                 "address_line_1": "9 Dock Rd", "address_line_2": "Gate B", "name": "Warehouse",
                                 "postal_code": "YO1 7HH", "region": "North Yorkshire", "address_type_id": "DELIVERY",
                                 "is_main_address": False},
            "contact_type_ids": ["CUSTOMER"], "credit_days": 30, "credit_limit": "1500.50", "currency_id": "GBP",
            "default_purchase_ledger_account_id": ids.purchases, "default_sales_ledger_account_id": ids.sales,
            "default_sales_tax_rate_id": "GB_STANDARD", "name": "Acme Ltd", "notes": "Pays on time",
            "reference": "ACME1", "source_guid": "guid-1", "tax_number": "GB123456789",
        }
    }  # fmt: skip
    record = run_action(client, "getContact", {"contactId": contact["id"]})
    assert record == contact
    assert record["credit_limit"] == "1500.5" and record["credit_days"] == 30
    assert record["bank_account_details"] == {"account_name": "Acme Current", "account_number": "12345678",
                                              "sort_code": "12-34-56", "bic": "NWBKGB2L",
                                              "iban": "GB33BUKB20201555555555"}  # fmt: skip
    assert [t["id"] for t in record["contact_types"]] == ["CUSTOMER"]
    assert (record["name"], record["reference"], record["notes"]) == ("Acme Ltd", "ACME1", "Pays on time")
    assert (record["tax_number"], record["source_guid"], record["currency"]["id"]) == (
        "GB123456789",
        "guid-1",
        "GBP",
    )
    assert record["default_sales_ledger_account"]["id"] == ids.sales
    assert record["default_purchase_ledger_account"]["id"] == ids.purchases
    assert record["default_sales_tax_rate"]["id"] == "GB_STANDARD"
    main = address(client, record["main_address"])
    assert (main["address_line_1"], main["address_line_2"], main["city"]) == ("1 Main St", "Unit 2", "Leeds")
    assert (main["postal_code"], main["region"], main["name"]) == ("LS1 4AP", "West Yorkshire", "Head Office")
    assert (main["country"]["id"], main["address_type"]["id"], main["is_main_address"]) == (
        "GB",
        "ACCOUNTS",
        True,
    )
    delivery = address(client, record["delivery_address"])
    assert (delivery["address_line_1"], delivery["address_line_2"], delivery["city"]) == (
        "9 Dock Rd",
        "Gate B",
        "York",
    )
    assert (delivery["postal_code"], delivery["region"], delivery["name"]) == (
        "YO1 7HH",
        "North Yorkshire",
        "Warehouse",
    )
    assert (delivery["country"]["id"], delivery["address_type"]["id"]) == ("IE", "DELIVERY")


def test_defaults_alone_never_create_an_address(client: SageAccounting, recorder: Recorder) -> None:
    customer(client, "Bare Ltd")
    assert recorder.last_body() == {"contact": {"name": "Bare Ltd", "contact_type_ids": ["CUSTOMER"]}}
    customer(client, "City Ltd", city="Hull")
    assert recorder.last_body()["contact"]["main_address"] == {"city": "Hull", "is_main_address": False}
    assert "delivery_address" not in recorder.last_body()["contact"]


def test_update_contact_sends_only_the_inputs_given(
    client: SageAccounting, recorder: Recorder, ids: Ids
) -> None:
    before = run_action(client, "createContact", every_contact_input(ids))
    main_before = address(client, before["main_address"])
    delivery_before = address(client, before["delivery_address"])
    after = run_action(
        client, "updateContact", {"contactId": before["id"], "city": "Bradford", "creditLimit": "99"}
    )
    assert recorder.last_body() == {"contact": {"main_address": {"city": "Bradford"}, "credit_limit": "99"}}
    assert after["credit_limit"] == "99.0"
    for field in ("name", "reference", "notes", "tax_number", "credit_days", "bank_account_details", "currency",
                  "default_sales_ledger_account", "contact_types", "source_guid"):  # fmt: skip
        assert after[field] == before[field], field
    main_after = address(client, after["main_address"])
    assert main_after["city"] == "Bradford"
    for field in ("address_line_1", "address_line_2", "postal_code", "region", "name", "country"):
        assert main_after[field] == main_before[field], field
    assert address(client, after["delivery_address"]) == delivery_before


def test_update_contact_maps_the_other_inputs(client: SageAccounting, recorder: Recorder, ids: Ids) -> None:
    contact = customer(client, "Plain Ltd")
    changes = {
        k: v for k, v in every_contact_input(ids).items() if k not in ("contactTypeIds", "isMainAddress")
    }
    changes.update(name="Fancy Ltd", contactTypeIds=["VENDOR"], deliveryCity="Ripon", creditDays="45")
    updated = run_action(client, "updateContact", {"contactId": contact["id"], **changes})
    body = recorder.last_body()["contact"]
    assert (
        body["contact_type_ids"] == ["VENDOR"] and body["name"] == "Fancy Ltd" and body["credit_days"] == 45
    )
    assert (
        body["delivery_address"]["is_main_address"] is False and "is_main_address" not in body["main_address"]
    )
    assert [t["id"] for t in updated["contact_types"]] == ["VENDOR"]
    assert updated["name"] == "Fancy Ltd" and updated["credit_days"] == 45
    assert updated["bank_account_details"]["iban"] == "GB33BUKB20201555555555"
    assert address(client, updated["delivery_address"])["city"] == "Ripon"
    assert address(client, updated["main_address"])["address_line_1"] == "1 Main St"


def test_get_list_and_delete_contacts(emu: Emulator, client: SageAccounting) -> None:
    acme = customer(client, "Acme Ltd", reference="ACME")
    for n in range(4):
        customer(client, f"Customer {n}")
    supplier = run_action(client, "createContact", {"name": "Supplies plc", "contactTypeIds": "VENDOR"})
    page = run_action(client, "listContacts", {"itemsPerPage": "2", "page": "2"})
    assert page["$total"] == 6 and page["$page"] == 2 and len(page["$items"]) == 2
    vendors = run_action(client, "listContacts", {"contactTypeId": "VENDOR", "attributes": "all"})
    assert [c["id"] for c in vendors["$items"]] == [supplier["id"]] and "credit_limit" in vendors["$items"][0]
    assert [c["id"] for c in run_action(client, "listContacts", {"search": "acme"})["$items"]] == [acme["id"]]
    since = run_action(client, "listContacts", {"updated_or_created_since": acme["created_at"]})
    assert since["$total"] == 6
    emu.request_log.clear()
    everything = run_action(client, "listContacts", {"fetchAll": "true", "itemsPerPage": 2})
    assert everything["$total"] == 6 and len(everything["$items"]) == 6 and everything["$next"] is None
    assert len({c["id"] for c in everything["$items"]}) == 6
    assert api_calls(emu) == [("GET", "/v3.1/contacts")] * 3
    assert run_action(client, "deleteContact", {"contactId": acme["id"]}) is None
    with pytest.raises(NotFoundError):
        run_action(client, "getContact", {"contactId": acme["id"]})
    gone = run_action(client, "listContacts", {"deletedSince": "2000-01-01T00:00:00Z"})
    assert [c["id"] for c in gone["$items"]] == [acme["id"]]


def test_contact_persons(client: SageAccounting, recorder: Recorder) -> None:
    contact = customer(client, "People Ltd")
    people = run_action(client, "listContactPeople", {"contactId": contact["id"], "attributes": "all"})
    assert [p["name"] for p in people["$items"]] == ["Main Contact"]
    address_id = contact["main_address"]["id"]
    person = run_action(client, "createContactPerson", {
        "addressId": address_id, "name": "Jo Bloggs", "contactPersonTypeIds": "ACCOUNTS,SALES",
        "jobTitle": "Buyer", "telephone": "0113 496 0000", "mobile": "07700 900000", "email": "jo@people.example",
        "fax": "0113 496 0001", "isMainContact": "true", "isPreferredContact": "false",
    })  # fmt: skip
    assert recorder.last_body() == {"contact_person": {
        "address_id": address_id, "name": "Jo Bloggs", "contact_person_type_ids": ["ACCOUNTS", "SALES"],
        "job_title": "Buyer", "telephone": "0113 496 0000", "mobile": "07700 900000", "email": "jo@people.example",
        "fax": "0113 496 0001", "is_main_contact": True, "is_preferred_contact": False,
    }}  # fmt: skip
    assert [t["id"] for t in person["contact_person_types"]] == ["ACCOUNTS", "SALES"]
    fetched = run_action(client, "getContactPerson", {"contactPersonId": person["id"]})
    assert fetched["email"] == "jo@people.example" and fetched["is_main_contact"] is True
    by_email = run_action(client, "listContacts", {"email": "jo@people.example"})
    assert [c["id"] for c in by_email["$items"]] == [contact["id"]]
    updated = run_action(client, "updateContactPerson", {"contactPersonId": person["id"], "jobTitle": "CFO"})
    assert recorder.last_body() == {"contact_person": {"job_title": "CFO"}}
    assert updated["job_title"] == "CFO" and updated["email"] == "jo@people.example" and updated["mobile"]
    at_address = run_action(client, "listContactPeople", {"addressId": address_id, "fetchAll": True})
    assert at_address["$total"] == 2 and len(at_address["$items"]) == 2
    old_main = next(p for p in at_address["$items"] if p["id"] != person["id"])
    assert run_action(client, "deleteContactPerson", {"contactPersonId": old_main["id"]}) is None
    with pytest.raises(NotFoundError):
        run_action(client, "getContactPerson", {"contactPersonId": old_main["id"]})
    deleted = run_action(
        client, "listContactPeople", {"deletedSince": "2000-01-01", "updated_or_created_since": "2000-01-01"}
    )
    assert [p["id"] for p in deleted["$items"]] == [old_main["id"]]
