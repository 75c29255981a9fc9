"""Artefact arithmetic: invoice / credit note lines, shipping, totals and the tax analysis.

Sage's rules (reference README, "Invoices"): a line's
``net_amount = quantity × unit_price − discount_amount``,
its ``tax_amount = round(net_amount × rate / 100, 2)`` (half up: two decimals is the only precision Sage
keeps), ``total_amount = net + tax``; the header amounts are the sums of the lines (sales add shipping) and
``tax_analysis`` has one entry per tax rate used.

Choices where Sage's documents leave room (each one is tested):

* A line may send ``tax_amount``: Sage takes a pre-calculated tax as given (the invoicing guide's example
  sends 9.95 on a 100.00 net line), so the emulator keeps it (rounded to cents) and only computes the tax when
  it is omitted. On a 0% rate (zero, exempt, no tax) Sage infers 0.0, so a non-zero tax there is a 422.
* Amounts a client sends that Sage would compute (line ``net_amount``/``total_amount``, header
  ``net_amount``/``tax_amount``/``total_amount``, ``shipping_total_amount``) must agree with the computed
  value, otherwise a 422 names the field: a client whose arithmetic differs from Sage's finds out here rather
  than by reading back different totals.
* ``unit_price_includes_tax`` lines are taken as gross:
  tax = round(gross × rate / (100 + rate), 2), net = gross − tax.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .._errors import Invalid
from .._fields import F, Field, S
from .._money import ZERO, format_money, round2
from .._resource import Ctx, Record
from .._state import new_id

HUNDRED = Decimal(100)
LIMIT = Decimal("1e13")

# Response key order of each line model (swagger definitions *LineItem).
SALES_LINE_KEYS = (
    "id", "displayed_as", "analysis_type_categories", "description", "product", "service", "ledger_account",
    "trade_of_asset", "quantity", "unit_price", "net_amount", "tax_rate", "tax_amount", "tax_breakdown",
    "total_amount", "base_currency_unit_price", "unit_price_includes_tax", "base_currency_net_amount",
    "base_currency_tax_amount", "base_currency_tax_breakdown", "base_currency_total_amount",
    "eu_goods_services_type", "discount_amount", "base_currency_discount_amount", "discount_percentage",
    "eu_sales_description",
)  # fmt: skip
PURCHASE_LINE_KEYS = (
    "id", "displayed_as", "is_purchase_for_resale", "analysis_type_categories", "description", "product",
    "service", "ledger_account", "trade_of_asset", "quantity", "unit_price", "net_amount", "tax_rate",
    "tax_amount", "tax_breakdown", "total_amount", "base_currency_unit_price", "unit_price_includes_tax",
    "base_currency_net_amount", "base_currency_tax_amount", "base_currency_tax_breakdown",
    "base_currency_total_amount", "eu_goods_services_type", "gst_amount", "pst_amount", "tax_recoverable",
)  # fmt: skip

_LINE_COMMON: tuple[Field, ...] = (
    F("id", "id"),
    S("description", required=True),
    F("ledger_account_id", "id", required=True),
    # quantity and tax_rate_id: the invoicing guide lists both as required on every line (the swagger of sales
    # lines does not), and a line without a tax rate has no place in the tax analysis.
    F("quantity", "decimal", required=True),
    F("unit_price", "decimal", required=True),
    F("tax_rate_id", "id", required=True),
    F("product_id", "id"),
    F("service_id", "id"),
    F("trade_of_asset", "boolean"),
    # amounts are money (rounded to cents as they are read); quantity and unit_price keep what was sent:
    # Sage's documents state two decimals for amounts only, and net = round(quantity × unit price − discount)
    F("net_amount", "money"),
    F("tax_amount", "money"),
    F("total_amount", "money"),
    F("unit_price_includes_tax", "boolean"),
)
SALES_LINE_FIELDS = (*_LINE_COMMON, F("discount_amount", "money"), F("discount_percentage", "decimal"))
PURCHASE_LINE_FIELDS = (*_LINE_COMMON, F("is_purchase_for_resale", "boolean"))


def dec(value: Any) -> Decimal:
    """A stored money string (or None) back as a Decimal."""
    return Decimal(value) if isinstance(value, str) and value else ZERO


def tax_percentage(rate: Record | None) -> Decimal:
    return dec(rate.get("percentage")) if rate else ZERO


def breakdown(ctx: Ctx, rate: Record | None, amount: Decimal) -> list[Record]:
    if rate is None:
        return []
    link = ctx.link("tax_rates", rate)
    return [
        {"tax_rate": link, "percentage": format_money(tax_percentage(rate)), "amount": format_money(amount)}
    ]


# sales lines: income accounts; purchase lines: expense accounts (invoicing guide: "GET /ledger_accounts?
# visible_in=sales" for sales, "visible_in=expenses ... will return all expense ledger accounts" for purchases).
# An account of another group that the chart of accounts shows there (its visible_in flag) is accepted too.
LINE_GROUPS = {
    True: ("INCOME", "visible_in_sales", "sales"),
    False: ("EXPENSE", "visible_in_expenses", "expenses"),
}


def check_ledger_group(ledger: Record, source: str, errors: Invalid, *, sales: bool) -> None:
    """422 on ``source`` unless ``ledger`` is an account sales (or purchase) lines may post to."""
    group, flag, scope = LINE_GROUPS[sales]
    if (ledger.get("ledger_account_group") or {}).get("id") == group or ledger.get(flag):
        return
    kind = "an income" if sales else "an expense"
    errors.add(source, f"must be {kind} ledger account (GET /ledger_accounts?visible_in={scope})")


def _mismatch(errors: Invalid, source: str, sent: Decimal | None, computed: Decimal) -> None:
    if sent is not None and sent != computed:
        errors.add(source, f"does not match the calculated amount ({format_money(computed)})")


def _tax_for(
    errors: Invalid, source: str, rate: Record | None, base: Decimal, sent: Decimal | None, *, gross: bool
) -> Decimal:
    """The tax of ``base`` (net, or gross when the price includes tax) at ``rate``, or the tax sent."""
    pct = tax_percentage(rate)
    if sent is not None:
        if pct == 0 and sent != 0:
            errors.add(source, "must be 0 for a zero, exempt or no-tax rate")
        return round2(sent)
    if gross:
        return round2(base * pct / (HUNDRED + pct))
    return round2(base * pct / HUNDRED)


def build_line(
    ctx: Ctx, data: dict[str, Any], source: str, errors: Invalid, *, sales: bool, keep_id: str | None
) -> Record:
    """One response line from a cleaned request line; rule violations go to ``errors`` under ``source``."""
    ledger = ctx.require(
        "ledger_accounts", data.get("ledger_account_id"), f"{source}.ledger_account_id", errors
    )
    if ledger is not None:
        check_ledger_group(ledger, f"{source}.ledger_account_id", errors, sales=sales)
    rate = ctx.require("tax_rates", data.get("tax_rate_id"), f"{source}.tax_rate_id", errors)
    product = ctx.require("products", data.get("product_id"), f"{source}.product_id", errors)
    service = ctx.require("services", data.get("service_id"), f"{source}.service_id", errors)
    quantity: Decimal = data.get("quantity") or ZERO
    unit_price: Decimal = data.get("unit_price") or ZERO
    gross = quantity * unit_price
    if abs(gross) >= LIMIT:
        # Sage's amounts have at most 13 integer digits; this also keeps the cent rounding exact.
        errors.add(f"{source}.unit_price", "is too large (quantity × unit_price must be less than 10^13)")
        gross = ZERO
    discount = ZERO
    percent: Decimal | None = None
    if sales:
        sent_discount = data.get("discount_amount")
        percent = data.get("discount_percentage")
        if percent is not None and not 0 <= percent <= HUNDRED:
            errors.add(f"{source}.discount_percentage", "must be between 0 and 100")
            percent = ZERO
        if sent_discount is not None:
            discount = round2(sent_discount)
        elif percent is not None:
            discount = round2(gross * percent / HUNDRED)
        if discount < 0:
            errors.add(f"{source}.discount_amount", "must be greater than or equal to 0")
        if percent is None:
            percent = round2(discount / gross * HUNDRED) if gross else ZERO
    includes_tax = bool(data.get("unit_price_includes_tax"))
    amount = round2(gross - discount)
    tax = _tax_for(errors, f"{source}.tax_amount", rate, amount, data.get("tax_amount"), gross=includes_tax)
    net = amount - tax if includes_tax else amount
    total = net + tax
    _mismatch(errors, f"{source}.net_amount", data.get("net_amount"), net)
    _mismatch(errors, f"{source}.total_amount", data.get("total_amount"), total)
    tax_rows = breakdown(ctx, rate, tax)
    values: Record = {
        "id": keep_id or new_id(),
        "displayed_as": data.get("description"),
        "analysis_type_categories": [],
        "description": data.get("description"),
        "product": ctx.link("products", product),
        "service": ctx.link("services", service),
        "ledger_account": ctx.link("ledger_accounts", ledger),
        "trade_of_asset": bool(data.get("trade_of_asset")),
        "quantity": format_money(quantity),
        "unit_price": format_money(unit_price),
        "net_amount": format_money(net),
        "tax_rate": ctx.link("tax_rates", rate),
        "tax_amount": format_money(tax),
        "tax_breakdown": tax_rows,
        "total_amount": format_money(total),
        "base_currency_unit_price": format_money(unit_price),
        "unit_price_includes_tax": includes_tax,
        "base_currency_net_amount": format_money(net),
        "base_currency_tax_amount": format_money(tax),
        "base_currency_tax_breakdown": [dict(row) for row in tax_rows],
        "base_currency_total_amount": format_money(total),
        "eu_goods_services_type": None,
        "is_purchase_for_resale": bool(data.get("is_purchase_for_resale")),
    }
    if sales:
        values.update(
            discount_amount=format_money(discount),
            base_currency_discount_amount=format_money(discount),
            discount_percentage=format_money(percent or ZERO),
            eu_sales_description=None,
        )
    keys = SALES_LINE_KEYS if sales else PURCHASE_LINE_KEYS
    return {k: values.get(k) for k in keys}


@dataclass
class Shipping:
    """A sales artefact's shipping charge (all zero on purchases)."""

    net: Decimal = ZERO
    tax: Decimal = ZERO
    rate: Record | None = None

    @property
    def total(self) -> Decimal:
        return self.net + self.tax


def build_shipping(ctx: Ctx, data: dict[str, Any], current: Record | None, errors: Invalid) -> Shipping:
    """Shipping from the request, falling back to the stored record's values on update."""
    if "shipping_tax_rate_id" in data:
        rate = ctx.require("tax_rates", data["shipping_tax_rate_id"], "shipping_tax_rate_id", errors)
    elif current is not None and current.get("shipping_tax_rate"):
        rate = ctx.get("tax_rates", current["shipping_tax_rate"]["id"])
    else:
        rate = None
    if "shipping_net_amount" in data:
        net = round2(data["shipping_net_amount"] or ZERO)
    else:
        net = dec(current.get("shipping_net_amount")) if current else ZERO
    if net < 0:
        errors.add("shipping_net_amount", "must be greater than or equal to 0")
    sent_tax = data.get("shipping_tax_amount")
    if (
        sent_tax is None
        and current is not None
        and not {"shipping_net_amount", "shipping_tax_rate_id"} & set(data)
    ):
        sent_tax = dec(current.get("shipping_tax_amount"))  # nothing about shipping changed: keep its tax
    tax = _tax_for(errors, "shipping_tax_amount", rate, net, sent_tax, gross=False)
    shipping = Shipping(net, tax, rate)
    _mismatch(errors, "shipping_total_amount", data.get("shipping_total_amount"), shipping.total)
    return shipping


@dataclass
class Totals:
    net: Decimal = ZERO
    tax: Decimal = ZERO
    quantity: Decimal = ZERO
    discount: Decimal = ZERO
    analysis: list[Record] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return self.net + self.tax


def _analysis_row(rows: dict[str, dict[str, Any]], rate: Record | None) -> dict[str, Any]:
    key = rate["id"] if rate else ""
    if key not in rows:
        rows[key] = {
            "tax_rate": dict(rate) if rate else None,
            "net": ZERO,
            "tax": ZERO,
            "goods": ZERO,
            "service": ZERO,
        }
    return rows[key]


def totals(lines: list[Record], shipping: Shipping) -> Totals:
    """Header amounts and the tax analysis (one entry per tax rate, in order of first use) of stored lines.

    ``goods_amount``/``service_amount`` split each rate's net by lines that name a product or a service
    (lines with neither count as neither, as in the guide's example of a plain draft)."""
    result = Totals()
    rows: dict[str, dict[str, Any]] = {}
    for line in lines:
        net, tax = dec(line["net_amount"]), dec(line["tax_amount"])
        result.net += net
        result.tax += tax
        result.quantity += dec(line["quantity"])
        result.discount += dec(line.get("discount_amount"))
        row = _analysis_row(rows, line["tax_rate"])
        row["net"] += net
        row["tax"] += tax
        if line.get("product"):
            row["goods"] += net
        elif line.get("service"):
            row["service"] += net
    if shipping.net or shipping.tax:
        result.net += shipping.net
        result.tax += shipping.tax
        row = _analysis_row(rows, shipping_link(shipping))
        row["net"] += shipping.net
        row["tax"] += shipping.tax
    result.analysis = [
        {
            "tax_rate": row["tax_rate"],
            "net_amount": format_money(row["net"]),
            "tax_amount": format_money(row["tax"]),
            "total_amount": format_money(row["net"] + row["tax"]),
            "goods_amount": format_money(row["goods"]),
            "service_amount": format_money(row["service"]),
        }
        for row in rows.values()
    ]
    return result


def shipping_link(shipping: Shipping) -> Record | None:
    rate = shipping.rate
    if rate is None:
        return None
    return {"id": rate["id"], "displayed_as": rate.get("displayed_as"), "$path": f"/tax_rates/{rate['id']}"}
