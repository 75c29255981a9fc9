"""The built-in seeds: reference data, charts of accounts, the minimal and demo seeds (over HTTP)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from sage_accounting.emulator import _demo
from sage_accounting.emulator._emulator import Emulator
from sage_accounting.emulator._refdata import chart_of_accounts, default_bank_accounts, reference_records
from sage_accounting.emulator._seed import DEMO

UK_CUSTOMERS = len(_demo.UK_DATA.customers)
UK_SUPPLIERS = len(_demo.UK_DATA.suppliers)


def client_for(emu: Emulator, business_id: str | None = None) -> httpx.Client:
    tok = emu.grant_tokens()
    headers = {"Authorization": f"Bearer {tok['access_token']}"}
    if business_id:
        headers["X-Business"] = business_id
    return httpx.Client(transport=emu.transport(), base_url="http://sage.test/v3.1", headers=headers)


@pytest.fixture(scope="module")
def demo() -> Emulator:
    return Emulator()


@pytest.fixture(scope="module")
def api(demo: Emulator) -> Iterator[httpx.Client]:
    with client_for(demo) as client:
        yield client


@pytest.fixture(scope="module")
def api_ie(demo: Emulator) -> Iterator[httpx.Client]:
    with client_for(demo, DEMO.business_id_ie) as client:
        yield client


def total(client: httpx.Client, path: str, **params: Any) -> int:
    response = client.get(path, params={"items_per_page": 1, **params})
    assert response.status_code == 200, response.text
    return int(response.json()["$total"])


def every(client: httpx.Client, path: str, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    page = 1
    while True:
        response = client.get(path, params={"items_per_page": 200, "page": page, **params})
        assert response.status_code == 200, response.text
        body = response.json()
        items.extend(body["$items"])
        if body["$next"] is None:
            return items
        page += 1


# --- reference data (no HTTP) --------------------------------------------------------------------------
@pytest.mark.parametrize("country", ["GB", "IE"])
def test_reference_records_have_sage_shape(country: str) -> None:
    records = reference_records(country)
    for name, items in records.items():
        assert items, name
        ids = [r["id"] for r in items]
        assert len(ids) == len(set(ids)), name
        for record in items:
            assert list(record)[:3] == ["id", "displayed_as", "$path"]
            assert record["$path"] == f"/{name}/{record['id']}"
            assert record["id"] == record["id"].upper()
    assert len(records["countries"]) == 209
    assert len(records["currencies"]) == 34
    assert [r["id"] for r in records["contact_types"]] == ["CUSTOMER", "VENDOR"]
    for status in ("DRAFT", "UNPAID", "PART_PAID", "PAID", "VOID", "PRO_FORMA", "DISPUTED"):
        assert status in {r["id"] for r in records["artefact_statuses"]}


def test_reference_records_are_fresh_copies() -> None:
    first = reference_records("GB")
    first["tax_rates"][0]["percentage"] = "99.0"
    assert reference_records("GB")["tax_rates"][0]["percentage"] == "20.0"


def test_unknown_country_is_refused() -> None:
    with pytest.raises(ValueError):
        reference_records("FR")
    with pytest.raises(ValueError):
        chart_of_accounts("US")


@pytest.mark.parametrize("country", ["GB", "IE"])
def test_chart_of_accounts_bodies(country: str) -> None:
    chart = chart_of_accounts(country)
    assert 60 <= len(chart) <= 100
    codes = [body["nominal_code"] for body in chart]
    assert len(codes) == len(set(codes))
    bank_codes = {body["nominal_code"] for body in default_bank_accounts(country)}
    assert bank_codes == {1200, 1210}
    assert not bank_codes & set(codes)
    types = {r["id"] for r in reference_records(country)["ledger_account_types"]}
    rates = {r["id"] for r in reference_records(country)["tax_rates"]}
    for body in chart:
        assert body["ledger_account_type_id"] in types
        assert body["tax_rate_id"] in rates
        assert body["included_in_chart"] is True
        assert isinstance(body["nominal_code"], int)


# --- minimal seed --------------------------------------------------------------------------------------
def test_minimal_seed_is_one_empty_uk_business() -> None:
    emu = Emulator("minimal")
    assert list(emu.state.businesses) == [DEMO.business_id]
    app = emu.state.apps[DEMO.client_id]
    assert app.client_secret == DEMO.client_secret
    assert app.redirect_uris == [DEMO.redirect_uri, "http://localhost:8765/callback"]
    assert app.auto_approve is False
    user = emu.state.users[DEMO.user_id]
    assert user.email == DEMO.user_email
    assert set(user.roles[DEMO.business_id].values()) == {"full_access"}
    with client_for(emu) as client:
        assert total(client, "/contacts") == 0
        assert total(client, "/bank_accounts") == 2
        names = {b["displayed_as"] for b in client.get("/businesses").json()["$items"]}
        assert names == {"Demo Trading Ltd"}
        assert client.get("/user").json()["displayed_as"] == "Demo User"


def test_seeded_emulators_do_not_share_state() -> None:
    first, second = Emulator("minimal"), Emulator("minimal")
    business = first.state.businesses[DEMO.business_id]
    next(iter(business.collection("ledger_accounts").values()))["name"] = "Changed"
    business.collection("contacts")["x"] = {"id": "x"}
    other = second.state.businesses[DEMO.business_id]
    assert "Changed" not in {r["name"] for r in other.collection("ledger_accounts").values()}
    assert "x" not in other.collection("contacts")


# --- demo seed over HTTP -------------------------------------------------------------------------------
def test_businesses_list_shows_both(api: httpx.Client) -> None:
    body = api.get("/businesses").json()
    by_id = {b["id"]: b for b in body["$items"]}
    assert set(by_id) == {DEMO.business_id, DEMO.business_id_ie}
    assert by_id[DEMO.business_id]["displayed_as"] == "Demo Trading Ltd"
    assert by_id[DEMO.business_id_ie]["displayed_as"] == "Demo Trading Ireland Ltd"
    lead = api.get("/businesses/lead").json()
    assert lead["id"] == DEMO.business_id


def test_uk_tax_rates(api: httpx.Client) -> None:
    response = api.get("/tax_rates/GB_STANDARD")
    assert response.headers["x-business"] == DEMO.business_id
    rate = response.json()
    assert rate["percentage"] == "20.0"
    assert rate["displayed_as"] == "Standard 20.00%"
    assert list(rate)[:5] == ["id", "displayed_as", "$path", "created_at", "updated_at"]
    ids = [r["id"] for r in api.get("/tax_rates").json()["$items"]]
    assert ids == ["GB_STANDARD", "GB_LOWER", "GB_ZERO", "GB_EXEMPT", "GB_NO_TAX"]
    assert api.get("/tax_rates/GB_LOWER").json()["percentage"] == "5.0"
    assert api.get("/tax_rates/GB_NO_TAX").json()["percentage"] == "0.0"
    assert api.get("/tax_rates/IE_STANDARD").status_code == 404


def test_ie_business_has_irish_tax_rates(api_ie: httpx.Client) -> None:
    response = api_ie.get("/tax_rates")
    assert response.headers["x-business"] == DEMO.business_id_ie
    rates = {r["id"] for r in response.json()["$items"]}
    assert {"IE_STANDARD", "IE_REDUCED", "IE_SECOND_REDUCED", "IE_ZERO", "IE_EXEMPT"} <= rates
    assert not any(r.startswith("GB_") for r in rates)
    assert api_ie.get("/tax_rates/IE_STANDARD").json()["percentage"] == "23.0"
    assert api_ie.get("/tax_rates/IE_REDUCED").json()["percentage"] == "13.5"
    bank = every(api_ie, "/bank_accounts", attributes="currency")
    assert {b["currency"]["id"] for b in bank} == {"EUR"}


def test_reference_lists_over_http(api: httpx.Client) -> None:
    contact_types = api.get("/contact_types").json()
    assert contact_types["$total"] == 2
    assert [(t["id"], t["displayed_as"]) for t in contact_types["$items"]] == [
        ("CUSTOMER", "Customer"),
        ("VENDOR", "Supplier"),
    ]
    assert api.get("/contact_types/VENDOR").json() == {
        "id": "VENDOR",
        "displayed_as": "Supplier",
        "$path": "/contact_types/VENDOR",
    }
    assert total(api, "/countries") == 209
    assert api.get("/countries/GB").json()["displayed_as"] == "United Kingdom (GB)"
    assert api.get("/currencies/GBP").json()["displayed_as"] == "Pound Sterling (GBP)"
    first = api.get("/countries", params={"items_per_page": 3}).json()["$items"]
    assert [c["id"] for c in first] == ["AF", "AL", "DZ"]
    assert "SALES_INVOICE" in {t["id"] for t in every(api, "/transaction_types")}
    assert "LINE_OF_CREDIT" in {t["id"] for t in every(api, "/ledger_account_types")}


def test_chart_of_accounts_over_http(api: httpx.Client) -> None:
    accounts = every(api, "/ledger_accounts", attributes="nominal_code,ledger_account_type")
    by_code = {a["nominal_code"]: a for a in accounts}
    assert by_code[1100]["displayed_as"] == "Trade Debtors (1100)"
    assert by_code[4000]["displayed_as"] == "Sales Type A (4000)"
    assert by_code[1200]["ledger_account_type"]["id"] == "BANK"
    assert by_code[1210]["ledger_account_type"]["id"] == "BANK"
    assert len(accounts) == len(chart_of_accounts("GB")) + 2


def test_demo_contacts(api: httpx.Client) -> None:
    assert total(api, "/contacts") == UK_CUSTOMERS + UK_SUPPLIERS
    assert total(api, "/contacts", contact_type_id="CUSTOMER") == UK_CUSTOMERS
    assert total(api, "/contacts", contact_type_id="VENDOR") == UK_SUPPLIERS
    contacts = every(api, "/contacts", attributes="reference,main_address,email")
    assert len({c["reference"] for c in contacts}) == len(contacts)
    assert all(c["main_address"] and c["email"] for c in contacts)


def test_demo_catalogue(api: httpx.Client) -> None:
    assert total(api, "/products") == len(_demo.UK_DATA.products)
    assert total(api, "/services") == len(_demo.UK_DATA.services)


def test_demo_invoices_cover_every_status(api: httpx.Client) -> None:
    sales = {
        s: total(api, "/sales_invoices", status_id=s)
        for s in ("DRAFT", "UNPAID", "PART_PAID", "PAID", "VOID")
    }
    assert sum(sales.values()) == _demo.UK_DATA.sales_invoices
    assert all(count > 0 for count in sales.values()), sales
    assert sales["PAID"] > sales["PART_PAID"]
    assert total(api, "/purchase_invoices") == _demo.UK_DATA.purchase_invoices
    assert total(api, "/purchase_invoices", status_id="PAID") > 0
    assert total(api, "/purchase_invoices", status_id="UNPAID") > 0
    assert total(api, "/sales_credit_notes") == _demo.UK_DATA.credit_notes
    assert total(api, "/contact_payments") > 100
    assert total(api, "/journals") == 2


def test_demo_dates_span_the_trading_year(api: httpx.Client) -> None:
    invoices = every(api, "/sales_invoices", attributes="date")
    dates = sorted(i["date"] for i in invoices)
    assert dates[0] >= _demo.DEMO_FROM.isoformat()
    assert dates[-1] <= _demo.DEMO_TO.isoformat()
    months = {d[:7] for d in dates}
    assert len(months) >= 11


def test_demo_ie_business_has_data(api_ie: httpx.Client) -> None:
    assert total(api_ie, "/contacts") == len(_demo.IE_DATA.customers) + len(_demo.IE_DATA.suppliers)
    assert total(api_ie, "/sales_invoices") == _demo.IE_DATA.sales_invoices
    invoice = api_ie.get("/sales_invoices", params={"attributes": "currency"}).json()["$items"][0]
    assert invoice["currency"]["id"] == "EUR"


def _fingerprint(emu: Emulator) -> list[tuple[Any, ...]]:
    """What must not vary between builds: names, amounts, statuses, dates (ids and timestamps may)."""
    out: list[tuple[Any, ...]] = []
    for business in sorted(emu.state.businesses.values(), key=lambda b: b.id):
        for name in ("contacts", "products", "services", "sales_invoices", "purchase_invoices"):
            for record in business.collection(name).values():
                out.append(
                    (
                        business.id,
                        name,
                        record.get("displayed_as"),
                        record.get("date"),
                        record.get("total_amount"),
                        (record.get("status") or {}).get("id"),
                        record.get("outstanding_amount"),
                    )
                )
        for record in business.collection("contact_payments").values():
            out.append((business.id, "payment", record.get("date"), record.get("total_amount")))
    return sorted(out, key=repr)


def test_demo_seed_is_deterministic(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_demo, "_CACHE", {})
    first = Emulator()
    monkeypatch.setattr(_demo, "_CACHE", {})
    second = Emulator()
    assert _fingerprint(first) == _fingerprint(second)
    assert len(_fingerprint(first)) > 300


def test_demo_seed_is_built_once_per_process() -> None:
    first, second = Emulator(), Emulator()
    assert first.state.businesses[DEMO.business_id].data == second.state.businesses[DEMO.business_id].data
    first.state.businesses[DEMO.business_id].collection("contacts").clear()
    assert second.state.businesses[DEMO.business_id].collection("contacts")


def test_demo_records_are_stamped_over_the_months_their_documents_cover(api: httpx.Client) -> None:
    invoices = every(api, "/sales_invoices", attributes="date,created_at,updated_at")
    for invoice in invoices:
        # raised on the invoice's day, in business hours; changed (paid, voided) on or after it
        assert invoice["created_at"][:10] == invoice["date"], invoice
        assert "09:00:00" <= invoice["created_at"][11:19] <= "17:00:00"
        assert invoice["updated_at"] >= invoice["created_at"]
    months = {i["created_at"][:7] for i in invoices}
    assert len(months) >= 10
    contacts = every(api, "/contacts", attributes="created_at")
    assert max(c["created_at"] for c in contacts) < _demo.DEMO_FROM.isoformat()
    # a sync from the middle of the year sees only what changed since, not everything
    since = "2026-05-01T00:00:00Z"
    changed = total(api, "/sales_invoices", updated_or_created_since=since)
    assert 0 < changed < len(invoices)
    assert changed == sum(1 for i in invoices if i["updated_at"] >= since)


def test_demo_ids_are_the_same_in_every_run(api: httpx.Client) -> None:
    import subprocess
    import sys

    script = (
        "from sage_accounting.emulator import Emulator, DEMO\n"
        "e = Emulator()\n"
        "for name in ('contacts', 'sales_invoices', 'ledger_accounts', 'contact_payments'):\n"
        "    c = e.state.businesses[DEMO.business_id].collection(name)\n"
        "    print(name, c.ordered_ids()[0], c.ordered_ids()[-1])\n"
    )
    other_run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert other_run.returncode == 0, other_run.stderr
    for line in other_run.stdout.splitlines():
        name, first, last = line.split()
        ids = [item["id"] for item in every(api, f"/{name}")]
        assert (ids[0], ids[-1]) == (first, last), name
