"""``build_request`` is exactly what ``run`` sends first: for every action, the request a dry run shows
(method, path, query, body) is compared with the request the emulator received, and preparing one
sends nothing."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

import pytest

from sage_accounting import SageAccounting, SageError
from sage_accounting.actions import PreparedRequest, registry
from sage_accounting.emulator import Emulator

from .conftest import Recorder
from .helpers import api_calls, customer, line


def _query(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _expected_query(prepared: PreparedRequest) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for key, value in prepared.params.items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append((key, _query(item)))
    return sorted(pairs)


def _assert_sent(recorder: Recorder, emu: Emulator, prepared: PreparedRequest) -> None:
    sent = recorder.api()[0]
    assert sent.method == prepared.method
    assert sent.url.path == "/v3.1" + prepared.path
    assert sorted(parse_qsl(sent.url.query.decode(), keep_blank_values=True)) == _expected_query(prepared)
    if prepared.json is not None:
        assert json.loads(sent.content) == prepared.to_dict()["json"]
    elif prepared.content is not None:
        assert sent.content == prepared.content
    else:
        assert sent.content == b""
    logged = api_calls(emu)[0]
    assert logged == (prepared.method, "/v3.1" + prepared.path)


@pytest.mark.parametrize("key", sorted(k for k in registry if k != "rawRequest"))
def test_the_prepared_request_is_what_run_sends(
    key: str, emu: Emulator, client: SageAccounting, recorder: Recorder
) -> None:
    action = registry[key]
    args = action.input_schema()["examples"][0]
    inputs = action.validate_args(args)
    prepared = action.build_request(inputs)
    assert api_calls(emu) == [], "preparing a request sends nothing"
    try:
        action.run(client, inputs)
    except SageError:
        pass  # the examples' ids are made up: Sage may refuse them, after receiving the request
    _assert_sent(recorder, emu, prepared)


def test_a_real_invoice_is_sent_as_prepared(
    emu: Emulator, client: SageAccounting, recorder: Recorder
) -> None:
    contact = customer(client)
    ledger = client.request("GET", "/ledger_accounts", params={"search": "4000"}).json()["$items"][0]["id"]
    action = registry.by_tool_name("sage_create_sales_invoice")
    inputs = action.validate_args(
        {"contact_id": contact["id"], "date": "2024-01-31", "invoice_lines": [line(ledger, "150.00", "2")]}
    )
    prepared = action.build_request(inputs)
    assert prepared.to_dict() == {
        "method": "POST",
        "path": "/sales_invoices",
        "params": {},
        "json": {
            "sales_invoice": {
                "contact_id": contact["id"],
                "date": "2024-01-31",
                "invoice_lines": [
                    {
                        "description": "Consulting",
                        "ledger_account_id": ledger,
                        "quantity": "2",
                        "unit_price": "150.00",
                        "tax_rate_id": "GB_STANDARD",
                    }
                ],
            }
        },
    }
    before = len(recorder.api())
    invoice = action.run(client, inputs)
    assert invoice["total_amount"] == "360.0"
    sent = recorder.api()[before]
    assert json.loads(sent.content) == prepared.to_dict()["json"]


def test_ids_in_the_path_are_escaped_and_fetch_all_asks_for_200(emu: Emulator) -> None:
    assert registry["getContact"].build_request({"contactId": "abc.123"}).path == "/contacts/abc.123"
    first = registry["listContacts"].build_request({"fetchAll": True, "search": "Acme"})
    assert first.params == {"search": "Acme", "items_per_page": 200}
    assert registry["listContacts"].build_request({"itemsPerPage": 5}).params == {"items_per_page": 5}
    assert api_calls(emu) == []


def test_updates_send_only_what_is_given() -> None:
    prepared = registry["updateContact"].build_request({"contactId": "c1", "city": "Leeds"})
    assert prepared == PreparedRequest(
        "PUT", "/contacts/c1", {}, {"contact": {"main_address": {"city": "Leeds"}}}
    )
    empty = registry["updateContactPerson"].build_request({"contactPersonId": "p1"})
    assert empty.json == {"contact_person": {}}


def test_raw_requests_are_prepared_as_they_are_sent(
    emu: Emulator, client: SageAccounting, recorder: Recorder
) -> None:
    raw = registry["rawRequest"]
    inputs = raw.validate_args(
        {
            "method": "POST",
            "url": "/contacts?tag=a",
            "query_params": [{"key": "tag", "value": "b"}, {"key": "x", "value": "1"}],
            "headers": [{"key": "X-Trace", "value": "t-1"}],
            "data": {"contact": {"name": "Raw Ltd", "contact_type_ids": ["CUSTOMER"]}},
        }
    )
    prepared = raw.build_request(inputs)
    assert prepared.method == "POST" and prepared.path == "/contacts"
    assert prepared.params == {"tag": ["a", "b"], "x": "1"}
    assert prepared.headers == {"X-Trace": "t-1"}
    assert prepared.json == {"contact": {"name": "Raw Ltd", "contact_type_ids": ["CUSTOMER"]}}
    assert api_calls(emu) == []
    assert raw.run(client, inputs)["name"] == "Raw Ltd"
    _assert_sent(recorder, emu, prepared)
    assert recorder.api()[0].headers["X-Trace"] == "t-1"
    assert recorder.api()[0].url.query.decode() == "tag=a&tag=b&x=1"

    text = raw.build_request({"method": "POST", "url": "/contacts", "data": "plain text"})
    assert text.json is None and text.content == b"plain text"
    upload = raw.build_request({"method": "POST", "url": "/attachments", "fileData": [["a.txt", "hi"]]})
    assert upload.content is not None and b"hi" in upload.content
    assert upload.headers["Content-Type"].startswith("multipart/form-data")
