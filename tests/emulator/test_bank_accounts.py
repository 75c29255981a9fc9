"""Bank accounts: defaults, their ledger accounts, activity, deletion and roles, through HTTP."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from sage_accounting.emulator import Emulator

from .conftest import assert_error
from .test_ledger import ledger_by_code, user_client


def bank_by_code(api: httpx.Client, code: int) -> dict[str, Any]:
    items = api.get("/bank_accounts", params={"attributes": "all"}).json()["$items"]
    found = [b for b in items if b["nominal_code"] == code]
    assert len(found) == 1, items
    return found[0]


def create(api: httpx.Client, **body: Any) -> httpx.Response:
    body.setdefault("bank_account_type_id", "SAVINGS")
    body.setdefault("bank_account_details", {"account_name": "Rainy Day"})
    return api.post("/bank_accounts", json={"bank_account": body})


def receipt(api: httpx.Client, bank_id: str, amount: str = "50.00") -> dict[str, Any]:
    contact = api.post(
        "/contacts", json={"contact": {"name": "Payer", "contact_type_ids": ["CUSTOMER"]}}
    ).json()
    response = api.post(
        "/contact_payments",
        json={
            "contact_payment": {
                "transaction_type_id": "CUSTOMER_RECEIPT",
                "contact_id": contact["id"],
                "bank_account_id": bank_id,
                "date": "2026-01-05",
                "total_amount": amount,
                "allocated_artefacts": [],
            }
        },
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_default_bank_accounts(api: httpx.Client) -> None:
    current = bank_by_code(api, 1200)
    assert list(current)[:7] == [
        "id",
        "displayed_as",
        "$path",
        "created_at",
        "updated_at",
        "deleted_at",
        "bank_account_details",
    ]
    assert current["deleted_at"] is None
    assert current["displayed_as"] == "Current (1200)"
    assert current["$path"] == f"/bank_accounts/{current['id']}"
    assert current["bank_account_type"] == {
        "id": "CHECKING",
        "displayed_as": "Current",
        "$path": "/bank_account_types/CHECKING",
    }
    assert current["balance"] == "0.0" and current["deletable"] is True and current["is_active"] is True
    assert current["currency"]["id"] == "GBP"
    assert current["default_payment_method"]["id"] == "ELECTRONIC"
    cash = bank_by_code(api, 1210)
    assert cash["bank_account_type"]["id"] == "CASH_IN_HAND"
    assert cash["default_payment_method"]["id"] == "CASH"


def test_bank_ledger_account(api: httpx.Client) -> None:
    current = bank_by_code(api, 1200)
    account = api.get(current["ledger_account"]["$path"]).json()
    assert account["displayed_as"] == "Current (1200)" and account["nominal_code"] == 1200
    assert account["ledger_account_type"]["id"] == "BANK" and account["bank_attached"] is True
    assert account["visible_in_banking"] is True
    assert current["ledger_account"] == {
        "id": account["id"],
        "displayed_as": "Current (1200)",
        "$path": account["$path"],
    }


def test_create_minimal_opens_next_bank_ledger(api: httpx.Client) -> None:
    response = create(api)
    assert response.status_code == 201, response.text
    bank = response.json()
    assert bank["nominal_code"] == 1201 and bank["displayed_as"] == "Rainy Day (1201)"
    assert bank["balance"] == "0.0" and bank["bank_account_type"]["id"] == "SAVINGS"
    assert bank["bank_account_details"] == {
        "account_name": "Rainy Day",
        "account_number": None,
        "sort_code": None,
        "bic": None,
        "iban": None,
    }
    account = ledger_by_code(api, 1201)
    assert account["id"] == bank["ledger_account"]["id"] and account["ledger_account_type"]["id"] == "BANK"
    assert api.get(bank["$path"]).json() == bank


def test_create_full(api: httpx.Client) -> None:
    response = create(
        api,
        nominal_code=1260,
        currency_id="GBP",
        default_payment_method_id="CHECK",
        is_active=False,
        bank_account_details={"account_name": "Reserve", "account_number": "123", "sort_code": "11-22-33"},
        main_address={"address_line_1": "1 Bank St", "city": "Leeds", "country_id": "GB"},
        main_contact_person={"name": "Manager", "email": "m@bank.test"},
    )
    assert response.status_code == 201, response.text
    bank = response.json()
    assert bank["displayed_as"] == "Reserve (1260)" and bank["is_active"] is False
    assert bank["default_payment_method"]["id"] == "CHECK"
    assert bank["main_address"]["city"] == "Leeds" and bank["main_address"]["country"]["id"] == "GB"
    assert bank["main_contact_person"]["email"] == "m@bank.test"
    assert ledger_by_code(api, 1260)["name"] == "Reserve"


def test_attach_existing_bank_ledger(api: httpx.Client) -> None:
    ledger = api.post(
        "/ledger_accounts",
        json={
            "ledger_account": {
                "ledger_account_type_id": "BANK",
                "included_in_chart": True,
                "name": "Spare",
                "display_name": "Spare",
                "nominal_code": 1270,
            }
        },
    ).json()
    bank = create(api, ledger_account_id=ledger["id"]).json()
    assert bank["ledger_account"]["id"] == ledger["id"] and bank["nominal_code"] == 1270
    assert api.get(ledger["$path"]).json()["bank_attached"] is True
    # now taken: neither its id nor its code can open another bank account
    assert_error(create(api, ledger_account_id=ledger["id"]), 422, "RecordInvalid", "ledger_account_id")
    assert_error(create(api, nominal_code=1270), 422, "RecordInvalid", "nominal_code")


def test_rules(api: httpx.Client) -> None:
    assert_error(create(api, nominal_code=4000), 422, "RecordInvalid", "nominal_code")
    assert_error(create(api, nominal_code=0), 422, "RecordInvalid", "nominal_code")
    sales = ledger_by_code(api, 4000)
    assert_error(create(api, ledger_account_id=sales["id"]), 422, "RecordInvalid", "ledger_account_id")
    assert_error(create(api, ledger_account_id="0" * 32), 422, "RecordInvalid", "ledger_account_id")
    assert_error(create(api, bank_account_type_id="PIGGY"), 422, "RecordInvalid", "bank_account_type_id")
    assert_error(create(api, currency_id="XXX"), 422, "RecordInvalid", "currency_id")
    assert_error(
        create(api, default_payment_method_id="GOLD"), 422, "RecordInvalid", "default_payment_method_id"
    )
    assert_error(
        create(api, main_address={"country_id": "ZZ"}), 422, "RecordInvalid", "main_address.country_id"
    )
    assert_error(
        create(api, main_address={"postal_code": "X" * 11}), 422, "RecordInvalid", "main_address.postal_code"
    )


def test_required_fields(api: httpx.Client) -> None:
    response = api.post("/bank_accounts", json={"bank_account": {}})
    item = assert_error(response, 422, "RecordInvalid", "bank_account_type_id")
    assert item["$message"] == "can't be blank"
    assert_error(response, 422, "RecordInvalid", "bank_account_details")
    assert_error(
        create(api, bank_account_details={"account_number": "1"}),
        422,
        "RecordInvalid",
        "bank_account_details.account_name",
    )


@pytest.mark.parametrize(
    "body",
    [
        {"bank_account": {"bank_account_type_id": "SAVINGS", "bank_account_details": "x"}},
        {
            "bank_account": {
                "bank_account_type_id": ["SAVINGS"],
                "bank_account_details": {"account_name": "A"},
            }
        },
        {"bank_account": {"bank_account_type_id": "SAVINGS", "bank_account_details": {"account_name": {}}}},
        {"bank_account": {"bank_account_type_id": "SAVINGS", "main_address": [], "nominal_code": "x"}},
        {"bank_account": "SAVINGS"},
    ],
)
def test_malformed_bodies_are_422(api: httpx.Client, body: Any) -> None:
    response = api.post("/bank_accounts", json=body)
    assert response.status_code == 422, response.text


def test_update_is_partial_and_renames_ledger(api: httpx.Client) -> None:
    bank = create(api).json()
    response = api.put(
        bank["$path"], json={"bank_account": {"bank_account_details": {"account_name": "Stormy"}}}
    )
    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated["displayed_as"] == "Stormy (1201)"
    assert updated["bank_account_type"]["id"] == "SAVINGS"
    assert updated["bank_account_details"]["account_name"] == "Stormy"
    assert ledger_by_code(api, 1201)["displayed_as"] == "Stormy (1201)"
    moved = api.put(bank["$path"], json={"bank_account": {"nominal_code": 1280, "is_active": False}}).json()
    assert moved["nominal_code"] == 1280 and moved["is_active"] is False
    assert ledger_by_code(api, 1280)["id"] == bank["ledger_account"]["id"]


def test_update_rules(api: httpx.Client) -> None:
    bank = create(api).json()
    path = bank["$path"]
    assert_error(
        api.put(path, json={"bank_account": {"nominal_code": 1200}}), 422, "RecordInvalid", "nominal_code"
    )
    assert_error(
        api.put(path, json={"bank_account": {"currency_id": "EUR"}}), 422, "RecordInvalid", "currency_id"
    )
    assert_error(
        api.put(path, json={"bank_account": {"bank_account_details": {"account_name": ""}}}),
        422,
        "RecordInvalid",
        "bank_account_details.account_name",
    )
    assert_error(
        api.put(path, json={"bank_account": {"bank_account_type_id": None}}),
        422,
        "RecordInvalid",
        "bank_account_type_id",
    )
    assert api.get(path).json()["displayed_as"] == "Rainy Day (1201)"


def test_delete_without_activity(api: httpx.Client) -> None:
    bank = create(api).json()
    assert api.delete(bank["$path"]).status_code == 204
    assert_error(api.get(bank["$path"]), 404, "RecordNotFound")
    assert_error(api.get(bank["ledger_account"]["$path"]), 404, "RecordNotFound")
    deleted = api.get("/bank_accounts", params={"deleted_since": "2000-01-01"}).json()["$items"]
    assert [d["id"] for d in deleted] == [bank["id"]]
    # the nominal code is free again
    assert create(api, nominal_code=1201).status_code == 201


def test_contact_payment_is_activity(api: httpx.Client) -> None:
    bank = create(api).json()
    receipt(api, bank["id"], "50.00")
    refreshed = api.get(bank["$path"]).json()
    assert refreshed["balance"] == "50.0" and refreshed["deletable"] is False
    listed = api.get("/bank_accounts", params={"attributes": "balance,deletable"}).json()["$items"]
    assert {"id": bank["id"], "balance": "50.0", "deletable": False}.items() <= next(
        b for b in listed if b["id"] == bank["id"]
    ).items()
    item = assert_error(api.delete(bank["$path"]), 422, "RecordInvalid", "base")
    assert "cannot be deleted" in item["$message"]
    assert api.get(bank["$path"]).status_code == 200


def test_journal_on_its_ledger_is_activity(api: httpx.Client) -> None:
    bank = create(api).json()
    capital = ledger_by_code(api, 3000)
    response = api.post(
        "/journals",
        json={
            "journal": {
                "date": "2026-02-01",
                "reference": "FUND",
                "journal_lines": [
                    {"ledger_account_id": bank["ledger_account"]["id"], "debit": "100", "credit": "0"},
                    {"ledger_account_id": capital["id"], "debit": "0", "credit": "100"},
                ],
            }
        },
    )
    assert response.status_code == 201, response.text
    refreshed = api.get(bank["$path"]).json()
    assert refreshed["balance"] == "100.0" and refreshed["deletable"] is False
    assert_error(api.delete(bank["$path"]), 422, "RecordInvalid", "base")
    # once the journal is gone, so is the activity
    assert api.delete(response.json()["$path"]).status_code == 204
    assert api.delete(bank["$path"]).status_code == 204


def test_bank_read_only_cannot_write(emu: Emulator, api: httpx.Client) -> None:
    bank = create(api).json()
    with user_client(emu, {"Bank": "read_only"}) as reader:
        assert reader.get(bank["$path"]).status_code == 200
        assert reader.get("/bank_accounts").status_code == 200
        body = {
            "bank_account": {"bank_account_type_id": "SAVINGS", "bank_account_details": {"account_name": "X"}}
        }
        item = assert_error(reader.post("/bank_accounts", json=body), 403, "MultiUserAccessDenied")
        assert item["$message"] == "The current user is not allowed to access that resource with that method."
        assert_error(reader.put(bank["$path"], json={"bank_account": {}}), 403, "MultiUserAccessDenied")
        assert_error(reader.delete(bank["$path"]), 403, "MultiUserAccessDenied")
    assert api.get(bank["$path"]).status_code == 200


def test_bank_restricted_cannot_write_and_no_access_cannot_read(emu: Emulator) -> None:
    body = {
        "bank_account": {"bank_account_type_id": "SAVINGS", "bank_account_details": {"account_name": "X"}}
    }
    with user_client(emu, {"Bank": "restricted_access"}) as restricted:
        assert restricted.get("/bank_accounts").status_code == 200
        assert_error(restricted.post("/bank_accounts", json=body), 403, "MultiUserAccessDenied")
    with user_client(emu, {"Bank": "no_access"}) as nobody:
        assert_error(nobody.get("/bank_accounts"), 403, "MultiUserAccessDenied")
