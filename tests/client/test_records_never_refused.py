"""Records Sage sends are never refused: a field of another shape keeps its value, with one warning naming
it; and records read from a listing are the public pydantic models, validated when first used."""

from __future__ import annotations

import copy
import datetime as _dt
import pickle
import typing
import warnings
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from client_helpers import make_connection

from sage_accounting import SageAccounting, types
from sage_accounting._models import SageModel
from sage_accounting._parse import _warned, parse
from sage_accounting.emulator import DEMO, Emulator
from sage_accounting.types import SageDataWarning

MODELS = [getattr(types, n) for n in types.__all__ if n not in ("SageModel", "SageRecord", "SageDataWarning")]


@pytest.fixture(autouse=True)
def fresh_warnings() -> Iterator[None]:
    """Each test sees every field's first warning (they are given once per model and field)."""
    _warned.clear()
    yield
    _warned.clear()


def _odd(annotation: Any) -> Any:
    """An odd but real-looking value of another shape than ``annotation`` declares."""
    inner = [a for a in typing.get_args(annotation) if a is not type(None)] or [annotation]
    target = inner[0]
    if target is _dt.date:
        return "05/01/2022"  # as in Sage's own published responses
    if target is _dt.datetime:
        return "29/11/2026 13:59"
    if target is Decimal:
        return "£1,250.00"
    if target is bool:
        return "Y (see notes)"
    if target is int:
        return "thirty"
    if target is str:
        return {"displayed_as": "text sent as an object"}
    if typing.get_origin(target) is list:
        return "CUSTOMER"
    return "GBP"  # a reference sent as its id alone


def _fields(model: type[SageModel]) -> list[tuple[str, str, Any]]:
    return [(name, field.alias or name, _odd(field.annotation)) for name, field in model.model_fields.items()]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_field_of_every_model_keeps_a_value_of_another_shape(model: type[SageModel]) -> None:
    for name, key, odd in _fields(model):
        _warned.clear()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            record = parse(model, {"displayed_as": "Shown", key: odd, "unknown_x": 1})
            assert isinstance(record, model)
            assert getattr(record, name) == odd, (model.__name__, name)
        messages = [str(w.message) for w in caught if issubclass(w.category, SageDataWarning)]
        assert len(messages) == 1, (model.__name__, name, messages)
        assert messages[0].startswith(f"{model.__name__}.{name}: Sage sent "), messages[0]
        # The rest of the record is read as usual; unknown fields are kept.
        assert (record.model_extra or {}).get("unknown_x") == 1
        if "displayed_as" in model.model_fields and name != "displayed_as":
            assert record.displayed_as == "Shown"  # type: ignore[attr-defined]
        assert record.to_dict()[key] == odd


def test_a_bad_field_is_named_once_however_many_records_have_it() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        invoices = [parse(types.SalesInvoice, {"id": str(i), "last_paid": "05/01/2022"}) for i in range(5)]
        assert [i.last_paid for i in invoices] == ["05/01/2022"] * 5
    messages = [str(w.message) for w in caught if issubclass(w.category, SageDataWarning)]
    assert messages == [
        "SalesInvoice.last_paid: Sage sent '05/01/2022', which is not valid (Input should be a valid date "
        "or datetime, invalid character in year); the record keeps the value as sent"
    ]


def test_a_bad_field_in_a_nested_record_is_named_by_its_path() -> None:
    data = {
        "id": "c1",
        "name": "Acme",
        "balance": "10.50",
        "main_address": {"id": "a1", "city": "Leeds", "created_at": "yesterday"},
        "contact_types": [{"id": "CUSTOMER"}, "VENDOR"],
    }
    with pytest.warns(SageDataWarning) as caught:
        contact = parse(types.Contact, data)
        assert contact.balance == Decimal("10.50")
        assert isinstance(contact.main_address, types.Address)
        assert contact.main_address.city == "Leeds"
        assert contact.main_address.created_at == "yesterday"
        assert isinstance(contact.contact_types[0], types.Link)  # type: ignore[index]
        assert contact.contact_types[1] == "VENDOR"  # type: ignore[index]
    assert {str(w.message).split(":")[0] for w in caught} == {
        "Contact.main_address.created_at",
        "Contact.contact_types[1]",
    }


def test_a_listing_over_http_returns_a_record_with_a_bad_date_and_names_the_field() -> None:
    emu = Emulator()
    invoices = emu.state.businesses[DEMO.business_id].collection("sales_invoices")
    first = next(iter(invoices.values()))
    first["last_paid"] = "05/01/2022"
    with SageAccounting(make_connection(emu), business_id=DEMO.business_id) as sage:
        with pytest.warns(SageDataWarning, match=r"^SalesInvoice\.last_paid: Sage sent '05/01/2022'"):
            listed = {i.id: i for i in sage.sales_invoices.list(attributes="all")}
            assert listed[first["id"]].last_paid == "05/01/2022"
            assert listed[first["id"]].total_amount == Decimal(first["total_amount"])
        again = sage.sales_invoices.retrieve(first["id"])
        assert again.last_paid == "05/01/2022"
        assert isinstance(again, types.SalesInvoice)


def test_a_record_waits_for_its_first_use_and_then_is_the_validated_model() -> None:
    data = {
        "id": "c1",
        "$path": "/contacts/c1",
        "name": "Acme",
        "credit_limit": "1500.50",
        "created_at": "2024-01-02T03:04:05Z",
        "currency": {"id": "GBP", "displayed_as": "Pound Sterling (GBP)"},
        "extra_field": [1, 2],
    }
    validated = types.Contact.model_validate(data)
    lazy = parse(types.Contact, data)
    assert type(lazy) is types.Contact
    assert vars(lazy) == {}  # not validated yet
    assert lazy == validated and validated == parse(types.Contact, data)
    assert parse(types.Contact, data).model_dump() == validated.model_dump()
    assert parse(types.Contact, data).model_dump_json() == validated.model_dump_json()
    assert parse(types.Contact, data).to_dict() == validated.to_dict() == data | {"credit_limit": "1500.50"}
    assert repr(parse(types.Contact, data)) == repr(validated)
    assert dict(parse(types.Contact, data)) == dict(validated)
    assert parse(types.Contact, data).model_fields_set == validated.model_fields_set
    assert parse(types.Contact, data).model_extra == {"extra_field": [1, 2]}
    assert copy.deepcopy(parse(types.Contact, data)) == validated
    assert copy.copy(parse(types.Contact, data)) == validated
    assert pickle.loads(pickle.dumps(parse(types.Contact, data))) == validated
    changed = parse(types.Contact, data)
    changed.name = "Renamed"
    assert changed.name == "Renamed" and changed.credit_limit == Decimal("1500.50")
    assert changed.path == "/contacts/c1"
    assert isinstance(parse(types.Contact, data).currency, types.Link)


def test_listing_records_are_models_and_read_like_validated_ones() -> None:
    emu = Emulator()
    with SageAccounting(make_connection(emu), business_id=DEMO.business_id) as sage:
        contacts = list(sage.contacts.list(attributes="all", items_per_page=20))
        assert len(contacts) == 50
        assert all(isinstance(c, types.Contact) for c in contacts)
        raw = sage.request("GET", "/contacts", params={"attributes": "all", "items_per_page": 50}).json()
        for contact, item in zip(contacts, raw["$items"], strict=True):
            assert contact == types.Contact.model_validate(item)
