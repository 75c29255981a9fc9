"""Lists, filters, sort and uniqueness rules answered from the collections' indexes stay exact as records are
created, edited and deleted, however many records were read in between (records are stored compactly)."""

from __future__ import annotations

import httpx

from sage_accounting.emulator import Emulator

from .conftest import ROOT, assert_error


def new_contact(api: httpx.Client, name: str, reference: str | None = None, kind: str = "CUSTOMER") -> str:
    body: dict[str, object] = {"name": name, "contact_type_ids": [kind]}
    if reference:
        body["reference"] = reference
    answer = api.post("/contacts", json={"contact": body})
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def names(answer: httpx.Response) -> list[str]:
    assert answer.status_code == 200, answer.text
    return [item["displayed_as"] for item in answer.json()["$items"]]


def test_search_follows_renames_and_deletes(api: httpx.Client) -> None:
    first = new_contact(api, "Harbourside Cafe", "HAR1")
    new_contact(api, "Birchwood Garden Centre", "BIR1")
    assert names(api.get("/contacts", params={"search": "harbour"})) == ["Harbourside Cafe (HAR1)"]
    # a needle shorter than three letters is answered too
    assert names(api.get("/contacts", params={"search": "ha"})) == ["Harbourside Cafe (HAR1)"]
    api.put(f"/contacts/{first}", json={"contact": {"name": "Quayside Bistro"}}).raise_for_status()
    assert names(api.get("/contacts", params={"search": "harbour"})) == []
    assert names(api.get("/contacts", params={"search": "QUAYSIDE"})) == ["Quayside Bistro (HAR1)"]
    assert api.delete(f"/contacts/{first}").status_code == 204
    assert names(api.get("/contacts", params={"search": "quayside"})) == []
    assert api.get("/contacts", params={"search": "quayside"}).json()["$total"] == 0


def test_reference_uniqueness_follows_edits(api: httpx.Client) -> None:
    one = new_contact(api, "One", "REF1")
    answer = api.post(
        "/contacts", json={"contact": {"name": "Two", "contact_type_ids": ["CUSTOMER"], "reference": "ref1"}}
    )
    assert_error(answer, 422, "RecordInvalid", "reference")
    # the reference is free again once its holder changes it, and a contact keeps its own
    api.put(f"/contacts/{one}", json={"contact": {"reference": "REF9"}}).raise_for_status()
    api.put(f"/contacts/{one}", json={"contact": {"reference": "REF9", "notes": "same"}}).raise_for_status()
    new_contact(api, "Two", "REF1")


def test_type_filter_and_updated_since_after_edits(api: httpx.Client, emu: Emulator) -> None:
    ids = [new_contact(api, f"Customer {i}", kind="CUSTOMER" if i % 2 else "VENDOR") for i in range(6)]
    customers = api.get("/contacts", params={"contact_type_id": "customer"}).json()
    assert customers["$total"] == 3
    assert [c["id"] for c in customers["$items"]] == [ids[1], ids[3], ids[5]]
    emu.clock.advance(60)
    since = emu.clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    api.put(f"/contacts/{ids[4]}", json={"contact": {"notes": "changed"}}).raise_for_status()
    api.put(f"/contacts/{ids[0]}", json={"contact": {"notes": "changed"}}).raise_for_status()
    changed = api.get("/contacts", params={"updated_or_created_since": since}).json()["$items"]
    # in the order the records were created, as without the filter
    assert [c["id"] for c in changed] == [ids[0], ids[4]]


def test_many_records_read_and_changed_keep_every_change(api: httpx.Client, emu: Emulator) -> None:
    # more records than the decoded cache holds: each change must still be kept
    ids = [new_contact(api, f"Shop {i:03d}") for i in range(300)]
    for rid in ids:
        api.put(f"/contacts/{rid}", json={"contact": {"notes": f"note {rid}"}}).raise_for_status()
    for page in (1, 2):
        items = api.get(
            "/contacts", params={"attributes": "notes", "items_per_page": 200, "page": page}
        ).json()
        assert all(item["notes"] == f"note {item['id']}" for item in items["$items"])
    assert api.get(f"/contacts/{ids[7]}").json()["notes"] == f"note {ids[7]}"
    # a saved and reloaded state holds every change
    copy = Emulator(seed=None)
    copy.load_state(emu.dump())
    token = copy.grant_tokens()["access_token"]
    with httpx.Client(
        transport=copy.transport(), base_url=f"{ROOT}/v3.1", headers={"Authorization": f"Bearer {token}"}
    ) as again:
        assert again.get(f"/contacts/{ids[299]}").json()["notes"] == f"note {ids[299]}"
        assert again.get("/contacts").json()["$total"] == 300
        assert names(again.get("/contacts", params={"search": "shop 150"})) == ["Shop 150"]


def receipt(api: httpx.Client, contact: str, bank: str, day: str) -> str:
    """A 10.00 customer receipt from ``contact`` into ``bank`` on ``day``; its id."""
    body = {
        "contact_payment": {
            "transaction_type_id": "CUSTOMER_RECEIPT",
            "contact_id": contact,
            "bank_account_id": bank,
            "date": day,
            "total_amount": "10.00",
        }
    }
    answer = api.post("/contact_payments", json=body)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def test_sort_descending_keeps_creation_order_for_equal_keys(api: httpx.Client) -> None:
    contact = new_contact(api, "Payer")
    bank = api.get("/bank_accounts").json()["$items"][0]["id"]
    made = []
    for day in ("2026-01-02", "2026-01-01", "2026-01-02", "2026-01-03"):
        made.append(receipt(api, contact, bank, day))
    descending = api.get("/contact_payments", params={"sort": "date:desc"}).json()["$items"]
    assert [p["id"] for p in descending] == [made[3], made[0], made[2], made[1]]
    ascending = api.get("/contact_payments", params={"sort": "date"}).json()["$items"]
    assert [p["id"] for p in ascending] == [made[1], made[0], made[2], made[3]]
    by_contact = api.get("/contact_payments", params={"sort": "date:desc", "contact_id": contact}).json()
    assert [p["id"] for p in by_contact["$items"]] == [made[3], made[0], made[2], made[1]]


def test_request_log_keeps_the_most_recent_calls(api: httpx.Client, emu: Emulator) -> None:
    from sage_accounting.emulator._faults import RequestLog

    assert emu.request_log.limit == 100_000
    emu.request_log = RequestLog(limit=3)  # a long-running server: the oldest calls make way
    for path in ("/contacts", "/ledger_accounts", "/tax_rates", "/bank_accounts", "/products"):
        assert api.get(path).status_code == 200
    entries = emu.request_log.entries()
    assert [e.path for e in entries] == ["/v3.1/tax_rates", "/v3.1/bank_accounts", "/v3.1/products"]
    assert [e.seq for e in entries] == [3, 4, 5]


def test_large_lists_stay_exact_through_edits_and_deletes(api: httpx.Client, emu: Emulator) -> None:
    # enough records for the sorted indexes to split into several blocks, and a contact with enough payments
    # for its index entry to move to the large-key table and back
    contacts = [new_contact(api, f"Payer {n}") for n in range(3)]
    bank = api.get("/bank_accounts").json()["$items"][0]["id"]
    made: list[tuple[str, str, str]] = []  # (id, contact, date) in creation order
    for n in range(620):
        contact = contacts[0] if n % 15 == 0 else contacts[1 + n % 2]
        day = f"2026-02-{1 + (n * 7) % 28:02d}"
        made.append((receipt(api, contact, bank, day), contact, day))

    def listed(**params: str) -> list[str]:
        ids: list[str] = []
        page = 1
        while True:
            answer = api.get(
                "/contact_payments", params={**params, "items_per_page": "200", "page": str(page)}
            )
            assert answer.status_code == 200, answer.text
            ids += [item["id"] for item in answer.json()["$items"]]
            if answer.json()["$next"] is None:
                return ids
            page += 1

    def check() -> None:
        assert listed() == [rid for rid, _, _ in made]
        by_date = sorted(made, key=lambda m: m[2])
        assert listed(sort="date") == [rid for rid, _, _ in by_date]
        descending = sorted(made, key=lambda m: m[2], reverse=True)  # stable: equal dates in creation order
        assert listed(sort="date:desc") == [rid for rid, _, _ in descending]
        window = [rid for rid, _, day in made if "2026-02-08" <= day <= "2026-02-19"]
        assert listed(from_date="2026-02-08", to_date="2026-02-19") == window
        for contact in contacts:
            assert listed(contact_id=contact) == [rid for rid, held, _ in made if held == contact]

    check()
    # a later date for some, deletes of most of the first contact's payments (its entry shrinks to a few)
    emu.clock.advance(60)
    since = emu.clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    moved = {rid for rid, _, _ in made[5:600:37]}
    for rid in moved:
        answer = api.put(f"/contact_payments/{rid}", json={"contact_payment": {"date": "2026-03-01"}})
        assert answer.status_code == 200, answer.text
    made = [(rid, contact, "2026-03-01" if rid in moved else day) for rid, contact, day in made]
    first = [rid for rid, contact, _ in made if contact == contacts[0] and rid not in moved]
    for rid in reversed(first[3:]):
        assert api.delete(f"/contact_payments/{rid}").status_code == 204
    gone = set(first[3:])
    made = [m for m in made if m[0] not in gone]
    check()
    assert set(listed(updated_or_created_since=since)) == moved
