"""Journals: shape, double-entry rules, no editing, roles, through HTTP."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from sage_accounting.emulator import Emulator

from .conftest import assert_error
from .test_ledger import ledger_by_code, user_client


@pytest.fixture
def accounts(api: httpx.Client) -> tuple[str, str]:
    """Ids of two chart accounts: fixed asset cost (0030) and its depreciation (0031)."""
    return ledger_by_code(api, 30)["id"], ledger_by_code(api, 31)["id"]


def body(accounts: tuple[str, str], **changes: Any) -> dict[str, Any]:
    debit_id, credit_id = accounts
    journal = {
        "date": "2026-03-31",
        "reference": "DEP-Q1",
        "description": "Quarterly depreciation",
        "journal_lines": [
            {"ledger_account_id": debit_id, "debit": "375.00", "credit": 0, "details": "Cost side"},
            {"ledger_account_id": credit_id, "debit": 0, "credit": 375, "details": "Depreciation side"},
        ],
    }
    journal.update(changes)
    return {"journal": journal}


def lines(accounts: tuple[str, str], *pairs: tuple[Any, Any]) -> list[dict[str, Any]]:
    return [
        {"ledger_account_id": accounts[i % 2], "debit": debit, "credit": credit}
        for i, (debit, credit) in enumerate(pairs)
    ]


def test_create_shape(api: httpx.Client, accounts: tuple[str, str]) -> None:
    response = api.post("/journals", json=body(accounts, migrated=True))
    assert response.status_code == 201, response.text
    journal = response.json()
    assert list(journal)[:7] == [
        "id",
        "displayed_as",
        "$path",
        "created_at",
        "updated_at",
        "transaction",
        "transaction_type",
    ]
    assert journal["displayed_as"] == "DEP-Q1" and journal["$path"] == f"/journals/{journal['id']}"
    assert journal["transaction"]["displayed_as"] == "DEP-Q1"
    assert journal["transaction"]["$path"] == f"/transactions/{journal['transaction']['id']}"
    assert journal["transaction_type"] == {
        "id": "JOURNAL",
        "displayed_as": "Journal",
        "$path": "/transaction_types/JOURNAL",
    }
    assert journal["date"] == "2026-03-31" and journal["reference"] == "DEP-Q1"
    assert journal["description"] == "Quarterly depreciation"
    assert journal["total"] == "375.0" and journal["journal_code"] is None
    assert journal["migrated"] is False  # Sage ignores the posted flag
    first, second = journal["journal_lines"]
    assert first["debit"] == "375.0" and first["credit"] == "0.0" and first["details"] == "Cost side"
    assert second["debit"] == "0.0" and second["credit"] == "375.0"
    assert first["ledger_account"]["id"] == accounts[0]
    assert first["ledger_account"]["displayed_as"] == "Office equipment and IT - Cost (0030)"
    assert first["ledger_account"]["nominal_code"] == 30
    assert (
        first["tax_reconciled"] is False and first["cleared"] is False and first["bank_reconciled"] is False
    )
    assert api.get(journal["$path"]).json() == journal


def test_lines_show_current_ledger_account(api: httpx.Client, accounts: tuple[str, str]) -> None:
    journal = api.post("/journals", json=body(accounts)).json()
    api.put(f"/ledger_accounts/{accounts[0]}", json={"ledger_account": {"name": "Kit"}})
    again = api.get(journal["$path"]).json()
    assert again["journal_lines"][0]["ledger_account"]["displayed_as"] == "Kit (0030)"


def test_many_lines_balance(api: httpx.Client, accounts: tuple[str, str]) -> None:
    journal_lines = lines(accounts, ("1000", "0"), ("0", "500"), ("0", "499.99"), ("0", "0.01"))
    response = api.post("/journals", json=body(accounts, journal_lines=journal_lines))
    assert response.status_code == 201, response.text
    assert response.json()["total"] == "1000.0"


def test_unbalanced(api: httpx.Client, accounts: tuple[str, str]) -> None:
    response = api.post("/journals", json=body(accounts, journal_lines=lines(accounts, (100, 0), (0, 99.99))))
    item = assert_error(response, 422, "RecordInvalid", "journal_lines")
    assert "debits (100.0) must equal credits (99.99)" in item["$message"]
    assert api.get("/journals").json()["$total"] == 0


def test_line_with_debit_and_credit(api: httpx.Client, accounts: tuple[str, str]) -> None:
    response = api.post("/journals", json=body(accounts, journal_lines=lines(accounts, (10, 10), (10, 10))))
    item = assert_error(response, 422, "RecordInvalid", "journal_lines[0]")
    assert "not both" in item["$message"]
    assert_error(response, 422, "RecordInvalid", "journal_lines[1]")


def test_line_with_neither(api: httpx.Client, accounts: tuple[str, str]) -> None:
    response = api.post(
        "/journals", json=body(accounts, journal_lines=lines(accounts, (10, 0), (0, 10), (0, 0)))
    )
    assert_error(response, 422, "RecordInvalid", "journal_lines[2]")


def test_negative_amounts(api: httpx.Client, accounts: tuple[str, str]) -> None:
    response = api.post("/journals", json=body(accounts, journal_lines=lines(accounts, (-10, 0), (0, -10))))
    assert_error(response, 422, "RecordInvalid", "journal_lines[0].debit")
    assert_error(response, 422, "RecordInvalid", "journal_lines[1].credit")


def test_at_least_two_lines(api: httpx.Client, accounts: tuple[str, str]) -> None:
    response = api.post("/journals", json=body(accounts, journal_lines=lines(accounts, (0, 0))))
    item = assert_error(response, 422, "RecordInvalid", "journal_lines")
    assert "at least 2" in item["$message"]
    assert_error(
        api.post("/journals", json=body(accounts, journal_lines=[])), 422, "RecordInvalid", "journal_lines"
    )


def test_unknown_ledger_account(api: httpx.Client, accounts: tuple[str, str]) -> None:
    journal_lines = lines(accounts, (10, 0), (0, 10))
    journal_lines[1]["ledger_account_id"] = "f" * 32
    response = api.post("/journals", json=body(accounts, journal_lines=journal_lines))
    assert_error(response, 422, "RecordInvalid", "journal_lines[1].ledger_account_id")


@pytest.mark.parametrize("field", ["date", "reference", "journal_lines"])
def test_required_fields(api: httpx.Client, accounts: tuple[str, str], field: str) -> None:
    journal = body(accounts)["journal"]
    del journal[field]
    item = assert_error(api.post("/journals", json={"journal": journal}), 422, "RecordInvalid", field)
    assert item["$message"] == "can't be blank"


@pytest.mark.parametrize("field", ["ledger_account_id", "debit", "credit"])
def test_required_line_fields(api: httpx.Client, accounts: tuple[str, str], field: str) -> None:
    journal_lines = lines(accounts, (10, 0), (0, 10))
    del journal_lines[0][field]
    response = api.post("/journals", json=body(accounts, journal_lines=journal_lines))
    assert_error(response, 422, "RecordInvalid", f"journal_lines[0].{field}")


@pytest.mark.parametrize(
    ("changes", "source"),
    [
        ({"date": "2026-02-30"}, "date"),
        ({"date": 20260101}, "date"),
        ({"reference": "R" * 256}, "reference"),
        ({"description": "D" * 201}, "description"),
        ({"journal_lines": "lines"}, "journal_lines"),
        ({"journal_lines": [1, 2]}, "journal_lines[0]"),
        (
            {"journal_lines": [{"ledger_account_id": 5, "debit": "x", "credit": None}] * 2},
            "journal_lines[0].debit",
        ),
    ],
)
def test_invalid_values(
    api: httpx.Client, accounts: tuple[str, str], changes: dict[str, Any], source: str
) -> None:
    assert_error(api.post("/journals", json=body(accounts, **changes)), 422, "RecordInvalid", source)


def test_no_put(api: httpx.Client, accounts: tuple[str, str]) -> None:
    journal = api.post("/journals", json=body(accounts)).json()
    response = api.put(journal["$path"], json=body(accounts, reference="CHANGED"))
    assert_error(response, 405, "MethodNotAllowed")
    assert api.get(journal["$path"]).json()["reference"] == "DEP-Q1"


def test_delete(api: httpx.Client, accounts: tuple[str, str]) -> None:
    journal = api.post("/journals", json=body(accounts)).json()
    assert api.delete(journal["$path"]).status_code == 204
    assert_error(api.get(journal["$path"]), 404, "RecordNotFound")
    assert_error(api.delete(journal["$path"]), 404, "RecordNotFound")
    deleted = api.get("/journals", params={"deleted_since": "2000-01-01"}).json()["$items"]
    assert deleted == [{"id": journal["id"], "displayed_as": "DEP-Q1", "$path": journal["$path"]}]


def test_list(api: httpx.Client, accounts: tuple[str, str]) -> None:
    first = api.post("/journals", json=body(accounts, reference="ONE")).json()
    api.post("/journals", json=body(accounts, reference="TWO"))
    listing = api.get("/journals", params={"items_per_page": 1}).json()
    assert listing["$total"] == 2 and listing["$items"] == [
        {"id": first["id"], "displayed_as": "ONE", "$path": first["$path"]}
    ]
    assert listing["$next"] == "/journals?page=2&items_per_page=1"


def test_journals_read_only_cannot_write(emu: Emulator, api: httpx.Client, accounts: tuple[str, str]) -> None:
    journal = api.post("/journals", json=body(accounts)).json()
    with user_client(emu, {"Journals": "read_only"}) as reader:
        assert reader.get(journal["$path"]).status_code == 200
        item = assert_error(reader.post("/journals", json=body(accounts)), 403, "MultiUserAccessDenied")
        assert item["$message"] == "The current user is not allowed to access that resource with that method."
        assert_error(reader.delete(journal["$path"]), 403, "MultiUserAccessDenied")
    assert api.get(journal["$path"]).status_code == 200


def test_journals_restricted_access_has_no_rights(emu: Emulator, accounts: tuple[str, str]) -> None:
    # Sage lists only Read Only and Full Access for journals
    with user_client(emu, {"Journals": "restricted_access"}) as restricted:
        assert_error(restricted.get("/journals"), 403, "MultiUserAccessDenied")
        assert_error(restricted.post("/journals", json=body(accounts)), 403, "MultiUserAccessDenied")


def test_journals_and_bank_accounts_have_deleted_at_in_swagger_order(
    api: httpx.Client, accounts: tuple[str, str]
) -> None:
    from .test_invoices import created

    journal = created(api.post("/journals", json=body(accounts)))
    keys = list(journal)
    assert keys[5:9] == ["transaction", "transaction_type", "deleted_at", "date"]
    assert journal["deleted_at"] is None
    bank_body = {"bank_account_type_id": "SAVINGS", "bank_account_details": {"account_name": "Reserve"}}
    bank_account = created(api.post("/bank_accounts", json={"bank_account": bank_body}))
    assert list(bank_account)[4:7] == ["updated_at", "deleted_at", "bank_account_details"]
    assert bank_account["deleted_at"] is None
    assert api.get(bank_account["$path"]).json()["deleted_at"] is None


def test_journal_amounts_are_rounded_to_cents(api: httpx.Client, accounts: tuple[str, str]) -> None:
    from .test_invoices import created

    journal = created(
        api.post("/journals", json=body(accounts, journal_lines=lines(accounts, ("12.345", 0), (0, "12.35"))))
    )
    assert [(x["debit"], x["credit"]) for x in journal["journal_lines"]] == [
        ("12.35", "0.0"),
        ("0.0", "12.35"),
    ]
    assert journal["total"] == "12.35"
