"""Sage's list behaviour: envelope, pagination, attributes and the change filters."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from sage_accounting.emulator import Emulator

from .conftest import assert_error
from .test_api_pipeline import make_contact


@pytest.fixture
def twenty_five(api: httpx.Client) -> list[str]:
    return [make_contact(api, f"Customer {i:02d}", reference=f"C{i:02d}")["id"] for i in range(25)]


def test_envelope_keys_and_defaults(api: httpx.Client, twenty_five: list[str]) -> None:
    body = api.get("/contacts").json()
    assert list(body) == ["$total", "$page", "$next", "$back", "$itemsPerPage", "$items"]
    assert body["$total"] == 25 and body["$page"] == 1 and body["$itemsPerPage"] == 20
    assert body["$back"] is None
    assert body["$next"] == "/contacts?page=2&items_per_page=20"
    assert len(body["$items"]) == 20
    assert all(list(item) == ["id", "displayed_as", "$path"] for item in body["$items"])
    assert body["$items"][0]["displayed_as"] == "Customer 00 (C00)"
    assert body["$items"][0]["$path"] == f"/contacts/{twenty_five[0]}"


def test_walking_next_visits_every_record_once_and_keeps_params(
    api: httpx.Client, twenty_five: list[str]
) -> None:
    seen: list[str] = []
    url: str | None = "/contacts?items_per_page=7&attributes=name&search=customer"
    pages = 0
    while url:
        body = api.get(url).json()
        seen += [item["id"] for item in body["$items"]]
        assert all("name" in item for item in body["$items"])
        url = body["$next"]
        pages += 1
        if url:
            query = parse_qs(urlsplit(url).query)
            assert query["items_per_page"] == ["7"] and query["attributes"] == ["name"]
            assert query["search"] == ["customer"]
    assert pages == 4 and seen == twenty_five


def test_back_link_and_page_past_the_end_returns_last_page(api: httpx.Client, twenty_five: list[str]) -> None:
    body = api.get("/contacts", params={"page": 99, "items_per_page": 10}).json()
    assert body["$page"] == 3 and len(body["$items"]) == 5
    assert body["$next"] is None
    assert body["$back"] == "/contacts?page=2&items_per_page=10"


@pytest.mark.parametrize(("asked", "used"), [(0, 1), (1, 1), (200, 200), (500, 200), (-3, 1)])
def test_items_per_page_is_kept_within_1_to_200(
    api: httpx.Client, twenty_five: list[str], asked: int, used: int
) -> None:
    body = api.get("/contacts", params={"items_per_page": asked}).json()
    assert body["$itemsPerPage"] == used
    assert len(body["$items"]) == min(used, 25)


@pytest.mark.parametrize("param", ["items_per_page", "page"])
def test_non_integer_paging_param_is_400(api: httpx.Client, param: str) -> None:
    item = assert_error(api.get("/contacts", params={param: "ten"}), 400, "InvalidParameter")
    assert item["$source"] == param


def test_empty_list(api: httpx.Client) -> None:
    body = api.get("/contacts").json()
    assert body == {"$total": 0, "$page": 1, "$next": None, "$back": None, "$itemsPerPage": 20, "$items": []}


def test_attributes_all_and_named(api: httpx.Client) -> None:
    contact = make_contact(api, "Named", reference="N1", credit_limit="2500.50")
    full = api.get("/contacts", params={"attributes": "all"}).json()["$items"][0]
    assert full == api.get(f"/contacts/{contact['id']}").json()
    some = api.get("/contacts", params={"attributes": "credit_limit,name"}).json()["$items"][0]
    assert list(some) == ["id", "displayed_as", "$path", "name", "credit_limit"]
    assert some["credit_limit"] == "2500.5"
    one = api.get(f"/contacts/{contact['id']}", params={"attributes": "reference"}).json()
    assert one == {
        "id": contact["id"],
        "displayed_as": "Named (N1)",
        "$path": contact["$path"],
        "reference": "N1",
    }


def test_updated_or_created_since_is_inclusive(api: httpx.Client, emu: Emulator) -> None:
    old = make_contact(api, "Old")
    emu.clock.advance(100)
    new = make_contact(api, "New")
    since = new["created_at"]
    ids = [i["id"] for i in api.get("/contacts", params={"updated_or_created_since": since}).json()["$items"]]
    assert ids == [new["id"]]
    emu.clock.advance(60)
    api.put(f"/contacts/{old['id']}", json={"contact": {"notes": "touched"}})
    ids = [i["id"] for i in api.get("/contacts", params={"updated_or_created_since": since}).json()["$items"]]
    assert sorted(ids) == sorted([old["id"], new["id"]])
    # offsets and plain dates are accepted
    assert (
        api.get("/contacts", params={"updated_or_created_since": "2000-01-01T00:00:00+01:00"}).json()[
            "$total"
        ]
        == 2
    )
    assert api.get("/contacts", params={"updated_or_created_since": "2000-01-01"}).json()["$total"] == 2
    assert_error(
        api.get("/contacts", params={"updated_or_created_since": "yesterday"}), 400, "InvalidParameter"
    )


def test_deleted_since_is_exclusive_and_returns_deleted_records(api: httpx.Client, emu: Emulator) -> None:
    keep = make_contact(api, "Keep")
    gone = make_contact(api, "Gone", reference="G1")
    before = emu.clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    emu.clock.advance(10)
    assert api.delete(f"/contacts/{gone['id']}").status_code == 204
    deleted = api.get("/contacts", params={"deleted_since": before}).json()
    assert deleted["$items"] == [{"id": gone["id"], "displayed_as": "Gone (G1)", "$path": gone["$path"]}]
    at = emu.clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    assert api.get("/contacts", params={"deleted_since": at}).json()["$total"] == 0
    assert [i["id"] for i in api.get("/contacts").json()["$items"]] == [keep["id"]]
    # the contact's main address and person went with it
    persons = api.get("/contact_persons", params={"deleted_since": before}).json()
    assert persons["$total"] == 1


def test_search_and_contact_type_filter(api: httpx.Client) -> None:
    make_contact(api, "Blue Widgets", reference="BW1")
    vendor = api.post(
        "/contacts", json={"contact": {"name": "Green Supplies", "contact_type_ids": ["VENDOR"]}}
    ).json()
    assert [i["displayed_as"] for i in api.get("/contacts", params={"search": "widg"}).json()["$items"]] == [
        "Blue Widgets (BW1)"
    ]
    assert api.get("/contacts", params={"search": "bw1"}).json()["$total"] == 1
    vendors = api.get("/contacts", params={"contact_type_id": "VENDOR"}).json()["$items"]
    assert [v["id"] for v in vendors] == [vendor["id"]]


def test_reference_lists(api: httpx.Client) -> None:
    types = api.get("/contact_types").json()["$items"]
    assert types == [
        {"id": "CUSTOMER", "displayed_as": "Customer", "$path": "/contact_types/CUSTOMER"},
        {"id": "VENDOR", "displayed_as": "Supplier", "$path": "/contact_types/VENDOR"},
    ]
    assert api.get("/countries").json()["$total"] > 200
    assert api.get("/currencies/GBP").json()["displayed_as"] == "Pound Sterling (GBP)"
    standard = api.get("/tax_rates/GB_STANDARD").json()
    assert standard["percentage"] == "20.0" and standard["displayed_as"] == "Standard 20.00%"
    for path in (
        "/address_types",
        "/contact_person_types",
        "/artefact_statuses",
        "/bank_account_types",
        "/payment_methods",
        "/transaction_types",
        "/ledger_account_types",
    ):
        body = api.get(path).json()
        assert body["$total"] > 0, path
        assert all(item["id"] == item["id"].upper() for item in body["$items"]), path


def test_nested_attributes_expand_links_one_level(api: httpx.Client) -> None:
    contact = make_contact(api, "Nested Ltd", reference="NL1", main_address={"city": "Bath"})
    full = api.get(contact["$path"], params={"nested_attributes": "all"}).json()
    assert full["main_address"]["city"] == "Bath"
    assert full["main_address"]["contact"] == {  # one level only: the address's own links stay links
        "id": contact["id"],
        "displayed_as": "Nested Ltd (NL1)",
        "$path": contact["$path"],
    }
    assert full["contact_types"][0]["displayed_as"] == "Customer"
    some = api.get(contact["$path"], params={"nested_attributes": "city"}).json()
    assert some["main_address"] == {
        "id": contact["main_address"]["id"],
        "displayed_as": "Bath",
        "$path": contact["main_address"]["$path"],
        "city": "Bath",
    }
    listed = api.get("/contacts", params={"attributes": "main_address", "nested_attributes": "all"}).json()
    assert listed["$items"][0]["main_address"]["city"] == "Bath"
    assert api.get(contact["$path"]).json()["main_address"] == contact["main_address"]
