"""Building blocks the seed and the wider actions share: converters, list inputs, line specs, checks,
and small constructors that keep the declarations short."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from . import _mapping
from ._inputs import (
    Attributes,
    Boolean,
    Converter,
    Date,
    DateTime,
    Id,
    InputProblem,
    Integer,
    Number,
    Text,
)
from ._registry import NO_DEFAULT, Action, ActionInput, Check, Handler, Inputs, Kind
from ._structured import AnyValue, Lines

TEXT = Text()
ID = Id()
BOOL = Boolean()
DATE = Date()
DATETIME = DateTime()
NUMBER = Number()
MONEY = Number(minimum=Decimal(0))
ANY = AnyValue()

_LINE_COMMON: dict[str, Converter] = {
    "id": ID,
    "description": TEXT,
    "ledger_account_id": ID,
    "quantity": NUMBER,
    "unit_price": NUMBER,
    "tax_rate_id": ID,
    "product_id": ID,
    "service_id": ID,
    "net_amount": NUMBER,
    "tax_amount": NUMBER,
    "total_amount": NUMBER,
    "unit_price_includes_tax": BOOL,
    "trade_of_asset": BOOL,
    "analysis_type_categories": ANY,
    "eu_goods_services_type_id": ID,
    "base_currency_unit_price": NUMBER,
    "base_currency_net_amount": NUMBER,
    "base_currency_tax_amount": NUMBER,
    "base_currency_total_amount": NUMBER,
}
# Sage's invoicing guide: every line needs these (the swagger of sales lines lists fewer, but a line
# without quantity or tax rate has no place in the totals or the tax analysis).
LINE_REQUIRED = ("description", "ledger_account_id", "quantity", "unit_price", "tax_rate_id")
SALES_LINES = Lines(
    fields={
        **_LINE_COMMON,
        "discount_amount": MONEY,
        "discount_percentage": Number(minimum=Decimal(0)),
        "base_currency_discount_amount": MONEY,
        "eu_sales_description_id": ID,
    },
    required=LINE_REQUIRED,
)
PURCHASE_LINES = Lines(
    fields={
        **_LINE_COMMON,
        "is_purchase_for_resale": BOOL,
        "gst_amount": NUMBER,
        "pst_amount": NUMBER,
        "tax_recoverable": BOOL,
    },
    required=LINE_REQUIRED,
)
JOURNAL_LINES = Lines(
    fields={
        "ledger_account_id": ID,
        "debit": MONEY,
        "credit": MONEY,
        "details": TEXT,
        "include_on_tax_return": BOOL,
        "analysis_type_categories": ANY,
    },
    required=("ledger_account_id", "debit", "credit"),
)
ALLOCATIONS = Lines(
    fields={"artefact_id": ID, "amount": NUMBER, "discount": NUMBER},
    required=("artefact_id", "amount"),
    noun="allocation",
)
SALES_PRICES = Lines(
    fields={
        "price_name": TEXT,
        "price": MONEY,
        "price_includes_tax": BOOL,
        "product_sales_price_type_id": ID,
    },
    required=("price",),
    noun="price",
)
SALES_RATES = Lines(
    fields={"rate_name": TEXT, "rate": MONEY, "rate_includes_tax": BOOL, "service_rate_type_id": ID},
    required=("rate",),
    noun="rate",
)


def inp(
    key: str,
    label: str,
    comments: str | None = None,
    example: str | None = None,
    *,
    sage: str | None = None,
    convert: Converter = TEXT,
    required: bool = False,
    default: Any = NO_DEFAULT,
    type: str | None = None,
) -> ActionInput:
    """An :class:`ActionInput` with the arguments in the order the declarations read best."""
    return ActionInput(
        key=key,
        label=label,
        convert=convert,
        required=required,
        default=default,
        comments=comments,
        example=example,
        sage=sage,
        type=type,
    )


def path_id(key: str, label: str, noun: str, example: str = "example-533242") -> ActionInput:
    """The required id of the record an action acts on (goes into the URL path)."""
    return inp(
        key,
        label,
        f"Provide the unique identifier of {noun}.",
        example,
        sage="path",
        convert=ID,
        required=True,
    )


# --- list inputs --------------------------------------------------------------------------------------


def items_per_page() -> ActionInput:
    """``itemsPerPage`` exactly as the seed documents it."""
    return inp(
        "itemsPerPage",
        "Items Per Page",
        "Provide a value for the amount of items to be returned in the response.",
        "100",
        sage="query items_per_page (1..200, Sage default 20)",
        convert=Integer(1, 200),
    )


def page() -> ActionInput:
    """``page`` exactly as the seed documents it."""
    return inp(
        "page",
        "Page",
        "Provide a value for the page of results you would like to be returned.",
        "1",
        sage="query page (from 1)",
        convert=Integer(1),
    )


def since(noun: str = "Contacts") -> ActionInput:
    """``updated_or_created_since`` (the seed's key, snake_case as it is)."""
    return inp(
        "updated_or_created_since",
        "Update or Created Since",
        f"Use this to limit the response to {noun} changed since a given date (format: "
        "YYYY-MM-DDT(+|-)hh:mm) or date-time (format: YYYY-MM-DDThh:mm:ss(+|-)hh:mm). Inclusive of the "
        "passed timestamp.",
        "2015-10-27T16:24:52Z",
        sage="query updated_or_created_since (ISO 8601 date-time, inclusive)",
        convert=DATETIME,
    )


def fetch_all() -> ActionInput:
    """``fetchAll``: walk every page."""
    return inp(
        "fetchAll",
        "Fetch All",
        "Walk every page and return all records in one envelope ($items, $total). itemsPerPage sets the "
        "page size (default 200); cannot be combined with page.",
        "true",
        convert=BOOL,
        default=False,
    )


def attributes() -> ActionInput:
    """``attributes``: which fields of each record a list returns."""
    return inp(
        "attributes",
        "Attributes",
        "Fields to return for each record: all, or a comma-separated list of field names. Without it Sage "
        "returns only id, displayed_as and $path.",
        "all",
        sage="query attributes",
        convert=Attributes(),
    )


def deleted_since(noun: str) -> ActionInput:
    """``deletedSince``: records deleted since a moment (ids only)."""
    return inp(
        "deletedSince",
        "Deleted Since",
        f"List only the {noun} deleted since this date or date-time (not inclusive); Sage then returns "
        "their ids only.",
        "2015-10-27T16:24:52Z",
        sage="query deleted_since (ISO 8601 date-time, exclusive)",
        convert=DATETIME,
    )


def search(fields: str) -> ActionInput:
    """``search``: a free-text filter."""
    return inp(
        "search", "Search", f"Only records whose {fields} contain this text.", "Acme", sage="query search"
    )


def query_id(key: str, label: str, param: str, comments: str, example: str) -> ActionInput:
    """An id filter of a list (``contactId`` → ``contact_id``)."""
    return inp(key, label, comments, example, sage=f"query {param}", convert=ID)


def artefact_filters(noun: str) -> list[ActionInput]:
    """The filters of invoice and credit-note lists."""
    return [
        query_id("contactId", "Contact Id", "contact_id", f"Only {noun} of this contact.", "example-533242"),
        query_id(
            "statusId",
            "Status Id",
            "status_id",
            "Only records in this status (DRAFT, UNPAID, PART_PAID, PAID, VOID …).",
            "UNPAID",
        ),
        inp(
            "fromDate",
            "From Date",
            f"Only {noun} dated on or after this date.",
            "2024-01-01",
            sage="query from_date (YYYY-MM-DD)",
            convert=DATE,
        ),
        inp(
            "toDate",
            "To Date",
            f"Only {noun} dated on or before this date.",
            "2024-12-31",
            sage="query to_date (YYYY-MM-DD)",
            convert=DATE,
        ),
        search("number, reference or contact name"),
        inp(
            "sort",
            "Sort",
            "Sort order: field:direction pairs, comma-separated (fields: created_at, updated_at, date, "
            "due_date; direction asc or desc).",
            "date:desc",
            sage="query sort",
        ),
        deleted_since(noun),
    ]


def list_inputs(*extra: ActionInput, seed: tuple[ActionInput, ...] = ()) -> tuple[ActionInput, ...]:
    """Inputs of a list action: ``seed`` (the component's own, if any) or itemsPerPage/page, then
    ``fetchAll``, ``attributes`` and ``extra`` filters, sorted by key as the component sorts them."""
    base = seed or (items_per_page(), page())
    return tuple(sorted((*base, fetch_all(), attributes(), *extra), key=lambda i: i.key.lower()))


# --- checks -------------------------------------------------------------------------------------------


def check_fetch_all(values: Inputs) -> list[InputProblem]:
    """``page`` with ``fetchAll`` makes no sense: fetchAll walks every page from the first."""
    if values.get("fetchAll") and "page" in values:
        return [InputProblem("page", "page cannot be combined with fetchAll (fetchAll walks every page)")]
    return []


def check_order(first: str, later: str) -> Check:
    """A check that date ``later`` is not before date ``first`` (when both are given)."""

    def check(values: Inputs) -> list[InputProblem]:
        if first in values and later in values and values[later] < values[first]:
            return [
                InputProblem(
                    later, f"{later} ({values[later]}) must be on or after {first} ({values[first]})"
                )
            ]
        return []

    return check


# --- action constructors ------------------------------------------------------------------------------

_HANDLERS: dict[str, Handler] = {"list": _mapping.list_records}


def action(
    key: str,
    label: str,
    description: str,
    method: str,
    path: str,
    inputs: tuple[ActionInput, ...] | list[ActionInput],
    *,
    kind: Kind,
    group: str,
    checks: tuple[Check, ...] = (),
    handler: Handler | None = None,
) -> Action:
    """An :class:`Action`; list actions page (and refuse ``page`` with ``fetchAll``), the rest send one
    request built from the inputs' ``sage`` notes."""
    if kind == "list":
        checks = (check_fetch_all, *checks)
    return Action(
        key=key,
        label=label,
        description=description,
        method=method,
        path=path,
        inputs=tuple(inputs),
        handler=handler or _HANDLERS.get(kind, _mapping.send),
        kind=kind,
        group=group,
        checks=checks,
    )


def sorted_inputs(inputs: list[ActionInput]) -> tuple[ActionInput, ...]:
    """Inputs sorted by key (case-insensitive), the component's order."""
    return tuple(sorted(inputs, key=lambda i: i.key.lower()))
