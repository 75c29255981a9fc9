"""Other payments (``/other_payments``): money in and out of a bank account that no invoice is behind.

From the banking guide ("OTHER_RECEIPT … OTHER_PAYMENT_REFUND") and the payments guide ("Refunding an
OTHER_RECEIPT with an OTHER_RECEIPT_REFUND"):

* ``transaction_type_id`` is ``OTHER_PAYMENT`` (money out for an expense), ``OTHER_RECEIPT`` (money in),
  ``OTHER_PAYMENT_REFUND`` (in) or ``OTHER_RECEIPT_REFUND`` (out); the bank account's balance moves
  accordingly (``bank_accounts``). A contact is optional, the bank account required.
* ``payment_lines`` name a ledger account each and say how the money splits: a line's
  ``net_amount + tax_amount = total_amount``; given only a total and a tax rate, the tax is worked out of
  the gross amount (round(total × rate / (100 + rate), 2)), given none, it is 0. The lines' totals add up
  to the payment's ``total_amount`` (422 otherwise); header ``net_amount`` / ``tax_amount`` are the sums.
* Payments go to expense-side accounts (``visible_in_other_payments``), receipts to income-side ones
  (``visible_in_other_receipts``), as the ledger account's flags say; another account is a 422 on the
  line's ``ledger_account_id``.
* No date before the accounts start date. ``DELETE`` needs Full Access in Bank; edits Restricted Access.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .._errors import Invalid
from .._fields import F, S
from .._money import ZERO, format_money, round2
from .._resource import BOOKING_INDEXES, FULL, READ, WRITE, Ctx, Record, Resource, area, linked
from .._state import new_id
from ._artefact_base import mark_contact_used, reference_link
from .financial_settings import check_not_before_start

# transaction type -> (displayed name, ledger account flag its lines need)
OTHER_TYPES: dict[str, tuple[str, str]] = {
    "OTHER_PAYMENT": ("Other Payment", "visible_in_other_payments"),
    "OTHER_RECEIPT": ("Other Receipt", "visible_in_other_receipts"),
    "OTHER_PAYMENT_REFUND": ("Other Payment Refund", "visible_in_other_payments"),
    "OTHER_RECEIPT_REFUND": ("Other Receipt Refund", "visible_in_other_receipts"),
}
OTHER_PAYMENT_KEYS = (
    "id", "displayed_as", "$path", "created_at", "updated_at", "transaction", "transaction_type",
    "deleted_at", "base_currency_total_itc_amount", "total_itc_amount", "base_currency_total_itr_amount",
    "total_itr_amount", "part_recoverable", "payment_method", "contact", "bank_account", "tax_address_region",
    "date", "net_amount", "tax_amount", "total_amount", "reference", "payment_lines", "editable", "deletable",
    "withholding_tax_rate", "withholding_tax_amount",
)  # fmt: skip
LINE_KEYS = (
    "id", "displayed_as", "analysis_type_categories", "ledger_account", "details", "tax_rate", "net_amount",
    "tax_amount", "total_amount", "tax_breakdown", "is_purchase_for_resale", "trade_of_asset", "gst_amount",
    "pst_amount", "tax_recoverable",
)  # fmt: skip
LINE_FIELDS = (
    F("ledger_account_id", "id", required=True),
    F("total_amount", "money", required=True),
    S("details", 255),
    F("tax_rate_id", "id"),
    F("net_amount", "money"),
    F("tax_amount", "money"),
    F("is_purchase_for_resale", "boolean"),
    F("trade_of_asset", "boolean"),
)
FIELDS = (
    F("transaction_type_id", "id", required=True),
    F("date", "date", required=True),
    F("total_amount", "money", required=True),
    F("bank_account_id", "id", required=True),
    F("contact_id", "id"),
    F("payment_method_id", "id"),
    F("net_amount", "money"),
    F("tax_amount", "money"),
    S("reference", 25),
    F("payment_lines", "objects", required=True, fields=LINE_FIELDS),
)
HUNDRED = Decimal(100)


class OtherPayments(Resource):
    name = "other_payments"
    wrapper = "other_payment"
    verbs = frozenset({"list", "get", "create", "update", "delete"})
    read_access = area("Bank", READ)
    write_access = area("Bank", WRITE)
    delete_access = area("Bank", FULL)
    create_fields = FIELDS
    sortable = ("created_at", "updated_at", "date")
    date_field = "date"
    search_fields = ("displayed_as", "reference")
    filters = {
        "contact_id": linked("contact"),
        "bank_account_id": linked("bank_account"),
        "transaction_type_id": linked("transaction_type"),
        "has_attachments": lambda r, v: v.strip().lower() not in ("true", "1"),
    }
    indexes = {"contact": lambda r: (r.get("contact") or {}).get("id"), **BOOKING_INDEXES}
    indexed_filters = {"contact_id": ("contact", str)}

    def create(self, ctx: Ctx, data: dict[str, Any], errors: Invalid) -> Record:
        record = self._compose(ctx, data, None, errors)
        if not errors:
            ctx.collection(self.name)[record["id"]] = record
        return record

    def update(self, ctx: Ctx, record: Record, data: dict[str, Any], errors: Invalid) -> Record:
        spec: dict[str, Any] = {
            "transaction_type_id": record["transaction_type"]["id"],
            "date": record["date"],
            "total_amount": Decimal(record["total_amount"]),
            "bank_account_id": (record.get("bank_account") or {}).get("id"),
            "contact_id": (record.get("contact") or {}).get("id"),
            "payment_method_id": (record.get("payment_method") or {}).get("id"),
            "reference": record.get("reference"),
            "payment_lines": [
                {
                    "ledger_account_id": line["ledger_account"]["id"],
                    "total_amount": Decimal(line["total_amount"]),
                    "net_amount": Decimal(line["net_amount"]),
                    "tax_amount": Decimal(line["tax_amount"]),
                    "tax_rate_id": (line.get("tax_rate") or {}).get("id"),
                    "details": line.get("details"),
                }
                for line in record.get("payment_lines") or []
            ],
            **data,
        }
        new = self._compose(ctx, spec, record, errors, date_changed="date" in data)
        if not errors:
            record.clear()
            record.update(new)
        return record

    # --- rules -------------------------------------------------------------------------------------------
    def _compose(
        self,
        ctx: Ctx,
        data: dict[str, Any],
        current: Record | None,
        errors: Invalid,
        *,
        date_changed: bool = True,
    ) -> Record:
        type_id = str(data.get("transaction_type_id"))
        kind = OTHER_TYPES.get(type_id)
        if kind is None:
            errors.add("transaction_type_id", "is not included in the list")
        if date_changed:
            check_not_before_start(ctx, data.get("date"), "date", errors)
        bank = ctx.require("bank_accounts", data.get("bank_account_id"), "bank_account_id", errors)
        contact = ctx.require("contacts", data.get("contact_id"), "contact_id", errors)
        method = ctx.require("payment_methods", data.get("payment_method_id"), "payment_method_id", errors)
        total: Decimal = data["total_amount"]
        if total <= 0:
            errors.add("total_amount", "must be greater than 0")
        lines = [
            self._line(ctx, line, i, kind, errors) for i, line in enumerate(data.get("payment_lines") or [])
        ]
        if not lines:
            errors.add("payment_lines", "must have at least one line")
        if errors or kind is None:
            return {}
        line_total = sum((Decimal(line["total_amount"]) for line in lines), ZERO)
        if line_total != total:
            errors.add(
                "total_amount", f"must equal the sum of the payment lines ({format_money(line_total)})"
            )
            return {}
        net = sum((Decimal(line["net_amount"]) for line in lines), ZERO)
        tax = sum((Decimal(line["tax_amount"]) for line in lines), ZERO)
        for name, computed in (("net_amount", net), ("tax_amount", tax)):
            if data.get(name) is not None and data[name] != computed:
                errors.add(name, f"does not match the sum of the lines ({format_money(computed)})")
        if errors:
            return {}
        type_link = reference_link(ctx, "transaction_types", type_id, kind[0])
        values: Record = {
            **(current or ctx.stamp(self.name)),
            "displayed_as": data.get("reference") or type_link["displayed_as"],
            "updated_at": ctx.now_iso,
            "transaction": ctx.transaction_link(current),
            "transaction_type": type_link,
            "deleted_at": None,
            "base_currency_total_itc_amount": "0.0",
            "total_itc_amount": "0.0",
            "base_currency_total_itr_amount": "0.0",
            "total_itr_amount": "0.0",
            "part_recoverable": False,
            "payment_method": ctx.link("payment_methods", method or ctx.get("payment_methods", "ELECTRONIC")),
            "contact": ctx.link("contacts", contact),
            "bank_account": ctx.link("bank_accounts", bank),
            "tax_address_region": None,
            "date": data["date"],
            "net_amount": format_money(net),
            "tax_amount": format_money(tax),
            "total_amount": format_money(total),
            "reference": data.get("reference"),
            "payment_lines": lines,
            "editable": True,
            "deletable": True,
            "withholding_tax_rate": None,
            "withholding_tax_amount": None,
        }
        mark_contact_used(contact)
        return {k: values.get(k) for k in OTHER_PAYMENT_KEYS}

    def _line(
        self, ctx: Ctx, line: dict[str, Any], i: int, kind: tuple[str, str] | None, errors: Invalid
    ) -> Record:
        source = f"payment_lines[{i}]"
        account = ctx.require(
            "ledger_accounts", line.get("ledger_account_id"), f"{source}.ledger_account_id", errors
        )
        if account is not None and kind is not None and not account.get(kind[1]):
            side = "payments" if kind[1].endswith("payments") else "receipts"
            errors.add(f"{source}.ledger_account_id", f"is not a ledger account for other {side}")
        rate = ctx.require("tax_rates", line.get("tax_rate_id"), f"{source}.tax_rate_id", errors)
        total: Decimal | None = line.get("total_amount")
        if total is None:
            return {}
        percentage = Decimal(str((rate or {}).get("percentage") or "0"))
        tax: Decimal | None = line.get("tax_amount")
        net: Decimal | None = line.get("net_amount")
        if tax is None:
            tax = total - net if net is not None else round2(total * percentage / (HUNDRED + percentage))
        if net is None:
            net = total - tax
        if net + tax != total:
            errors.add(
                f"{source}.total_amount", f"must equal net_amount plus tax_amount ({format_money(net + tax)})"
            )
        values: Record = {
            "id": new_id(),
            "displayed_as": line.get("details") or (account or {}).get("displayed_as"),
            "analysis_type_categories": [],
            "ledger_account": ctx.link("ledger_accounts", account),
            "details": line.get("details"),
            "tax_rate": ctx.link("tax_rates", rate),
            "net_amount": format_money(net),
            "tax_amount": format_money(tax),
            "total_amount": format_money(total),
            "tax_breakdown": [],
            "is_purchase_for_resale": bool(line.get("is_purchase_for_resale") or False),
            "trade_of_asset": bool(line.get("trade_of_asset") or False),
            "gst_amount": None,
            "pst_amount": None,
            "tax_recoverable": None,
        }
        return {k: values[k] for k in LINE_KEYS}


RESOURCES: list[type[Resource]] = [OtherPayments]
