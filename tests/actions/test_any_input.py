"""Any input whatsoever: every action either runs (Sage answers, or refuses, after receiving the request)
or raises ``ActionInputError`` naming the input, before any request — never another exception.

Inputs are drawn at random for every action: its own keys and stray ones, and values of every kind a
caller or an integration platform could pass (huge or non-finite numbers, 100,000-character text, lone
surrogates, control characters, bytes, naive and far-off dates, JSON nested 1,000 deep, objects with
odd keys, sets …), into an emulator over its in-process transport.  ``SAGE_ANY_INPUT_EXAMPLES`` sets
the runs per action (default 25; 160 makes 12,000 runs over the registry).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator_helpers import make_connection
from sage_accounting import APIStatusError, SageAccounting
from sage_accounting.actions import Action, ActionInputError, raw, registry
from sage_accounting.actions._structured import KeyValues, Lines
from sage_accounting.emulator import DEMO, Emulator

from .conftest import FAST_RETRY, Recorder

EXAMPLES = int(os.environ.get("SAGE_ANY_INPUT_EXAMPLES", "25"))

_TEXTS = [
    "", " ", "1e5", "NaN", "Infinity", "-inf", "0x10", "1_000", " 12 ", "١٢", "[", "{", "[]", "{}", "[1,2]",
    '[{"a":1}]', "true", "yes", "2024-02-30", "2024-01-31", "2024-01-31T10:00:00", "2024-01-31T10:00:00Z",
    "9" * 5000, "a" * 100_000, "[" * 1000 + "]" * 1000, '{"a":' * 1000 + "1" + "}" * 1000, "\x00", "\x1b[31m",
    "\ud800", "line\nbreak", "CUSTOMER,VENDOR", "key: value\nother", "all", "/contacts", "contacts?x=1",
    "http://evil.example/x", "//evil", "../x", "GET", "POST", "DRAFT", "GB_STANDARD", "-1", "0", "1.5", "99999999999",
]  # fmt: skip

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.builds(lambda n: 10**n, st.sampled_from([40, 4400, 5000])),  # built, so Hypothesis never prints it
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.text(alphabet=st.characters(codec=None, categories=None), max_size=8),
    st.binary(max_size=8),
    st.dates(),
    st.datetimes(),
    st.datetimes(timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=-12))])),
    st.times(),
    st.sampled_from(_TEXTS),
)
FIELDS = sorted(
    {
        name
        for a in registry.values()
        for i in a.inputs
        if isinstance(i.convert, Lines)
        for name in i.convert.fields
    }
    | {"key", "value"}
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.tuples(inner, inner),
        st.dictionaries(
            st.one_of(st.sampled_from(FIELDS), st.text(max_size=5), st.integers()), inner, max_size=5
        ),
        st.frozensets(st.one_of(st.integers(), st.text(max_size=3)), max_size=3),
    ),
    max_leaves=12,
)


def _structured(action: Action) -> st.SearchStrategy[Any]:
    """Values shaped like the action's lines or key-value lists, so the checks inside them are reached."""
    shapes: list[st.SearchStrategy[Any]] = []
    for item in action.inputs:
        if isinstance(item.convert, Lines):
            line = st.dictionaries(st.sampled_from(sorted(item.convert.fields)), VALUES, max_size=8)
            shapes.append(st.lists(line, min_size=1, max_size=3))
        elif isinstance(item.convert, KeyValues):
            shapes.append(
                st.lists(st.fixed_dictionaries({"key": st.text(max_size=6), "value": VALUES}), max_size=3)
            )
    return st.one_of(VALUES, *shapes) if shapes else VALUES


def _inputs(action: Action) -> st.SearchStrategy[dict[Any, Any]]:
    keys = st.one_of(
        st.sampled_from(action.input_keys or ["x"]),
        st.sampled_from(action.input_keys or ["x"]),
        st.text(max_size=6),
        st.integers(),
        st.none(),
        st.tuples(st.integers()),
    )
    return st.dictionaries(keys, _structured(action), max_size=7)


@pytest.fixture(scope="module")
def emu() -> Emulator:
    return Emulator(seed="minimal")


@pytest.fixture(scope="module")
def recorder(emu: Emulator) -> Recorder:
    return Recorder(emu.transport())


@pytest.fixture(scope="module")
def client(emu: Emulator, recorder: Recorder) -> Iterator[SageAccounting]:
    with SageAccounting(
        make_connection(emu, recorder), business_id=DEMO.business_id, retry=FAST_RETRY
    ) as sage:
        yield sage


@pytest.fixture(autouse=True)
def _no_pauses(monkeypatch: pytest.MonkeyPatch) -> None:
    # rawRequest may draw maxRetries 100 with retryDelayMS 600000: its pauses are skipped here.
    monkeypatch.setattr(raw, "_sleep", lambda seconds: None)


def _check_refusal(action: Action, inputs: dict[Any, Any], error: ActionInputError) -> None:
    assert error.action == action.key and error.problems
    for problem in error.problems:
        message = problem.message
        assert "\n" not in message and len(message) < 2000, message[:300]
        assert message.startswith(problem.key), (problem.key, message[:300])
        stray = f"is not an input of {action.key}" in message
        assert stray or problem.key.split("[")[0] in action.input_keys, (problem.key, message[:300])


@pytest.mark.parametrize("key", sorted(registry))
def test_any_input_runs_or_is_refused_naming_the_input_before_any_request(
    key: str, client: SageAccounting, recorder: Recorder
) -> None:
    action = registry[key]

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    @given(_inputs(action))
    def check(inputs: dict[Any, Any]) -> None:
        before = len(recorder.requests)
        try:
            action.run(client, inputs)
        except ActionInputError as error:
            assert len(recorder.requests) == before, "refused inputs must send nothing"
            _check_refusal(action, inputs, error)
        except APIStatusError:
            assert len(recorder.requests) > before, "Sage refused a request it received"

    check()


def test_the_worst_values_are_refused_by_name(client: SageAccounting, recorder: Recorder) -> None:
    before = len(recorder.requests)
    cases: list[tuple[str, dict[str, Any], str]] = [
        ("createContact", {"name": 10**5000, "contactTypeIds": "CUSTOMER"}, "name is too long a number"),
        ("createContact", {"name": "Acme\ud800", "contactTypeIds": "CUSTOMER"}, "name must be valid Unicode"),
        ("createContact", {"name": "A", "contactTypeIds": "CUSTOMER", "creditDays": "9" * 5000},
         "creditDays must be a whole number"),
        ("createContact", {"name": "A", "contactTypeIds": "CUSTOMER", "creditLimit": Decimal("1e20")},
         "creditLimit must be less than 10^15"),
        ("createContact", {"name": "A", "contactTypeIds": "[" * 1000 + "]" * 1000},
         "contactTypeIds must be a JSON list of ids: the JSON is nested too deeply"),
        ("createSalesInvoice", {"contactId": "c", "date": "2024-01-01",
                                "invoiceLines": "[" * 1000 + "]" * 1000}, "invoiceLines must be a JSON array"),
        ("createSalesInvoice", {"contactId": "c", "date": "2024-01-01", "invoiceLines": [
            {"description": "a", "ledger_account_id": "l", "quantity": 1, "unit_price": 1, "tax_rate_id": "T",
             "analysis_type_categories": [float("nan")]}]}, "invoiceLines[0].analysis_type_categories[0] must be"),
        ("updateLedgerAccount", {"accountId": "a", "displayName": "X", "ledgerAccountTypeId": "SALES", "name": "X",
                                 "nominalCode": 1, "gifiCode": 10**40}, "gifiCode must be a whole number of at most"),
        ("listContacts", {"updated_or_created_since": dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=5)))},
         "updated_or_created_since is out of the range of dates"),
        ("rawRequest", {"method": "POST", "url": "/contacts", "data": {"a": {1, 2}}}, "data.a must be JSON data"),
        ("rawRequest", {"method": "POST", "url": "/contacts", "data": {"a": float("inf")}},
         "data.a must be a finite number"),
        ("rawRequest", {"method": "GET", "url": "/contacts", "queryParams": [["q", b"\xff"]]},
         "queryParams: the value of q must be UTF-8 text"),
        # a key a one-line message cannot show as it is: quoted, escaped and shortened
        ("rawRequest", {"method": "POST", "url": "/contacts", "fileData": {"0\n0": {}}},
         "fileData['0\\n0'] must be text, got dict"),
        ("rawRequest", {"method": "POST", "url": "/contacts", "data": {"a\nb": float("nan")}},
         "data.'a\\nb' must be a finite number"),
        ("rawRequest", {"method": "POST", "url": "/contacts", "data": {"k" * 5000: float("nan")}},
         "data.'kkkkk"),
    ]  # fmt: skip
    for key, inputs, message in cases:
        with pytest.raises(ActionInputError) as caught:
            registry[key].run(client, inputs)
        assert message in str(caught.value), (key, str(caught.value)[:300])
        assert "\n" not in str(caught.value) and len(str(caught.value)) < 300, str(caught.value)[:400]
    assert len(recorder.requests) == before
