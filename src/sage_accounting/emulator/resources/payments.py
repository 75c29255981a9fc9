"""Contact payments (``/contact_payments``): receipts, payments and refunds against a contact's artefacts.

A payment allocates parts of its ``total_amount`` to invoices (receipts / supplier payments) or credit notes
(refunds), which moves them to ``PART_PAID`` / ``PAID`` (bookkeeping in ``_artefact_base``). Rules, from the
payments guide and the reference README:

* ``CUSTOMER_RECEIPT`` pays sales invoices, ``CUSTOMER_REFUND`` refunds sales credit notes, ``VENDOR_PAYMENT``
  pays purchase invoices, ``VENDOR_REFUND`` refunds purchase credit notes — all of the payment's own contact.
  (Sage also lets one receipt mix invoices and credit notes; the emulator does not.)
* Only ``UNPAID`` / ``PART_PAID`` artefacts can be paid ("You can only pay unpaid or part-paid
  invoices."), and never for more than they still owe.
* ``total_amount`` cannot be less than the allocated amounts; what it exceeds them by is saved as a payment
  on account (``payment_on_account``), as the guide's "not fully allocated" example shows. Allocating that
  on-account money later (``contact_allocations``) is not emulated.
* Editing a payment re-allocates from scratch; deleting it gives every artefact its money back.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .._errors import Invalid
from .._fields import F, S
from .._money import ZERO, format_money, round2
from .._resource import FULL, READ, WRITE, Ctx, Record, Resource, area
from .._state import new_id
from ._artefact_base import (
    PAY_ONLY_UNPAID,
    allocate,
    deallocate,
    mark_contact_used,
    reference_link,
    status_of,
)
from ._artefact_calc import dec

# transaction type -> (contact type, artefact collection it allocates, displayed name)
PAYMENT_TYPES: dict[str, tuple[str, str, str]] = {
    "CUSTOMER_RECEIPT": ("CUSTOMER", "sales_invoices", "Customer Receipt"),
    "CUSTOMER_REFUND": ("CUSTOMER", "sales_credit_notes", "Customer Refund"),
    "VENDOR_PAYMENT": ("VENDOR", "purchase_invoices", "Supplier Payment"),
    "VENDOR_REFUND": ("VENDOR", "purchase_credit_notes", "Supplier Refund"),
}

PAYMENT_KEYS = (
    "id", "displayed_as", "$path", "created_at", "updated_at", "links", "transaction", "transaction_type",
    "deleted_at", "payment_method", "contact", "bank_account", "date", "net_amount", "tax_amount",
    "total_amount", "currency", "exchange_rate", "base_currency_net_amount", "base_currency_tax_amount",
    "base_currency_total_amount", "base_currency_currency_charge", "reference", "allocated_artefacts",
    "tax_rate", "payment_on_account", "editable",
)  # fmt: skip
ON_ACCOUNT_KEYS = (
    "id", "displayed_as", "$path", "created_at", "updated_at", "contact_name", "contact_reference",
    "contact", "date", "reference", "net_amount", "tax_amount", "total_amount", "outstanding_amount",
    "currency", "exchange_rate", "base_currency_net_amount", "base_currency_tax_amount",
    "base_currency_total_amount", "base_currency_outstanding_amount", "status",
)  # fmt: skip

PAYMENT_FIELDS = (
    F("transaction_type_id", "id", required=True),
    F("contact_id", "id", required=True),
    F("bank_account_id", "id", required=True),
    F("date", "date", required=True),
    F("total_amount", "decimal", required=True),
    F("payment_method_id", "id"),
    S("reference", 25),
    F("currency_id", "id"),
    F(
        "allocated_artefacts",
        "objects",
        fields=(
            F("artefact_id", "id", required=True),
            F("amount", "decimal", required=True),
            F("discount", "decimal"),
        ),
    ),
)

# An allocation the checks accepted: (artefact record, amount).
Allocation = tuple[Record, Decimal]


def _artefact_of(ctx: Ctx, link: Record) -> Record | None:
    """The artefact an ``allocated_artefacts[].artefact`` link points at (``$path`` names its collection)."""
    collection = str(link.get("$path") or "").split("/")[1:2]
    return ctx.get(collection[0], link.get("id")) if collection else None


def _own_amounts(payment: Record | None) -> dict[str, Decimal]:
    """What ``payment`` currently allocates per artefact id (an edit may move that money again)."""
    own: dict[str, Decimal] = {}
    for item in (payment or {}).get("allocated_artefacts") or []:
        artefact_id = item["artefact"]["id"]
        own[artefact_id] = own.get(artefact_id, ZERO) + dec(item["amount"])
    return own


class ContactPayments(Resource):
    name = "contact_payments"
    wrapper = "contact_payment"
    verbs = frozenset({"list", "get", "create", "update", "delete"})
    read_access = area("Bank", READ)
    write_access = area("Bank", WRITE)
    delete_access = area("Bank", FULL)
    create_fields = PAYMENT_FIELDS
    sortable = ("created_at", "updated_at", "date")
    date_field = "date"
    search_fields = ("displayed_as", "reference")
    filters = {
        "contact_id": lambda r, v: (r.get("contact") or {}).get("id") == v,
        "bank_account_id": lambda r, v: (r.get("bank_account") or {}).get("id") == v,
        "transaction_type_id": lambda r, v: (r.get("transaction_type") or {}).get("id") == v,
    }

    # --- verbs -----------------------------------------------------------------------------------------
    def create(self, ctx: Ctx, data: dict[str, Any], errors: Invalid) -> Record:
        record = self._compose(ctx, data, None, errors)
        if not errors:
            ctx.collection(self.name)[record["id"]] = record
        return record

    def update(self, ctx: Ctx, record: Record, data: dict[str, Any], errors: Invalid) -> Record:
        spec = {
            "transaction_type_id": record["transaction_type"]["id"],
            "contact_id": record["contact"]["id"],
            "bank_account_id": record["bank_account"]["id"],
            "date": record["date"],
            "total_amount": dec(record["total_amount"]),
            "payment_method_id": (record.get("payment_method") or {}).get("id"),
            "reference": record.get("reference"),
            "allocated_artefacts": [
                {"artefact_id": a["artefact"]["id"], "amount": dec(a["amount"])}
                for a in record.get("allocated_artefacts") or []
            ],
            **data,
        }
        new = self._compose(ctx, spec, record, errors)
        if not errors:
            record.clear()
            record.update(new)
        return record

    def delete(self, ctx: Ctx, record: Record, params: dict[str, str]) -> Record | None:
        self._release_allocations(ctx, record)
        ctx.remove(self.name, record)
        return None

    # --- rules -------------------------------------------------------------------------------------------
    def _release_allocations(self, ctx: Ctx, record: Record) -> None:
        for item in record.get("allocated_artefacts") or []:
            artefact = _artefact_of(ctx, item["artefact"])
            if artefact is not None:
                deallocate(ctx, artefact, record["id"])

    def _allocations(
        self,
        ctx: Ctx,
        data: dict[str, Any],
        kind: tuple[str, str, str],
        contact: Record | None,
        current: Record | None,
        errors: Invalid,
    ) -> list[Allocation]:
        own = _own_amounts(current)
        wanted: dict[str, Decimal] = {}
        accepted: list[Allocation] = []
        for i, item in enumerate(data.get("allocated_artefacts") or []):
            source = f"allocated_artefacts[{i}]"
            artefact = ctx.get(kind[1], item.get("artefact_id"))
            amount: Decimal | None = item.get("amount")
            if artefact is None:
                if item.get("artefact_id") is not None:
                    errors.add(f"{source}.artefact_id", "is invalid")
                continue
            if contact is not None and artefact["contact"]["id"] != contact["id"]:
                errors.add(f"{source}.artefact_id", "belongs to another contact")
                continue
            # What the artefact owes if this payment's current allocations were undone (an edit moves them).
            owed = dec(artefact["outstanding_amount"]) + own.get(artefact["id"], ZERO)
            if status_of(artefact) not in ("UNPAID", "PART_PAID", "PAID") or owed <= 0:
                errors.add(f"{source}.artefact_id", PAY_ONLY_UNPAID)
                continue
            if amount is None:
                continue
            if amount <= 0:
                errors.add(f"{source}.amount", "must be greater than 0")
                continue
            amount = round2(amount)
            wanted[artefact["id"]] = wanted.get(artefact["id"], ZERO) + amount
            if wanted[artefact["id"]] > owed:
                errors.add(f"{source}.amount", f"is more than the outstanding amount ({format_money(owed)})")
                continue
            accepted.append((artefact, amount))
        return accepted

    def _compose(self, ctx: Ctx, data: dict[str, Any], current: Record | None, errors: Invalid) -> Record:
        type_id = data.get("transaction_type_id")
        kind = PAYMENT_TYPES.get(str(type_id))
        if type_id is not None and kind is None:
            errors.add("transaction_type_id", "is not included in the list")
        contact = ctx.get("contacts", data.get("contact_id"))
        if kind is not None and (
            contact is None or kind[0] not in {t.get("id") for t in contact.get("contact_types") or []}
        ):
            errors.add(
                "contact_id",
                "Couldn't find Customer." if kind[0] == "CUSTOMER" else "Couldn't find Supplier.",
            )
            contact = None
        bank = ctx.require("bank_accounts", data.get("bank_account_id"), "bank_account_id", errors)
        method_id = data.get("payment_method_id")
        method = ctx.require("payment_methods", method_id, "payment_method_id", errors)
        currency_id = data.get("currency_id")
        if currency_id is not None and currency_id != ctx.business.currency:
            errors.add("currency_id", "Multi-currency is not enabled for this business")
        total: Decimal | None = data.get("total_amount")
        if total is not None and total <= 0:
            errors.add("total_amount", "must be greater than 0")
        allocations = self._allocations(ctx, data, kind, contact, current, errors) if kind else []
        allocated = sum((amount for _, amount in allocations), ZERO)
        if kind is not None and str(type_id).endswith("_REFUND") and not allocations and not errors:
            # banking guide: "It is not possible to create a customer refund without allocating it to a
            # sales credit note." (likewise for supplier refunds)
            errors.add("allocated_artefacts", "A refund must be allocated to a credit note.")
        if total is not None and not errors and allocated > round2(total):
            errors.add(
                "total_amount", f"cannot be less than the allocated amount ({format_money(allocated)})"
            )
        if errors or kind is None or contact is None or total is None:
            return {}
        total = round2(total)
        if current is not None:
            self._release_allocations(ctx, current)
        record = self._record(ctx, data, current, kind, contact, bank, method, total)
        for artefact, amount in allocations:
            allocate(ctx, artefact, record, amount)
            record["allocated_artefacts"].append(
                {
                    "id": new_id(),
                    "artefact": ctx.link(artefact["$path"].split("/")[1], artefact),
                    "amount": format_money(amount),
                    "discount": "0.0",
                }
            )
        self._on_account(ctx, record, contact, total - allocated, current)
        mark_contact_used(contact)
        return record

    def _record(
        self,
        ctx: Ctx,
        data: dict[str, Any],
        current: Record | None,
        kind: tuple[str, str, str],
        contact: Record,
        bank: Record | None,
        method: Record | None,
        total: Decimal,
    ) -> Record:
        type_link = reference_link(ctx, "transaction_types", str(data["transaction_type_id"]), kind[2])
        if method is None:
            # Sage picks a default method when none is sent; the emulator's is Electronic (bank transfer).
            method = ctx.get("payment_methods", "ELECTRONIC")
        amount = format_money(total)
        values: Record = {
            **(current or ctx.stamp(self.name)),
            "displayed_as": data.get("reference") or type_link["displayed_as"],
            "updated_at": ctx.now_iso,
            "links": [],
            "transaction": ctx.transaction_link(current),
            "transaction_type": type_link,
            "deleted_at": None,
            "payment_method": ctx.link("payment_methods", method),
            "contact": ctx.link("contacts", contact),
            "bank_account": ctx.link("bank_accounts", bank),
            "date": data["date"],
            "net_amount": amount,
            "tax_amount": "0.0",
            "total_amount": amount,
            "currency": reference_link(ctx, "currencies", ctx.business.currency, ctx.business.currency),
            "exchange_rate": "1.0",
            "base_currency_net_amount": amount,
            "base_currency_tax_amount": "0.0",
            "base_currency_total_amount": amount,
            "base_currency_currency_charge": "0.0",
            "reference": data.get("reference"),
            "allocated_artefacts": [],
            "tax_rate": None,
            "payment_on_account": None,
            "editable": True,
        }
        return {k: values.get(k) for k in PAYMENT_KEYS}

    def _on_account(
        self, ctx: Ctx, record: Record, contact: Record, rest: Decimal, current: Record | None
    ) -> None:
        """Save the unallocated part of the payment as a payment on account (kept id across edits)."""
        if rest <= 0:
            return
        previous = (current or {}).get("payment_on_account") or {}
        poa_id = previous.get("id") or new_id()
        amount = format_money(rest)
        values: Record = {
            "id": poa_id,
            "displayed_as": record["reference"] or "Payment on Account",
            "$path": f"/payments_on_account/{poa_id}",
            "created_at": previous.get("created_at") or ctx.now_iso,
            "updated_at": ctx.now_iso,
            "contact_name": contact.get("name"),
            "contact_reference": contact.get("reference"),
            "contact": ctx.link("contacts", contact),
            "date": record["date"],
            "reference": record["reference"],
            "net_amount": amount,
            "tax_amount": "0.0",
            "total_amount": amount,
            "outstanding_amount": amount,
            "currency": record["currency"],
            "exchange_rate": "1.0",
            "base_currency_net_amount": amount,
            "base_currency_tax_amount": "0.0",
            "base_currency_total_amount": amount,
            "base_currency_outstanding_amount": amount,
            "status": reference_link(ctx, "artefact_statuses", "UNPAID", "Unpaid"),
        }
        record["payment_on_account"] = {k: values[k] for k in ON_ACCOUNT_KEYS}


RESOURCES: list[type[Resource]] = [ContactPayments]
