"""Input that could break the sandbox gets a clear 4xx and leaves it usable: huge exponents in decimals, an
absurd clock advance, a state directory removed while serving, a bad seed on reset, a symlinked state file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import httpx
import pytest

from sage_accounting.emulator import DEMO, Emulator

from .conftest import ROOT, assert_error, served_api

HUGE = "1e999999999"


def test_huge_exponents_in_every_decimal_field_are_422(emu: Emulator, api: httpx.Client) -> None:
    contact = api.post(
        "/contacts", json={"contact": {"name": "Big", "contact_type_ids": ["CUSTOMER"]}}
    ).json()
    ledger = api.get("/ledger_accounts", params={"search": "4000"}).json()["$items"][0]["id"]
    answer = api.post(
        "/contacts", json={"contact": {"name": "X", "contact_type_ids": ["CUSTOMER"], "credit_limit": HUGE}}
    )
    assert_error(answer, 422, "RecordInvalid", "credit_limit")
    answer = api.put(f"/contacts/{contact['id']}", json={"contact": {"credit_limit": "-" + HUGE}})
    assert_error(answer, 422, "RecordInvalid", "credit_limit")
    for field in ("quantity", "unit_price", "discount_amount", "tax_amount"):
        line = {
            "description": "x",
            "ledger_account_id": ledger,
            "quantity": "1",
            "unit_price": "1",
            field: HUGE,
        }
        body = {"sales_invoice": {"contact_id": contact["id"], "date": "2026-01-01", "invoice_lines": [line]}}
        assert api.post("/sales_invoices", json=body).status_code == 422
    for name, wrapper, field in (
        ("sales_invoices", "sales_invoice", "total_amount"),
        ("contact_payments", "contact_payment", "total_amount"),
        ("products", "product", "cost_price"),
        ("ledger_accounts", "ledger_account", "recoverable_percentage"),
    ):
        answer = api.post(f"/{name}", json={wrapper: {field: HUGE}})
        assert answer.status_code == 422, (name, answer.status_code, answer.text[:200])
        assert field in {item["$source"] for item in answer.json()}
    # a tiny one too, and the sandbox still answers
    answer = api.post(
        "/contacts",
        json={"contact": {"name": "X", "contact_type_ids": ["CUSTOMER"], "credit_limit": "1e-999999999"}},
    )
    assert_error(answer, 422, "RecordInvalid", "credit_limit")
    assert api.get(f"/contacts/{contact['id']}").status_code == 200


def test_an_absurd_clock_advance_is_refused_and_the_clock_still_works(
    emu: Emulator, http: httpx.Client, api: httpx.Client
) -> None:
    for advance in (1e300, 10**20, 1e18):
        answer = http.post("/__emulator__/clock", json={"advance": advance})
        item = assert_error(answer, 400, "InvalidControlRequest", "advance")
        assert "9999" in item["$message"]
    with pytest.raises(ValueError, match="9999"):
        emu.clock.advance(1e300)
    with pytest.raises(ValueError, match="finite"):
        emu.clock.advance(float("inf"))
    assert api.get("/contacts").status_code == 200
    moved = http.post("/__emulator__/clock", json={"advance": 86_400}).json()
    assert moved["offset"] >= 86_400 - 1
    assert http.get("/__emulator__/clock").status_code == 200


def test_reset_or_seed_with_a_misspelt_seed_changes_nothing(
    emu: Emulator, http: httpx.Client, tmp_path: Path
) -> None:
    state_file = tmp_path / "state.json"
    emu.autosave(state_file)
    token = emu.grant_tokens()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    made = http.post(
        "/v3.1/contacts",
        headers=headers,
        json={"contact": {"name": "Kept", "contact_type_ids": ["CUSTOMER"]}},
    )
    assert made.status_code == 201
    saved = state_file.read_bytes()
    for path, body in (
        ("/__emulator__/reset", {"seed": "demoo"}),
        ("/__emulator__/seed", {"seed": "minimall"}),
        ("/__emulator__/reset", {"seed": "generated:lots"}),
        ("/__emulator__/seed", {"businesses": [{"name": "Half", "country": "FR"}]}),
        (
            "/__emulator__/seed",
            {"apps": [{"client_id": "x", "client_secret": "y"}], "users": [{"businesses": {"nowhere": {}}}]},
        ),
    ):
        answer = http.post(path, json=body)
        item = assert_error(answer, 400, "InvalidControlRequest")
        assert "nothing was" in item["$message"]
    # the app, the user, the token and the record are all still there, and the state file was not rewritten
    assert http.get(f"/v3.1/contacts/{made.json()['id']}", headers=headers).json()["name"] == "Kept"
    assert sorted(emu.state.apps) == [DEMO.client_id]
    assert "x" not in emu.state.apps and len(emu.state.businesses) == 1
    assert state_file.read_bytes() == saved
    with pytest.raises(ValueError, match="unknown seed"):
        emu.reset("demoo")
    assert http.get(f"/v3.1/contacts/{made.json()['id']}", headers=headers).status_code == 200


def test_state_directory_removed_while_serving(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    state_file = folder / "state.json"
    emu = Emulator(seed="minimal")
    emu.autosave(state_file)
    with served_api(emu) as api:
        body = {"contact": {"name": "Before", "contact_type_ids": ["CUSTOMER"]}}
        assert api.post("/contacts", json=body).status_code == 201
        shutil.rmtree(folder)
        answer = api.post("/contacts", json={"contact": {"name": "During", "contact_type_ids": ["CUSTOMER"]}})
        # the change is made and said to be unsaved; the sandbox goes on answering
        assert answer.status_code == 201
        assert "cannot save the state" in answer.headers["x-emulator-warning"]
        assert api.get("/contacts").json()["$total"] == 2
        folder.mkdir()
        again = api.post("/contacts", json={"contact": {"name": "After", "contact_type_ids": ["CUSTOMER"]}})
        assert again.status_code == 201 and "x-emulator-warning" not in again.headers
    saved = json.loads(state_file.read_text())
    names = {r["name"] for r in saved["businesses"][DEMO.business_id]["data"]["contacts"].values()}
    assert names == {"Before", "During", "After"}


def test_a_symlinked_state_file_is_written_through(tmp_path: Path) -> None:
    target = tmp_path / "real" / "state.json"
    target.parent.mkdir()
    link = tmp_path / "state.json"
    link.symlink_to(target)
    emu = Emulator(seed="minimal")
    emu.autosave(link)
    token = emu.grant_tokens()["access_token"]
    with httpx.Client(
        transport=emu.transport(), base_url=f"{ROOT}/v3.1", headers={"Authorization": f"Bearer {token}"}
    ) as api:
        assert (
            api.post(
                "/contacts", json={"contact": {"name": "Linked", "contact_type_ids": ["CUSTOMER"]}}
            ).status_code
            == 201
        )
    assert link.is_symlink() and link.resolve() == target.resolve()
    reloaded = Emulator.from_file(link)
    contacts = reloaded.state.businesses[DEMO.business_id].collection("contacts")
    assert [contacts[rid]["name"] for rid in contacts] == ["Linked"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("credit_days", "1" * 5000, "must be an integer"),
        ("credit_limit", "1e-100000", "is not a number"),
    ],
)
def test_absurd_numbers_are_422_not_500(api: httpx.Client, field: str, value: str, message: str) -> None:
    body = {"contact": {"name": "N", "contact_type_ids": ["CUSTOMER"], field: value}}
    item = assert_error(api.post("/contacts", json=body), 422, "RecordInvalid", field)
    assert item["$message"] == message
