"""Every action of the registry as an MCP tool: its name, schemas, annotations and the gateway's own
arguments, checked for each tool (a new action cannot arrive without them), and the list cursors."""

from __future__ import annotations

import re

import pytest
from jsonschema import Draft202012Validator

from sage_accounting.actions import registry
from sage_accounting.gateway.tools import (
    CursorError,
    all_tools,
    decode_cursor,
    encode_cursor,
    parse_toolsets,
    tool_specs,
)

TOOLS = all_tools()


def test_every_action_is_exactly_one_tool() -> None:
    assert len(TOOLS) == len(registry)
    assert {spec.action.key for spec in TOOLS.values()} == set(registry)
    for name in ("sage_list_contacts", "sage_get_contact", "sage_create_sales_invoice", "sage_void_sales_invoice",
                 "sage_list_businesses", "sage_list_purchase_invoices", "sage_raw_request"):  # fmt: skip
        assert name in TOOLS


@pytest.mark.parametrize("name", sorted(TOOLS))
def test_each_tool_is_fully_described(name: str) -> None:
    spec = TOOLS[name]
    action = spec.action
    wire = spec.to_mcp()
    assert re.fullmatch(r"sage_[a-z]+(_[a-z0-9]+)+", name)
    assert wire["title"] and wire["description"] and "Needs " in wire["description"]
    Draft202012Validator.check_schema(wire["inputSchema"])
    Draft202012Validator.check_schema(wire["outputSchema"])
    schema = wire["inputSchema"]
    assert schema["type"] == "object" and schema["additionalProperties"] is False
    props = schema["properties"]
    assert "business_id" in props
    for arg, prop in props.items():
        assert re.fullmatch(r"[a-z][a-z0-9_]*", arg), arg
        assert prop.get("description"), f"{name}.{arg} has no description"
    assert set(schema.get("required", [])) <= set(props)
    assert wire["annotations"] == {
        "title": spec.title,
        "readOnlyHint": action.read_only,
        "destructiveHint": action.destructive and not action.read_only,
        "idempotentHint": action.idempotent,
        "openWorldHint": True,
    }
    if spec.shape == "list":
        assert props["limit"]["maximum"] == 200 and "cursor" in props
        assert not {"items_per_page", "page", "fetch_all"} & set(props)
        assert wire["outputSchema"]["required"] == ["items", "next_cursor"]
    if spec.is_write:
        assert {"dry_run", "idempotency_key"} <= set(props)
        assert not action.read_only
    else:
        assert "dry_run" not in props and "idempotency_key" not in props


def test_lists_with_a_since_filter_call_it_updated_since() -> None:
    contacts = TOOLS["sage_list_contacts"].input_schema["properties"]
    assert "updated_since" in contacts and "updated_or_created_since" not in contacts
    assert {"contact_type_id", "search", "email"} <= set(contacts)


def test_cursors_are_bound_to_their_tool_and_filters() -> None:
    cursor = encode_cursor("sage_list_contacts", 3, {"search": "Acme"})
    assert decode_cursor(cursor, "sage_list_contacts", {"search": "Acme"}) == 3
    with pytest.raises(CursorError, match="other filters"):
        decode_cursor(cursor, "sage_list_contacts", {"search": "Bolt"})
    with pytest.raises(CursorError, match="belongs to sage_list_contacts"):
        decode_cursor(cursor, "sage_list_products", {"search": "Acme"})
    for bad in ("", "not-a-cursor!", 7):
        with pytest.raises(CursorError):
            decode_cursor(bad, "sage_list_contacts", {})


def test_toolsets_pick_tools_by_area() -> None:
    chosen = tool_specs(parse_toolsets("sales, contacts"))
    assert {spec.toolset for spec in chosen.values()} == {"sales", "contacts"}
    assert "sage_create_sales_invoice" in chosen and "sage_list_bank_accounts" not in chosen
    assert parse_toolsets("") is None and parse_toolsets(None) is None
    with pytest.raises(ValueError, match="unknown toolset 'payroll'"):
        parse_toolsets("payroll")
