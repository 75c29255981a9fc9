"""POST /journals/{id}/reissue voids a journal and posts its entries again as a new one."""

from __future__ import annotations

from typing import Any

import httpx

from sage_accounting.emulator import Emulator

from .conftest import assert_error
from .test_invoices import created, ledger_id, limited_client

Body = dict[str, Any]


def post_journal(api: httpx.Client) -> Body:
    body = {
        "date": "2024-03-31",
        "reference": "Depreciation",
        "description": "March",
        "journal_lines": [
            {"ledger_account_id": ledger_id(api, 7100), "debit": "75.50", "credit": "0", "details": "Van"},
            {"ledger_account_id": ledger_id(api, 2109), "debit": "0", "credit": "75.50"},
        ],
    }
    return created(api.post("/journals", json={"journal": body}))


def test_reissue_voids_the_journal_and_posts_it_again(emu: Emulator, api: httpx.Client) -> None:
    journal = post_journal(api)
    emu.clock.advance(1)
    response = api.post(f"{journal['$path']}/reissue")
    assert response.status_code == 201, response.text
    new = response.json()
    assert new["id"] != journal["id"] and new["transaction"]["id"] != journal["transaction"]["id"]
    assert (new["date"], new["reference"], new["description"], new["total"]) == (
        "2024-03-31",
        "Depreciation",
        "March",
        "75.5",
    )
    assert [(line["debit"], line["credit"], line["details"]) for line in new["journal_lines"]] == [
        ("75.5", "0.0", "Van"),
        ("0.0", "75.5", None),
    ]
    assert_error(api.get(journal["$path"]), 404, "RecordNotFound")
    gone = api.get("/journals", params={"deleted_since": "2000-01-01"}).json()["$items"]
    assert [g["id"] for g in gone] == [journal["id"]]
    assert api.get(new["transaction"]["$path"]).json()["origin"]["id"] == new["id"]
    assert_error(api.get(journal["transaction"]["$path"]), 404, "RecordNotFound")
    assert_error(api.post(f"/journals/{'0' * 32}/reissue"), 404, "RecordNotFound")
    assert api.get(f"{new['$path']}/reissue").status_code == 405


def test_reissue_needs_full_access_in_journals(emu: Emulator, api: httpx.Client) -> None:
    journal = post_journal(api)
    reader = limited_client(emu, {"Journals": "read_only"})
    assert_error(reader.post(f"{journal['$path']}/reissue"), 403, "MultiUserAccessDenied")
