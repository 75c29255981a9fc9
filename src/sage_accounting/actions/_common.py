"""Building blocks every area's actions share: converters, list inputs, line specs, checks, access
rules, and small constructors that keep the declarations short."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from . import _request
from ._access import AREAS, Access
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
from ._naming import camel_words, list_noun, title_of, tool_name_of, verb_of_key
from ._registry import (
    NO_DEFAULT,
    Action,
    ActionInput,
    AmountRule,
    AsyncHandler,
    Check,
    Handler,
    Inputs,
    Kind,
    Namer,
    Preparer,
)
from ._structured import AnyValue, Lines
from ._targets import Body, Path, Query, Target

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
    sage: Target | None = None,
    convert: Converter = TEXT,
    required: bool = False,
    default: Any = NO_DEFAULT,
    type: str | None = None,
    sample: Any = None,
) -> ActionInput:
    """An :class:`ActionInput` with the arguments in the order the declarations read best (``sage`` is
    where the value goes: a :class:`Path`, :class:`Query` or :class:`Body`)."""
    return ActionInput(
        key=key,
        label=label,
        convert=convert,
        required=required,
        default=default,
        comments=comments,
        example=example,
        target=sage,
        type=type,
        sample=sample,
    )


def path_id(key: str, label: str, noun: str, example: str = "example-533242") -> ActionInput:
    """The required id of the record an action acts on (goes into the URL path)."""
    return inp(
        key,
        label,
        f"Provide the unique identifier of {noun}.",
        example,
        sage=Path(key),
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
        sage=Query("items_per_page", "1..200, Sage default 20"),
        convert=Integer(1, 200),
    )


def page() -> ActionInput:
    """``page`` exactly as the seed documents it."""
    return inp(
        "page",
        "Page",
        "Provide a value for the page of results you would like to be returned.",
        "1",
        sage=Query("page", "from 1"),
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
        sage=Query("updated_or_created_since", "ISO 8601 date-time, inclusive"),
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
        sage=Query("attributes"),
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
        sage=Query("deleted_since", "ISO 8601 date-time, exclusive"),
        convert=DATETIME,
    )


def search(fields: str) -> ActionInput:
    """``search``: a free-text filter."""
    return inp(
        "search", "Search", f"Only records whose {fields} contain this text.", "Acme", sage=Query("search")
    )


def query_id(key: str, label: str, param: str, comments: str, example: str) -> ActionInput:
    """An id filter of a list (``contactId`` → ``contact_id``)."""
    return inp(key, label, comments, example, sage=Query(param), convert=ID)


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
            sage=Query("from_date", "YYYY-MM-DD"),
            convert=DATE,
        ),
        inp(
            "toDate",
            "To Date",
            f"Only {noun} dated on or before this date.",
            "2024-12-31",
            sage=Query("to_date", "YYYY-MM-DD"),
            convert=DATE,
        ),
        search("number, reference or contact name"),
        inp(
            "sort",
            "Sort",
            "Sort order: field:direction pairs, comma-separated (fields: created_at, updated_at, date, "
            "due_date; direction asc or desc).",
            "date:desc",
            sage=Query("sort"),
        ),
        deleted_since(noun),
    ]


def list_inputs(*extra: ActionInput, seed: tuple[ActionInput, ...] = ()) -> tuple[ActionInput, ...]:
    """Inputs of a list action: ``seed`` (the component's own, if any) or itemsPerPage/page, then
    ``fetchAll``, ``attributes`` and ``extra`` filters, sorted by key as the component sorts them."""
    base = seed or (items_per_page(), page())
    return tuple(sorted((*base, fetch_all(), attributes(), *extra), key=lambda i: i.key.lower()))


# --- checks -------------------------------------------------------------------------------------------


def check_fetch_all(values: Inputs, name: Namer) -> list[InputProblem]:
    """``page`` with ``fetchAll`` makes no sense: fetchAll walks every page from the first."""
    if values.get("fetchAll") and "page" in values:
        page_, all_ = name("page"), name("fetchAll")
        return [InputProblem(page_, f"{page_} cannot be combined with {all_} ({all_} walks every page)")]
    return []


def check_order(first: str, later: str) -> Check:
    """A check that date ``later`` is not before date ``first`` (when both are given)."""

    def check(values: Inputs, name: Namer) -> list[InputProblem]:
        if first in values and later in values and values[later] < values[first]:
            shown = name(later)
            return [
                InputProblem(
                    shown, f"{shown} ({values[later]}) must be on or after {name(first)} ({values[first]})"
                )
            ]
        return []

    return check


# --- access -------------------------------------------------------------------------------------------

SEED = frozenset({"seed"})
"""The tag of the component's own 28 actions."""


def read(*areas: str) -> Access:
    """Read in any one of ``areas`` (every role area when none is given)."""
    return Access("read", areas or AREAS)


def full(*areas: str) -> Access:
    """Full in any one of ``areas``."""
    return Access("full", areas)


# --- action constructors ------------------------------------------------------------------------------

_HANDLERS: dict[str, tuple[Handler, AsyncHandler]] = {
    "list": (_request.list_records, _request.alist_records),
}


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
    access: Access,
    toolset: str | None = None,
    tags: frozenset[str] = frozenset(),
    checks: tuple[Check, ...] = (),
    model: str | None = None,
    amount: AmountRule | None = None,
    verb: str | None = None,
    noun: str | None = None,
    tool_name: str | None = None,
    title: str | None = None,
    prepare: Preparer | None = None,
    handler: Handler | None = None,
    async_handler: AsyncHandler | None = None,
) -> Action:
    """An :class:`Action`; list actions page (and refuse ``page`` with ``fetchAll``), the rest send one
    request built from the inputs' targets.

    The tool's names follow from the key unless given: ``verb`` its first word, ``noun`` the rest (a
    list: its collection, singular), ``tool_name`` ``sage_<verb>_<noun>``; ``toolset`` is the first
    of the access areas unless given.
    """
    if kind == "list":
        checks = (check_fetch_all, *checks)
    verb = verb or verb_of_key(key)
    noun = noun or (list_noun(path) if kind == "list" else " ".join(camel_words(key)[1:]))
    sync, asynchronous = _HANDLERS.get(kind, (_request.send, _request.asend))
    return Action(
        key=key,
        label=label,
        description=description,
        method=method,
        path=path,
        inputs=tuple(inputs),
        kind=kind,
        group=group,
        access=access,
        toolset=toolset or access.areas[0],
        verb=verb,
        noun=noun,
        tool_name=tool_name or tool_name_of(verb, noun, path),
        title=title or title_of(verb, noun),
        tags=tags,
        checks=checks,
        model=model,
        amount_rule=amount,
        prepare=prepare or _request.prepare,
        handler=handler or sync,
        async_handler=async_handler or asynchronous,
    )


def sorted_inputs(inputs: list[ActionInput]) -> tuple[ActionInput, ...]:
    """Inputs sorted by key (case-insensitive), the component's order."""
    return tuple(sorted(inputs, key=lambda i: i.key.lower()))


__all__ = [
    "ALLOCATIONS",
    "ANY",
    "BOOL",
    "DATE",
    "DATETIME",
    "ID",
    "JOURNAL_LINES",
    "LINE_REQUIRED",
    "MONEY",
    "NUMBER",
    "PURCHASE_LINES",
    "SALES_LINES",
    "SALES_PRICES",
    "SALES_RATES",
    "SEED",
    "TEXT",
    "Body",
    "Path",
    "Query",
    "action",
    "artefact_filters",
    "attributes",
    "check_fetch_all",
    "check_order",
    "deleted_since",
    "fetch_all",
    "full",
    "inp",
    "items_per_page",
    "list_inputs",
    "page",
    "path_id",
    "query_id",
    "read",
    "search",
    "since",
    "sorted_inputs",
]
