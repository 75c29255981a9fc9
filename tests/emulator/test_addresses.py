"""Addresses of their own: POST, PUT and DELETE keep a contact with exactly one main address."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from sage_accounting.emulator import Emulator

from .conftest import assert_error
from .test_invoices import limited_client, make_contact, rejected

Body = dict[str, Any]


@pytest.fixture
def contact(api: httpx.Client) -> Body:
    return make_contact(api, "Acme Ltd", main_address={"address_line_1": "1 Old Street", "city": "Leeds"})


def add(api: httpx.Client, contact: Body, **fields: Any) -> httpx.Response:
    body = {
        "contact_id": contact["id"],
        "address_type_id": "DELIVERY",
        "name": "Warehouse",
        "is_main_address": False,
    }
    return api.post("/addresses", json={"address": {**body, **fields}})


def test_a_delivery_address_is_added_changed_and_deleted(api: httpx.Client, contact: Body) -> None:
    response = add(api, contact, address_line_1="5 Dock Road", city="Hull", postal_code="HU1 1AA")
    assert response.status_code == 201, response.text
    address = response.json()
    assert (address["displayed_as"], address["address_type"]["id"]) == (
        "5 Dock Road, Hull, HU1 1AA",
        "DELIVERY",
    )
    assert address["contact"]["id"] == contact["id"] and address["is_main_address"] is False
    assert api.get(contact["$path"]).json()["delivery_address"]["id"] == address["id"]

    changed = api.put(address["$path"], json={"address": {"city": "Grimsby"}})
    assert changed.status_code == 200 and changed.json()["city"] == "Grimsby"
    assert changed.json()["address_line_1"] == "5 Dock Road"

    assert api.delete(address["$path"]).status_code == 204
    assert api.get(contact["$path"]).json()["delivery_address"] is None
    assert_error(api.get(address["$path"]), 404, "RecordNotFound")
    gone = api.get("/addresses", params={"deleted_since": "2000-01-01"}).json()["$items"]
    assert address["id"] in {g["id"] for g in gone}


def test_a_new_main_address_takes_over_and_the_main_one_stays(api: httpx.Client, contact: Body) -> None:
    old_main = contact["main_address"]["id"]
    new = add(api, contact, address_type_id="ACCOUNTS", name="Head office", is_main_address=True, city="York")
    assert new.status_code == 201, new.text
    shown = api.get(contact["$path"]).json()
    assert shown["main_address"]["id"] == new.json()["id"]
    assert api.get(f"/addresses/{old_main}").json()["is_main_address"] is False
    assert "main address cannot be deleted" in rejected(api.delete(new.json()["$path"]), "base")
    unmark = api.put(new.json()["$path"], json={"address": {"is_main_address": False}})
    assert rejected(unmark, "is_main_address").startswith("A contact needs a main address")
    # making the old one main again swaps back
    assert api.put(f"/addresses/{old_main}", json={"address": {"is_main_address": True}}).status_code == 200
    assert api.get(contact["$path"]).json()["main_address"]["id"] == old_main
    assert api.delete(new.json()["$path"]).status_code == 204


def test_rules_and_roles(emu: Emulator, api: httpx.Client, contact: Body) -> None:
    missing = api.post("/addresses", json={"address": {"contact_id": contact["id"]}})
    for field in ("address_type_id", "name", "is_main_address"):
        assert rejected(missing, field) == "can't be blank"
    assert rejected(add(api, {"id": "0" * 32}), "contact_id") == "is invalid"
    assert rejected(add(api, contact, country_id="XX"), "country_id") == "is invalid"
    reader = limited_client(emu, {"Contacts": "read_only"})
    assert_error(add(reader, contact), 403, "MultiUserAccessDenied")
    restricted = limited_client(emu, {"Contacts": "restricted_access"})
    created = add(restricted, contact)
    assert created.status_code == 201
    assert_error(restricted.delete(created.json()["$path"]), 403, "MultiUserAccessDenied")
