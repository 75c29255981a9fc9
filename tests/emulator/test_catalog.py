"""Products, services and their price lists: shapes, rules, deletion and roles, through HTTP."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from sage_accounting.emulator import Emulator

from .conftest import assert_error
from .test_ledger import ledger_by_code, user_client


@pytest.fixture
def ledgers(api: httpx.Client) -> dict[int, str]:
    return {code: ledger_by_code(api, code)["id"] for code in (4000, 4100, 5000, 7100)}


def product(api: httpx.Client, ledgers: dict[int, str], **changes: Any) -> httpx.Response:
    body = {
        "item_code": "WIDGET",
        "description": "Blue widget",
        "sales_ledger_account_id": ledgers[4000],
        "purchase_ledger_account_id": ledgers[5000],
        **changes,
    }
    return api.post("/products", json={"product": body})


def service(api: httpx.Client, ledgers: dict[int, str], **changes: Any) -> httpx.Response:
    body = {
        "item_code": "CONSULT",
        "description": "Consulting hour",
        "sales_ledger_account_id": ledgers[4100],
    }
    return api.post("/services", json={"service": {**body, **changes}})


def test_product_shape_and_default_prices(api: httpx.Client, ledgers: dict[int, str]) -> None:
    response = product(api, ledgers, cost_price="2.50")
    assert response.status_code == 201, response.text
    p = response.json()
    assert list(p)[:8] == [
        "id",
        "displayed_as",
        "$path",
        "created_at",
        "updated_at",
        "deletable",
        "deactivatable",
        "used_on_recurring_invoice",
    ]
    assert list(p)[-1] == "catalog_item_type"
    assert p["displayed_as"] == "Blue widget" and p["$path"] == f"/products/{p['id']}"
    assert p["item_code"] == "WIDGET" and p["notes"] == "" and p["active"] is True and p["deletable"] is True
    assert p["sales_ledger_account"] == {
        "id": ledgers[4000],
        "displayed_as": "Sales Type A (4000)",
        "$path": f"/ledger_accounts/{ledgers[4000]}",
    }
    assert p["purchase_ledger_account"]["id"] == ledgers[5000]
    # without a tax rate, the ledger account's default applies
    assert p["sales_tax_rate"]["id"] == "GB_STANDARD"
    assert p["cost_price"] == "2.5" and p["usual_supplier"] is None
    assert p["catalog_item_type"] == {
        "id": "PRODUCT",
        "displayed_as": "Non-stock",
        "$path": "/catalog_item_types/PRODUCT",
    }
    assert [s["price_name"] for s in p["sales_prices"]] == ["Sales Price", "Trade", "Wholesale"]
    assert {s["price"] for s in p["sales_prices"]} == {"0.0"}
    first = p["sales_prices"][0]
    assert list(first) == [
        "id",
        "displayed_as",
        "created_at",
        "updated_at",
        "price_name",
        "price",
        "price_includes_tax",
        "product_sales_price_type",
    ]
    price_type = api.get(first["product_sales_price_type"]["$path"]).json()
    assert price_type["name"] == "Sales Price" and price_type["active"] is True
    assert api.get(p["$path"]).json() == p


def test_sales_prices_match_types(api: httpx.Client, ledgers: dict[int, str]) -> None:
    types = api.get("/product_sales_price_types", params={"attributes": "name"}).json()["$items"]
    trade = next(t for t in types if t["name"] == "Trade")
    prices = [
        {"price_name": "Selling Price", "price": "12.50", "price_includes_tax": True},  # first free type
        {"product_sales_price_type_id": trade["id"], "price": 9},
        {"price_name": "wholesale", "price": "8"},  # by name
    ]
    p = product(api, ledgers, sales_prices=prices).json()
    by_type = {s["product_sales_price_type"]["displayed_as"]: s for s in p["sales_prices"]}
    assert (
        by_type["Sales Price"]["price_name"] == "Selling Price" and by_type["Sales Price"]["price"] == "12.5"
    )
    assert by_type["Sales Price"]["price_includes_tax"] is True
    assert by_type["Trade"]["price"] == "9.0" and by_type["Wholesale"]["price"] == "8.0"
    updated = api.put(
        p["$path"],
        json={"product": {"sales_prices": [{"product_sales_price_type_id": trade["id"], "price": 10}]}},
    )
    assert updated.status_code == 200, updated.text
    after = {s["product_sales_price_type"]["displayed_as"]: s for s in updated.json()["sales_prices"]}
    assert after["Trade"]["price"] == "10.0" and after["Trade"]["id"] == by_type["Trade"]["id"]
    assert after["Sales Price"] == by_type["Sales Price"]


def test_sales_price_rules(api: httpx.Client, ledgers: dict[int, str]) -> None:
    bad_type = product(api, ledgers, sales_prices=[{"product_sales_price_type_id": "nope", "price": 1}])
    assert_error(bad_type, 422, "RecordInvalid", "sales_prices[0].product_sales_price_type_id")
    negative = product(api, ledgers, sales_prices=[{"price": -1}])
    assert_error(negative, 422, "RecordInvalid", "sales_prices[0].price")
    too_many = product(api, ledgers, sales_prices=[{"price": 1}] * 4)
    assert_error(too_many, 422, "RecordInvalid", "sales_prices[3].product_sales_price_type_id")
    twice = product(api, ledgers, sales_prices=[{"price_name": "Trade"}, {"price_name": "trade"}])
    assert_error(twice, 422, "RecordInvalid", "sales_prices[1].product_sales_price_type_id")
    assert_error(
        product(api, ledgers, sales_prices=[{"price": "abc"}]), 422, "RecordInvalid", "sales_prices[0].price"
    )


@pytest.mark.parametrize("field", ["description", "sales_ledger_account_id", "purchase_ledger_account_id"])
def test_product_required_fields(api: httpx.Client, ledgers: dict[int, str], field: str) -> None:
    body = {
        "description": "Blue widget",
        "sales_ledger_account_id": ledgers[4000],
        "purchase_ledger_account_id": ledgers[5000],
    }
    del body[field]
    item = assert_error(api.post("/products", json={"product": body}), 422, "RecordInvalid", field)
    assert item["$message"] == "can't be blank"


def test_product_rules(api: httpx.Client, ledgers: dict[int, str]) -> None:
    assert_error(
        product(api, ledgers, sales_ledger_account_id="0" * 32),
        422,
        "RecordInvalid",
        "sales_ledger_account_id",
    )
    assert_error(product(api, ledgers, sales_tax_rate_id="XX"), 422, "RecordInvalid", "sales_tax_rate_id")
    assert_error(
        product(api, ledgers, purchase_tax_rate_id="XX"), 422, "RecordInvalid", "purchase_tax_rate_id"
    )
    assert_error(product(api, ledgers, usual_supplier_id="0" * 32), 422, "RecordInvalid", "usual_supplier_id")
    assert_error(product(api, ledgers, cost_price=-1), 422, "RecordInvalid", "cost_price")
    assert_error(product(api, ledgers, cost_price="lots"), 422, "RecordInvalid", "cost_price")
    assert_error(product(api, ledgers, description="d" * 256), 422, "RecordInvalid", "description")
    assert_error(product(api, ledgers, notes="n" * 501), 422, "RecordInvalid", "notes")
    assert_error(
        product(api, ledgers, catalog_item_type_id="SERVICE"), 422, "RecordInvalid", "catalog_item_type_id"
    )


def test_item_code_unique_across_products_and_services(api: httpx.Client, ledgers: dict[int, str]) -> None:
    assert product(api, ledgers).status_code == 201
    assert_error(product(api, ledgers), 422, "RecordInvalid", "item_code")
    assert_error(service(api, ledgers, item_code="WIDGET"), 422, "RecordInvalid", "item_code")


def test_usual_supplier_must_be_a_supplier(api: httpx.Client, ledgers: dict[int, str]) -> None:
    customer = api.post(
        "/contacts", json={"contact": {"name": "Cust", "contact_type_ids": ["CUSTOMER"]}}
    ).json()
    supplier = api.post(
        "/contacts", json={"contact": {"name": "Supp", "contact_type_ids": ["VENDOR"]}}
    ).json()
    item = assert_error(
        product(api, ledgers, usual_supplier_id=customer["id"]), 422, "RecordInvalid", "usual_supplier_id"
    )
    assert item["$message"] == "Couldn't find Supplier."
    p = product(api, ledgers, usual_supplier_id=supplier["id"]).json()
    assert p["usual_supplier"] == {"id": supplier["id"], "displayed_as": "Supp", "$path": supplier["$path"]}


def test_product_update_is_partial(api: httpx.Client, ledgers: dict[int, str]) -> None:
    p = product(api, ledgers, notes="first").json()
    response = api.put(
        p["$path"],
        json={"product": {"description": "Red widget", "active": False, "sales_tax_rate_id": "GB_ZERO"}},
    )
    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated["displayed_as"] == "Red widget" and updated["active"] is False
    assert updated["sales_tax_rate"]["id"] == "GB_ZERO" and updated["notes"] == "first"
    assert updated["item_code"] == "WIDGET" and updated["sales_prices"] == p["sales_prices"]
    assert_error(
        api.put(p["$path"], json={"product": {"description": ""}}), 422, "RecordInvalid", "description"
    )
    assert_error(
        api.put(p["$path"], json={"product": {"purchase_ledger_account_id": None}}),
        422,
        "RecordInvalid",
        "purchase_ledger_account_id",
    )
    # its own item code is not a clash
    assert api.put(p["$path"], json={"product": {"item_code": "WIDGET"}}).status_code == 200


def test_product_filters(api: httpx.Client, ledgers: dict[int, str]) -> None:
    active = product(api, ledgers).json()
    inactive = product(api, ledgers, item_code="OLD", description="Old gadget", active=False).json()

    def ids(**params: str) -> list[str]:
        return [r["id"] for r in api.get("/products", params=params).json()["$items"]]

    assert ids(active="true") == [active["id"]]
    assert ids(active="false") == [inactive["id"]]
    assert ids(search="gadget") == [inactive["id"]]
    assert ids(search="WIDG") == [active["id"]]


def test_product_delete(api: httpx.Client, ledgers: dict[int, str]) -> None:
    p = product(api, ledgers).json()
    assert api.delete(p["$path"]).status_code == 204
    assert_error(api.get(p["$path"]), 404, "RecordNotFound")
    deleted = api.get("/products", params={"deleted_since": "2000-01-01"}).json()["$items"]
    assert deleted == [{"id": p["id"], "displayed_as": "Blue widget", "$path": p["$path"]}]


def test_product_used_on_invoice_cannot_be_deleted(api: httpx.Client, ledgers: dict[int, str]) -> None:
    p = product(api, ledgers).json()
    customer = api.post(
        "/contacts", json={"contact": {"name": "Cust", "contact_type_ids": ["CUSTOMER"]}}
    ).json()
    invoice = api.post(
        "/sales_invoices",
        json={
            "sales_invoice": {
                "contact_id": customer["id"],
                "date": "2026-01-10",
                "invoice_lines": [
                    {
                        "description": "Blue widget",
                        "product_id": p["id"],
                        "ledger_account_id": ledgers[4000],
                        "quantity": 1,
                        "unit_price": 10,
                        "tax_rate_id": "GB_STANDARD",
                    }
                ],
            }
        },
    )
    assert invoice.status_code == 201, invoice.text
    assert api.get(p["$path"]).json()["deletable"] is False
    item = assert_error(api.delete(p["$path"]), 422, "RecordInvalid", "base")
    assert "deactivate" in item["$message"]


def test_service_shape_and_rates(api: httpx.Client, ledgers: dict[int, str]) -> None:
    response = service(
        api, ledgers, sales_rates=[{"rate_name": "Hourly", "rate": "75", "rate_includes_tax": False}]
    )
    assert response.status_code == 201, response.text
    s = response.json()
    assert list(s)[:5] == ["id", "displayed_as", "$path", "created_at", "updated_at"]
    assert list(s)[-1] == "oss_service" and s["oss_service"] is False
    assert "catalog_item_type" not in s and "sales_prices" not in s
    assert s["displayed_as"] == "Consulting hour" and s["purchase_ledger_account"] is None
    assert s["sales_tax_rate"]["id"] == "GB_STANDARD" and s["purchase_tax_rate"] is None
    (rate,) = s["sales_rates"]
    assert rate["rate_name"] == "Hourly" and rate["rate"] == "75.0" and rate["displayed_as"] == "Hourly"
    assert api.get(rate["service_rate_type"]["$path"]).json()["name"] == "Rate"
    assert api.get(s["$path"]).json() == s


def test_service_rules_and_update(api: httpx.Client, ledgers: dict[int, str]) -> None:
    body: dict[str, Any] = {"description": "Consulting hour"}
    assert_error(
        api.post("/services", json={"service": body}), 422, "RecordInvalid", "sales_ledger_account_id"
    )
    assert_error(
        service(api, ledgers, purchase_ledger_account_id="bad"),
        422,
        "RecordInvalid",
        "purchase_ledger_account_id",
    )
    s = service(api, ledgers).json()
    updated = api.put(
        s["$path"], json={"service": {"oss_service": True, "purchase_ledger_account_id": ledgers[7100]}}
    )
    assert updated.status_code == 200, updated.text
    assert (
        updated.json()["oss_service"] is True
        and updated.json()["purchase_ledger_account"]["id"] == ledgers[7100]
    )
    assert updated.json()["description"] == "Consulting hour"
    assert api.delete(s["$path"]).status_code == 204


@pytest.mark.parametrize(
    "body",
    [
        {"product": {"description": ["x"], "sales_prices": {"price": 1}}},
        {"product": {"description": "x", "sales_prices": [None, 5]}},
        {"product": {"description": "x", "cost_price": {"a": 1}, "active": "maybe"}},
        {"product": []},
    ],
)
def test_malformed_product_bodies_are_422(api: httpx.Client, body: Any) -> None:
    assert api.post("/products", json=body).status_code == 422


def test_products_and_services_read_only_role(
    emu: Emulator, api: httpx.Client, ledgers: dict[int, str]
) -> None:
    p = product(api, ledgers).json()
    s = service(api, ledgers).json()
    with user_client(
        emu, {"Products & Services": "read_only", "Sales": "no_access", "Purchases": "no_access"}
    ) as ro:
        assert ro.get(p["$path"]).status_code == 200 and ro.get("/services").status_code == 200
        item = assert_error(
            ro.post("/products", json={"product": {"description": "x"}}), 403, "MultiUserAccessDenied"
        )
        assert item["$message"] == "The current user is not allowed to access that resource with that method."
        assert_error(ro.put(s["$path"], json={"service": {"description": "y"}}), 403, "MultiUserAccessDenied")
        assert_error(ro.delete(p["$path"]), 403, "MultiUserAccessDenied")


def test_restricted_access_can_write_but_not_delete(
    emu: Emulator, api: httpx.Client, ledgers: dict[int, str]
) -> None:
    p = product(api, ledgers).json()
    with user_client(emu, {"Products & Services": "restricted_access"}) as restricted:
        changed = restricted.put(p["$path"], json={"product": {"description": "Changed"}})
        assert changed.status_code == 200 and changed.json()["description"] == "Changed"
        assert_error(restricted.delete(p["$path"]), 403, "MultiUserAccessDenied")


def test_sales_role_can_read_products(emu: Emulator, api: httpx.Client, ledgers: dict[int, str]) -> None:
    p = product(api, ledgers).json()
    roles = {"Products & Services": "no_access", "Sales": "read_only", "Purchases": "no_access"}
    with user_client(emu, roles) as sales_reader:
        assert sales_reader.get(p["$path"]).status_code == 200
        assert sales_reader.get("/product_sales_price_types").status_code == 200
    with user_client(emu, {**roles, "Sales": "no_access"}) as nobody:
        assert_error(nobody.get("/products"), 403, "MultiUserAccessDenied")


def test_product_and_service_prices_are_rounded_to_cents(api: httpx.Client, ledgers: dict[int, str]) -> None:
    from .test_invoices import created

    item = created(
        product(api, ledgers, cost_price="2.345", sales_prices=[{"price_name": "Trade", "price": "12.345"}])
    )
    assert item["cost_price"] == "2.35"
    assert {p["price_name"]: p["price"] for p in item["sales_prices"]}["Trade"] == "12.35"
    rate = created(service(api, ledgers, sales_rates=[{"rate_name": "Rate", "rate": 99.995}]))
    assert rate["sales_rates"][0]["rate"] == "100.0"
