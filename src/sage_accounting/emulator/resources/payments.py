"""Contact payments (``/contact_payments``): receipts, payments and refunds against a contact's artefacts.

A payment allocates parts of its ``total_amount`` to invoices (receipts / supplier payments) or credit notes
(refunds), which moves them to ``PART_PAID`` / ``PAID`` (bookkeeping in ``_artefact_base``). Rules, from the
payments guide and the reference README:

* ``CUSTOMER_RECEIPT`` pays sales invoices, ``CUSTOMER_REFUND`` refunds sales credit notes, ``VENDOR_PAYMENT``
  pays purchase invoices, ``VENDOR_REFUND`` refunds purchase credit notes — all of the payment's own contact.
  (Sage also lets one receipt mix invoices and credit notes; the emulator does not.)
* A refund may also give back a payment on account (payments guide, "Refunding an unallocated
  CUSTOMER_RECEIPT"): its ``allocated_artefacts[].artefact_id`` is the ``payment_on_account`` id of the
  contact's unallocated ``CUSTOMER_RECEIPT`` (``VENDOR_PAYMENT`` for a ``VENDOR_REFUND``). The guide's rule
  "It's not possible to refund a fully or partially allocated CUSTOMER_RECEIPT" holds: the receipt must have
  no allocations. The refund lowers the payment on account's ``outstanding_amount`` (status ``PART_PAID`` /
  ``PAID``, as for artefacts); deleting or editing the refund gives it back. A refund must be allocated (to a
  credit note or a payment on account): banking guide, "not possible to create a customer refund without
  allocating it".
* Only ``UNPAID`` / ``PART_PAID`` artefacts can be paid ("You can only pay unpaid or part-paid
  invoices."), and never for more than they still owe.
* ``total_amount`` cannot be less than the allocated amounts; what it exceeds them by is saved as a payment
  on account (``payment_on_account``), as the guide's "not fully allocated" example shows; contact
  allocations (``allocations.py``) settle invoices with it later, lowering its ``outstanding_amount``.
* Editing a payment re-allocates from scratch; deleting it gives every artefact its money back.
* A payment whose payment on account has been refunded can be neither edited nor deleted until the refund is
  deleted (the emulator's choice; Sage's documents are silent): like an invoice with payments, its money is
  spoken for.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .._errors import Invalid, invalid
from .._fields import F, S
from .._money import ZERO, format_money
from .._resource import BOOKING_INDEXES, FULL, READ, WRITE, Ctx, Record, Resource, area, linked
from .._state import new_id
from ._artefact_base import (
    PAY_ONLY_UNPAID,
    book,
    mark_contact_used,
    reference_link,
    status_of,
    unbook,
)
from ._artefact_calc import dec
from .financial_settings import check_not_before_start

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
    F("total_amount", "money", required=True),
    F("payment_method_id", "id"),
    S("reference", 25),
    F("currency_id", "id"),
    F(
        "allocated_artefacts",
        "objects",
        fields=(
            F("artefact_id", "id", required=True),
            F("amount", "money", required=True),
            F("discount", "money"),
        ),
    ),
)

# A refund type -> the payment type whose payment on account it may give back.
REFUNDABLE_ON_ACCOUNT = {"CUSTOMER_REFUND": "CUSTOMER_RECEIPT", "VENDOR_REFUND": "VENDOR_PAYMENT"}
ON_ACCOUNT = "payments_on_account"  # the collection in the ``$path`` of a payment on account
ALLOCATED_RECEIPT = (
    "It's not possible to refund a fully or partially allocated payment; clear its allocations first."
)
REFUNDED = "Its payment on account has been refunded; delete the refund first."
ALLOCATED = "Its payment on account has been allocated to invoices; delete the contact allocation first."

# An allocation the checks accepted: (artefact or payment on account, amount).
Allocation = tuple[Record, Decimal]


def _artefact_of(ctx: Ctx, link: Record) -> Record | None:
    """The artefact an ``allocated_artefacts[].artefact`` link points at (``$path`` names its collection)."""
    collection = str(link.get("$path") or "").split("/")[1:2]
    return ctx.get(collection[0], link.get("id")) if collection else None


def _is_on_account(link: Record) -> bool:
    return str(link.get("$path") or "").startswith(f"/{ON_ACCOUNT}/")


def on_account_owner(ctx: Ctx, on_account_id: Any) -> Record | None:
    """The payment whose ``payment_on_account`` has this id."""
    if not isinstance(on_account_id, str):
        return None
    payments = ctx.collection("contact_payments")
    for payment_id in payments.equal("on_account", on_account_id):
        return payments[payment_id]
    return None


def _refunded(ctx: Ctx, on_account_id: str, *, skip: str | None = None) -> Decimal:
    """How much of a payment on account refunds have given back (leaving out payment ``skip``)."""
    return _refunds(ctx, on_account_id, skip=skip) + _allocated(ctx, on_account_id)


def _allocated(ctx: Ctx, on_account_id: str) -> Decimal:
    """How much of a payment on account contact allocations have settled invoices with."""
    total = ZERO
    allocations = ctx.collection("contact_allocations")
    for allocation_id in allocations.equal("artefact", on_account_id):
        for item in allocations[allocation_id].get("allocated_artefacts") or []:
            if item["artefact"]["id"] == on_account_id:
                total += abs(dec(item["amount"]))
    return total


def _refunds(ctx: Ctx, on_account_id: str, *, skip: str | None = None) -> Decimal:
    total = ZERO
    payments = ctx.collection("contact_payments")
    for payment_id in payments.equal("artefact", on_account_id):
        payment = payments[payment_id]
        if payment["id"] == skip:
            continue
        for item in payment.get("allocated_artefacts") or []:
            if item["artefact"]["id"] == on_account_id and _is_on_account(item["artefact"]):
                total += dec(item["amount"])
    return total


def refresh_on_account(ctx: Ctx, owner: Record) -> None:
    """Recompute a payment on account's outstanding amount and status from the refunds that name it."""
    poa = owner.get("payment_on_account")
    if not poa:
        return
    refunded = _refunded(ctx, poa["id"])
    outstanding = dec(poa["total_amount"]) - refunded
    status = "UNPAID" if refunded == 0 else "PAID" if outstanding == 0 else "PART_PAID"
    names = {"UNPAID": "Unpaid", "PART_PAID": "Part Paid", "PAID": "Paid"}
    if poa["outstanding_amount"] != format_money(outstanding) or poa["status"]["id"] != status:
        poa["outstanding_amount"] = poa["base_currency_outstanding_amount"] = format_money(outstanding)
        poa["status"] = reference_link(ctx, "artefact_statuses", status, names[status])
        poa["updated_at"] = ctx.now_iso
        ctx.touch(owner)


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
        "contact_id": linked("contact"),
        "bank_account_id": linked("bank_account"),
        "transaction_type_id": linked("transaction_type"),
    }
    indexes = {
        **BOOKING_INDEXES,
        "contact": lambda r: (r.get("contact") or {}).get("id"),
        # the payment on account it keeps, and what it allocates (refunds name payments on account)
        "on_account": lambda r: (r.get("payment_on_account") or {}).get("id"),
        "artefact": lambda r: tuple(a["artefact"]["id"] for a in r.get("allocated_artefacts") or ()),
    }
    indexed_filters = {"contact_id": ("contact", str)}

    # --- verbs -----------------------------------------------------------------------------------------
    def create(self, ctx: Ctx, data: dict[str, Any], errors: Invalid) -> Record:
        record = self._compose(ctx, data, None, errors)
        if not errors:
            ctx.collection(self.name)[record["id"]] = record
            self._refresh_owners(ctx, record)
        return record

    def update(self, ctx: Ctx, record: Record, data: dict[str, Any], errors: Invalid) -> Record:
        self._check_not_refunded(ctx, record)
        before = dict(record)
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
            self._refresh_owners(ctx, before, record)
        return record

    def delete(self, ctx: Ctx, record: Record, params: dict[str, str]) -> Record | None:
        self._check_not_refunded(ctx, record)
        self._release_allocations(ctx, record)
        ctx.remove(self.name, record)
        self._refresh_owners(ctx, record)
        return None

    def _check_not_refunded(self, ctx: Ctx, record: Record) -> None:
        poa = record.get("payment_on_account")
        if poa and _refunds(ctx, poa["id"]) > 0:
            raise invalid("base", REFUNDED)
        if poa and _allocated(ctx, poa["id"]) > 0:
            raise invalid("base", ALLOCATED)

    def _refresh_owners(self, ctx: Ctx, *records: Record) -> None:
        """Bring up to date the payments on account that these (refund) records allocate or allocated."""
        for record in records:
            for item in record.get("allocated_artefacts") or []:
                if _is_on_account(item["artefact"]):
                    owner = on_account_owner(ctx, item["artefact"]["id"])
                    if owner is not None:
                        refresh_on_account(ctx, owner)

    # --- rules -------------------------------------------------------------------------------------------
    def _release_allocations(self, ctx: Ctx, record: Record) -> None:
        for item in record.get("allocated_artefacts") or []:
            artefact = _artefact_of(ctx, item["artefact"])  # None for a payment on account
            if artefact is not None:
                unbook(ctx, artefact, "contact_payment", record["id"])

    def _allocations(
        self,
        ctx: Ctx,
        data: dict[str, Any],
        type_id: str,
        contact: Record | None,
        current: Record | None,
        errors: Invalid,
    ) -> list[Allocation]:
        kind = PAYMENT_TYPES[type_id]
        own = _own_amounts(current)
        wanted: dict[str, Decimal] = {}
        accepted: list[Allocation] = []
        for i, item in enumerate(data.get("allocated_artefacts") or []):
            source = f"allocated_artefacts[{i}]"
            artefact = ctx.get(kind[1], item.get("artefact_id"))
            amount: Decimal | None = item.get("amount")
            if artefact is None:
                owner = on_account_owner(ctx, item.get("artefact_id"))
                if (
                    owner is not None
                    and REFUNDABLE_ON_ACCOUNT.get(type_id) == owner["transaction_type"]["id"]
                ):
                    if owner.get("allocated_artefacts"):
                        errors.add(f"{source}.artefact_id", ALLOCATED_RECEIPT)
                        continue
                    artefact = owner["payment_on_account"]
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
        if current is None or data.get("date") != current.get("date"):
            check_not_before_start(ctx, data.get("date"), "date", errors)
        bank = ctx.require("bank_accounts", data.get("bank_account_id"), "bank_account_id", errors)
        method_id = data.get("payment_method_id")
        method = ctx.require("payment_methods", method_id, "payment_method_id", errors)
        currency_id = data.get("currency_id")
        if currency_id is not None and currency_id != ctx.business.currency:
            errors.add("currency_id", "Multi-currency is not enabled for this business")
        total: Decimal | None = data.get("total_amount")
        if total is not None and total <= 0:
            errors.add("total_amount", "must be greater than 0")
        allocations = self._allocations(ctx, data, str(type_id), contact, current, errors) if kind else []
        allocated = sum((amount for _, amount in allocations), ZERO)
        if kind is not None and str(type_id).endswith("_REFUND") and not allocations and not errors:
            # banking guide: "It is not possible to create a customer refund without allocating it to a
            # sales credit note." (likewise for supplier refunds)
            errors.add(
                "allocated_artefacts", "A refund must be allocated to a credit note or a payment on account."
            )
        if total is not None and not errors and allocated > total:
            errors.add(
                "total_amount", f"cannot be less than the allocated amount ({format_money(allocated)})"
            )
        if total is not None and not errors and str(type_id).endswith("_REFUND") and total > allocated:
            # payments guide, refunding a credit note: "the total_amount maximum value cannot be greater than
            # the sum of the amounts in the listed allocated_artefacts array" (a refund is never on account)
            errors.add(
                "total_amount", f"cannot be greater than the allocated amount ({format_money(allocated)})"
            )
        if errors or kind is None or contact is None or total is None:
            return {}
        if current is not None:
            self._release_allocations(ctx, current)
        record = self._record(ctx, data, current, kind, contact, bank, method, total)
        for artefact, amount in allocations:
            # a payment on account is refreshed once stored
            if not artefact["$path"].startswith(f"/{ON_ACCOUNT}/"):
                book(ctx, artefact, "contact_payment", record, amount, record.get("reference"))
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
