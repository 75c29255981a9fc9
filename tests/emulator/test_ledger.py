"""Ledger accounts: shape, rules, filters and roles, through HTTP."""

from __future__ import annotations

import itertools
from typing import Any

import httpx
import pytest

from sage_accounting.emulator import Emulator

from .conftest import assert_error, client_for

_emails = itertools.count(1)


def user_client(emu: Emulator, roles: dict[str, str]) -> httpx.Client:
    """A client for a new user of the seeded business with ``roles`` (other areas: Full Access)."""
    business_id = next(iter(emu.state.businesses))
    n = next(_emails)
    summary = emu.seed(
        {
            "users": [
                {
                    "id": f"role-user-{n}",
                    "first_name": "R",
                    "last_name": "O",
                    "email": f"ro{n}@example.com",
                    "businesses": {business_id: roles},
                }
            ]
        }
    )
    assert f"role-user-{n}" in summary["users"]
    return client_for(emu, emu.grant_tokens(user_id=f"role-user-{n}")["access_token"])


def ledger_by_code(api: httpx.Client, code: int) -> dict[str, Any]:
    items = api.get(
        "/ledger_accounts", params={"attributes": "all", "items_per_page": 200, "search": str(code)}
    )
    assert items.status_code == 200, items.text
    found = [r for r in items.json()["$items"] if r["nominal_code"] == code]
    assert len(found) == 1, found
    return found[0]


NEW = {
    "ledger_account_type_id": "SALES",
    "included_in_chart": True,
    "name": "Sales Test",
    "display_name": "Test account for Sales",
    "nominal_code": 4444,
}


def create(api: httpx.Client, **changes: Any) -> httpx.Response:
    return api.post("/ledger_accounts", json={"ledger_account": {**NEW, **changes}})


def test_chart_record_shape(api: httpx.Client) -> None:
    record = ledger_by_code(api, 4000)
    assert list(record)[:6] == [
        "id",
        "displayed_as",
        "$path",
        "created_at",
        "updated_at",
        "ledger_account_group",
    ]
    assert "links" not in record and "balance_details" not in record
    assert record["displayed_as"] == "Sales Type A (4000)"
    assert record["$path"] == f"/ledger_accounts/{record['id']}"
    assert record["ledger_account_group"] == {"id": "INCOME", "displayed_as": "Income"}
    assert record["ledger_account_type"] == {
        "id": "SALES",
        "displayed_as": "Sales",
        "$path": "/ledger_account_types/SALES",
    }
    assert record["tax_rate"]["id"] == "GB_STANDARD"
    assert record["display_formatted"] == "4000 - Sales Type A"
    assert record["visible_scopes"] == ["journals", "other_receipt", "reporting", "sales"]
    assert record["is_control_account"] is False and record["control_name"] is None


def test_nominal_code_is_padded_to_four_digits(api: httpx.Client) -> None:
    record = ledger_by_code(api, 30)
    assert record["displayed_as"].endswith(" (0030)")
    assert record["display_formatted"].startswith("0030 - ")


def test_create_minimum_fields(api: httpx.Client) -> None:
    response = create(api)
    assert response.status_code == 201, response.text
    record = response.json()
    assert record["displayed_as"] == "Sales Test (4444)"
    assert record["name"] == "Sales Test" and record["display_name"] == "Test account for Sales"
    assert record["nominal_code"] == 4444 and record["included_in_chart"] is True
    assert record["tax_rate"] is None and record["bank_attached"] is False
    assert api.get(record["$path"]).json() == record


def test_create_with_tax_rate_and_flags(api: httpx.Client) -> None:
    response = create(
        api, tax_rate_id="GB_ZERO", visible_in_banking=True, visible_in_sales=False, fixed_tax_rate=True
    )
    assert response.status_code == 201, response.text
    record = response.json()
    assert record["tax_rate"]["id"] == "GB_ZERO" and record["fixed_tax_rate"] is True
    assert record["visible_in_banking"] is True and record["visible_in_sales"] is False
    assert "bank" in record["visible_scopes"] and "sales" not in record["visible_scopes"]


@pytest.mark.parametrize(
    "field", ["ledger_account_type_id", "included_in_chart", "name", "display_name", "nominal_code"]
)
def test_required_fields(api: httpx.Client, field: str) -> None:
    body = {k: v for k, v in NEW.items() if k != field}
    response = api.post("/ledger_accounts", json={"ledger_account": body})
    item = assert_error(response, 422, "RecordInvalid", field)
    assert item["$message"] == "can't be blank"


def test_missing_fields_are_all_named(api: httpx.Client) -> None:
    response = api.post("/ledger_accounts", json={"ledger_account": {}})
    assert response.status_code == 422
    assert {i["$source"] for i in response.json()} == {
        "ledger_account_type_id",
        "included_in_chart",
        "name",
        "display_name",
        "nominal_code",
    }


def test_duplicate_nominal_code(api: httpx.Client) -> None:
    item = assert_error(create(api, nominal_code=4000), 422, "RecordInvalid", "nominal_code")
    assert "taken" in item["$message"]


@pytest.mark.parametrize("code", [0, -5, 100_000_000, "abc", 12.5, True])
def test_bad_nominal_code(api: httpx.Client, code: Any) -> None:
    assert_error(create(api, nominal_code=code), 422, "RecordInvalid", "nominal_code")


def test_unknown_type_and_tax_rate(api: httpx.Client) -> None:
    response = create(api, ledger_account_type_id="NOPE", tax_rate_id="XX_RATE")
    assert_error(response, 422, "RecordInvalid", "ledger_account_type_id")
    assert_error(response, 422, "RecordInvalid", "tax_rate_id")


def test_name_too_long(api: httpx.Client) -> None:
    item = assert_error(create(api, name="x" * 201), 422, "RecordInvalid", "name")
    assert "200" in item["$message"]


def test_control_name_cannot_be_set(api: httpx.Client) -> None:
    assert_error(create(api, control_name="SALES_TAX"), 422, "RecordInvalid", "control_name")


@pytest.mark.parametrize(
    "body",
    [[], "text", 1, {"ledger_account": None}, {"ledger_account": []}, {"other": {}}],
)
def test_malformed_bodies_are_422(api: httpx.Client, body: Any) -> None:
    response = api.post("/ledger_accounts", json=body)
    assert response.status_code == 422, response.text
    assert response.json()[0]["$dataCode"] == "RecordInvalid"


def test_update_is_partial(api: httpx.Client) -> None:
    record = create(api).json()
    response = api.put(record["$path"], json={"ledger_account": {"name": "Renamed", "nominal_code": 4445}})
    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated["displayed_as"] == "Renamed (4445)" and updated["display_formatted"] == "4445 - Renamed"
    assert updated["display_name"] == "Test account for Sales"
    assert updated["ledger_account_type"]["id"] == "SALES"
    assert updated["created_at"] == record["created_at"]


def test_update_type_changes_group(api: httpx.Client) -> None:
    record = create(api).json()
    updated = api.put(
        record["$path"], json={"ledger_account": {"ledger_account_type_id": "OVERHEADS"}}
    ).json()
    assert updated["ledger_account_group"] == {"id": "EXPENSE", "displayed_as": "Expense"}


def test_update_rules(api: httpx.Client) -> None:
    record = create(api).json()
    assert_error(
        api.put(record["$path"], json={"ledger_account": {"nominal_code": 4000}}),
        422,
        "RecordInvalid",
        "nominal_code",
    )
    assert_error(
        api.put(record["$path"], json={"ledger_account": {"name": None}}), 422, "RecordInvalid", "name"
    )
    assert_error(
        api.put(record["$path"], json={"ledger_account": {"tax_rate_id": "BAD"}}),
        422,
        "RecordInvalid",
        "tax_rate_id",
    )
    # keeping its own code is not a clash
    assert api.put(record["$path"], json={"ledger_account": {"nominal_code": 4444}}).status_code == 200


def test_update_clears_tax_rate(api: httpx.Client) -> None:
    record = create(api, tax_rate_id="GB_STANDARD").json()
    updated = api.put(record["$path"], json={"ledger_account": {"tax_rate_id": None}}).json()
    assert updated["tax_rate"] is None


def test_bank_ledger_type_cannot_change(api: httpx.Client) -> None:
    bank_ledger = ledger_by_code(api, 1200)
    assert bank_ledger["bank_attached"] is True
    response = api.put(bank_ledger["$path"], json={"ledger_account": {"ledger_account_type_id": "SALES"}})
    assert_error(response, 422, "RecordInvalid", "ledger_account_type_id")


def test_no_delete(api: httpx.Client) -> None:
    record = ledger_by_code(api, 4000)
    response = api.delete(record["$path"])
    assert_error(response, 405, "MethodNotAllowed")
    assert "DELETE" not in response.headers["allow"]
    assert api.get(record["$path"]).status_code == 200


def test_unknown_id_is_404(api: httpx.Client) -> None:
    assert_error(api.get("/ledger_accounts/" + "0" * 32), 404, "RecordNotFound")
    assert_error(api.put("/ledger_accounts/" + "0" * 32, json={"ledger_account": {}}), 404, "RecordNotFound")


def test_filters(api: httpx.Client) -> None:
    def codes(**params: Any) -> set[int]:
        response = api.get(
            "/ledger_accounts", params={"attributes": "nominal_code", "items_per_page": 200, **params}
        )
        assert response.status_code == 200, response.text
        return {r["nominal_code"] for r in response.json()["$items"]}

    everything = codes()
    sales = codes(ledger_account_type_id="SALES")
    assert 4000 in sales and 1200 not in sales
    banking = codes(visible_in="banking")
    assert 1200 in banking and 4000 not in banking
    assert codes(not_visible_in="banking") == everything - banking
    assert codes(visible_in="journals") <= everything
    assert codes(show_control_accounts="false") == everything
    assert codes(show_control_accounts="true") == set()
    assert codes(show_included_in_chart="true") == everything
    assert codes(search="Sales Type A") == {4000}
    assert codes(search="4000") == {4000}
    assert_error(api.get("/ledger_accounts", params={"visible_in": "nowhere"}), 400, "InvalidParameter")


def test_updated_or_created_since(emu: Emulator, api: httpx.Client) -> None:
    emu.clock.advance(60)  # within the token lifetime
    record = create(api).json()
    response = api.get("/ledger_accounts", params={"updated_or_created_since": record["created_at"]})
    assert [r["id"] for r in response.json()["$items"]] == [record["id"]]


def test_settings_read_only_cannot_write(emu: Emulator, api: httpx.Client) -> None:
    with user_client(emu, {"Settings": "read_only"}) as reader:
        item = assert_error(
            reader.post("/ledger_accounts", json={"ledger_account": NEW}), 403, "MultiUserAccessDenied"
        )
        assert item["$message"] == "The current user is not allowed to access that resource with that method."
        record = ledger_by_code(api, 4000)
        assert_error(
            reader.put(record["$path"], json={"ledger_account": {"name": "x"}}), 403, "MultiUserAccessDenied"
        )
        assert reader.get(record["$path"]).status_code == 200


def test_settings_restricted_cannot_write(emu: Emulator) -> None:
    with user_client(emu, {"Settings": "restricted_access"}) as restricted:
        assert_error(
            restricted.post("/ledger_accounts", json={"ledger_account": NEW}), 403, "MultiUserAccessDenied"
        )


def test_read_needs_one_listed_area(emu: Emulator) -> None:
    none = dict.fromkeys(
        ("Sales", "Purchases", "Bank", "Contacts", "Products & Services", "Settings", "Journals"), "no_access"
    )
    with user_client(emu, none) as nobody:
        assert_error(nobody.get("/ledger_accounts"), 403, "MultiUserAccessDenied")
    with user_client(emu, {**none, "Journals": "read_only"}) as journals_reader:
        assert journals_reader.get("/ledger_accounts").status_code == 200
    # Settings has no Restricted Access read
    with user_client(emu, {**none, "Settings": "restricted_access"}) as restricted:
        assert_error(restricted.get("/ledger_accounts"), 403, "MultiUserAccessDenied")
