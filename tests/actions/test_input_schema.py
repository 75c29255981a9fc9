"""Every action's tool arguments as a JSON Schema (generated from its converters), and ``validate_args``
naming every refused argument by its snake_case name."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest

from sage_accounting.actions import ActionInputError, registry

KEYS = sorted(registry)


@pytest.mark.parametrize("key", KEYS)
def test_the_schema_is_a_valid_json_schema_of_the_arguments(key: str) -> None:
    action = registry[key]
    schema = action.input_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["type"] == "object" and schema["additionalProperties"] is False
    assert list(schema["properties"]) == [i.arg_name for i in action.inputs]
    assert set(schema["required"]) == {i.arg_name for i in action.inputs if i.required and not i.has_default}
    for item in action.inputs:
        prop = schema["properties"][item.arg_name]
        assert prop["description"], f"{key}.{item.arg_name} needs a description"


@pytest.mark.parametrize("key", KEYS)
def test_the_examples_are_calls_the_action_accepts(key: str) -> None:
    action = registry[key]
    schema = action.input_schema()
    validator = jsonschema.Draft202012Validator(schema)
    whole = schema["examples"][0]
    validator.validate(whole)
    action.validate_args(whole)
    for item in action.inputs:
        prop = schema["properties"][item.arg_name]
        for example in prop.get("examples", []):
            jsonschema.Draft202012Validator(prop).validate(example)
            item.convert.convert(example, item.arg_name)  # each example converts on its own too


def test_lines_money_choices_and_lists_are_described() -> None:
    props = registry.by_tool_name("sage_create_sales_invoice").input_schema()["properties"]
    lines = props["invoice_lines"]
    assert lines["type"] == "array"
    item = lines["items"]
    assert item["type"] == "object" and item["additionalProperties"] is False
    assert {"ledger_account_id", "quantity", "unit_price", "tax_rate_id"} <= set(item["required"])
    assert set(item["properties"]["unit_price"]["type"]) == {"number", "string"}
    assert lines["examples"][0][0]["unit_price"] == "150.00"
    money = props["total_amount"]
    jsonschema.validate(150.5, money)
    jsonschema.validate("150.50", money)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate("lots", money)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(-1, money)
    visible = registry["listLedgerAccounts"].input_schema()["properties"]["visible_in"]
    assert "sales" in visible["enum"]
    types = registry["createContact"].input_schema()["properties"]["contact_type_ids"]
    assert types["type"] == "array" and types["examples"] == [["example-2356795"]]
    assert registry["listContacts"].input_schema()["properties"]["fetch_all"]["default"] is False
    assert registry["getBusiness"].input_schema()["required"] == []


@pytest.mark.parametrize(
    ("tool", "args", "named", "message"),
    [
        ("sage_create_sales_invoice",
         {"contact_id": "c1", "date": "2024-01-31", "invoice_lines": [
             {"description": "a", "ledger_account_id": "l", "quantity": 1, "unit_price": 1, "tax_rate_id": "T"},
             {"description": "a", "ledger_account_id": "l", "quantity": 1, "unit_price": 1, "tax_rate_id": "T"},
             {"description": "a", "ledger_account_id": "l", "quantity": 1, "tax_rate_id": "T"}]},
         "invoice_lines", "invoice_lines[2].unit_price is required"),
        ("sage_get_contact", {"contact_id": "not an id!"}, "contact_id", "contact_id is not a valid Sage id"),
        ("sage_get_contact", {"contact_id": "c1", "foo": 1}, "foo", "foo is not an argument of sage_get_contact"),
        ("sage_get_contact", {"contactId": "c1"}, "contactId", "(did you mean contact_id?)"),
        ("sage_get_contact", {}, "contact_id", "contact_id is required"),
        ("sage_create_contact", {"name": "X", "contact_type_ids": "CUSTOMER", "address_line_1": 7.5j},
         "address_line_1", "address_line_1 must be text"),
        ("sage_list_contacts", {"page": 2, "fetch_all": True}, "page",
         "page cannot be combined with fetch_all"),
        ("sage_create_purchase_invoice", {"contact_id": "c", "date": "2024-02-01", "due_date": "2024-01-01",
                                          "invoice_lines": [{"description": "a", "ledger_account_id": "l",
                                                             "quantity": 1, "unit_price": 1, "tax_rate_id": "T"}]},
         "due_date", "due_date (2024-01-01) must be on or after date (2024-02-01)"),
        ("sage_create_journal", {"date": "2024-01-01", "reference": "J", "journal_lines": [
            {"ledger_account_id": "a", "debit": 1, "credit": 0}]}, "journal_lines", "journal_lines must balance"),
        ("sage_raw_request", {"method": "GET", "url": "/x", "headers": [{"key": "Authorization", "value": "x"}]},
         "headers", "headers must not set Authorization"),
    ],
)  # fmt: skip
def test_refused_arguments_are_named_by_their_arg_name(
    tool: str, args: dict[str, Any], named: str, message: str
) -> None:
    with pytest.raises(ActionInputError) as caught:
        registry.by_tool_name(tool).validate_args(args)
    assert caught.value.action == tool
    assert caught.value.key == named
    assert message in str(caught.value)
    assert str(caught.value).startswith(f"{tool}: ")


def test_arguments_that_are_not_an_object_are_refused() -> None:
    with pytest.raises(ActionInputError, match="must be an object"):
        registry["getContact"].validate_args(["contact_id"])  # type: ignore[arg-type]


def test_validated_arguments_are_keyed_by_input_and_run_as_inputs() -> None:
    inputs = registry["createContact"].validate_args(
        {"name": "Acme", "contact_type_ids": "CUSTOMER", "credit_limit": 10, "address_line_1": "1 Road"}
    )
    assert dict(inputs) == registry["createContact"].validate(
        {"name": "Acme", "contactTypeIds": "CUSTOMER", "creditLimit": 10, "addressLine1": "1 Road"}
    )
