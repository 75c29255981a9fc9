"""Contact allocations (``/contact_allocations``): settling a contact's invoices against its credit notes and
payments on account, without any money moving through a bank.

From the invoicing guide ("From Unpaid To Part Paid Or Paid") and the payments guide ("Allocating contact
artefacts"):

* ``transaction_type_id`` is ``CUSTOMER_ALLOCATION`` (sales artefacts, a customer) or ``VENDOR_ALLOCATION``
  (purchase artefacts, a supplier); ``contact_id`` names the contact every artefact must belong to.
* ``allocated_artefacts`` lists invoices (the debit side) and credit notes or payments on account (the credit
  side, a payment on account named by its ``payment_on_account`` id, "not to be mistaken for the transaction
  id"). For a customer the invoices carry positive amounts and the credits negative ones; for a supplier it
  is the other way round. "The sum of the amounts must be zero."
* Only artefacts still owing can take part: "You can only pay unpaid or part-paid invoices." for a fully
  paid invoice or a used-up credit (the guide: the same message for either side). No amount may exceed
  what its artefact still owes.
* The invoices and credit notes move to ``PART_PAID`` / ``PAID`` (their ``payments_allocations`` list the
  allocation), a payment on account's ``outstanding_amount`` falls; deleting the allocation gives it all back.

``PUT /contact_allocations/{id}`` changes the date or allocates again from scratch (the allocation's own
amounts are given back first, so it may move them); its type and contact stay. A PUT that breaks a rule
changes nothing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .._errors import Invalid
from .._fields import F
from .._money import ZERO, format_money
from .._resource import BOOKING_INDEXES, FULL, Ctx, Record, Resource, linked
from .._state import new_id
from ._artefact_base import PAY_ONLY_UNPAID, book, mark_contact_used, reference_link, status_of, unbook
from ._artefact_calc import dec
from .financial_settings import check_not_before_start
from .payments import ON_ACCOUNT, on_account_owner, refresh_on_account

# transaction type -> (contact type, invoices, credit notes, payment type whose payments on account count)
ALLOCATION_TYPES: dict[str, tuple[str, str, str, str]] = {
    "CUSTOMER_ALLOCATION": ("CUSTOMER", "sales_invoices", "sales_credit_notes", "CUSTOMER_RECEIPT"),
    "VENDOR_ALLOCATION": ("VENDOR", "purchase_invoices", "purchase_credit_notes", "VENDOR_PAYMENT"),
}
TYPE_NAMES = {"CUSTOMER_ALLOCATION": "Customer Allocation", "VENDOR_ALLOCATION": "Supplier Allocation"}
ALLOCATION_KEYS = (
    "id", "displayed_as", "$path", "created_at", "updated_at", "links", "transaction", "transaction_type",
    "deleted_at", "date", "contact", "allocated_artefacts",
)  # fmt: skip
SUM_NOT_ZERO = "The allocated amounts must add up to zero (debits and credits must balance)."
# swagger: any of the areas Sales, Purchases or Contacts, with Full Access
ALLOCATION_ACCESS = (("Sales", FULL), ("Purchases", FULL), ("Contacts", FULL))

# An accepted line: (artefact or payment on account, its collection, signed amount).
Line = tuple[Record, str, Decimal]


class ContactAllocations(Resource):
    name = "contact_allocations"
    wrapper = "contact_allocation"
    verbs = frozenset({"list", "get", "create", "update", "delete"})
    read_access = ALLOCATION_ACCESS
    write_access = ALLOCATION_ACCESS
    create_fields = (
        F("transaction_type_id", "id", required=True),
        F("contact_id", "id", required=True),
        F("date", "date"),
        F(
            "allocated_artefacts",
            "objects",
            required=True,
            fields=(F("artefact_id", "id", required=True), F("amount", "money", required=True)),
        ),
    )
    sortable = ("created_at", "updated_at", "date")
    date_field = "date"
    search_fields = ("displayed_as",)
    filters = {
        "contact_id": linked("contact"),
        "transaction_type_id": linked("transaction_type"),
    }
    indexes = {
        **BOOKING_INDEXES,
        "contact": lambda r: (r.get("contact") or {}).get("id"),
        "artefact": lambda r: tuple(a["artefact"]["id"] for a in r.get("allocated_artefacts") or ()),
    }
    indexed_filters = {"contact_id": ("contact", str)}

    update_fields = (
        F("transaction_type_id", "id"),
        F("contact_id", "id"),
        F("date", "date"),
        F(
            "allocated_artefacts",
            "objects",
            fields=(F("artefact_id", "id", required=True), F("amount", "money", required=True)),
        ),
    )

    def update(self, ctx: Ctx, record: Record, data: dict[str, Any], errors: Invalid) -> Record:
        for key, link in (("transaction_type_id", "transaction_type"), ("contact_id", "contact")):
            if data.get(key) is not None and data[key] != record[link]["id"]:
                errors.add(key, "cannot be changed; delete the allocation and allocate again")
        if "date" in data:
            if data["date"] is None:
                errors.add("date", "can't be blank")
            check_not_before_start(ctx, data["date"], "date", errors)
        if errors:
            return record
        kind = ALLOCATION_TYPES[record["transaction_type"]["id"]]
        contact = ctx.get("contacts", record["contact"]["id"]) or {"id": record["contact"]["id"]}
        # give this allocation's money back, then check the new lines as a new allocation's would be
        before = _withdraw(ctx, record)
        items = before
        if data.get("allocated_artefacts") is not None:
            lines = self._lines(ctx, data["allocated_artefacts"], kind, contact, errors)
            items = [
                {"id": new_id(), "artefact": ctx.link(collection, target), "amount": format_money(amount)}
                for target, collection, amount in lines
            ]
        if errors:
            _apply(ctx, record, before)  # a PUT that breaks a rule changes nothing
            return record
        if data.get("date"):
            record["date"] = data["date"]
        ctx.touch(record)
        _apply(ctx, record, items)
        return record

    def create(self, ctx: Ctx, data: dict[str, Any], errors: Invalid) -> Record:
        type_id = str(data.get("transaction_type_id"))
        kind = ALLOCATION_TYPES.get(type_id)
        if kind is None:
            errors.add("transaction_type_id", "is not included in the list")
            return {}
        contact = ctx.get("contacts", data.get("contact_id"))
        if contact is None or kind[0] not in {t.get("id") for t in contact.get("contact_types") or []}:
            errors.add(
                "contact_id",
                "Couldn't find Customer." if kind[0] == "CUSTOMER" else "Couldn't find Supplier.",
            )
            return {}
        day = str(data.get("date") or ctx.today)
        check_not_before_start(ctx, day, "date", errors)
        lines = self._lines(ctx, data.get("allocated_artefacts") or [], kind, contact, errors)
        if errors:
            return {}
        record: Record = {**ctx.stamp(self.name)}
        type_link = reference_link(ctx, "transaction_types", type_id, TYPE_NAMES[type_id])
        record.update(
            displayed_as=type_link["displayed_as"],
            links=[],
            transaction=ctx.transaction_link(),
            transaction_type=type_link,
            deleted_at=None,
            date=day,
            contact=ctx.link("contacts", contact),
            allocated_artefacts=[],
        )
        record = {k: record.get(k) for k in ALLOCATION_KEYS}
        ctx.collection(self.name)[record["id"]] = record
        items = [
            {"id": new_id(), "artefact": ctx.link(collection, target), "amount": format_money(amount)}
            for target, collection, amount in lines
        ]
        _apply(ctx, record, items)
        mark_contact_used(contact)
        return record

    def delete(self, ctx: Ctx, record: Record, params: dict[str, str]) -> Record | None:
        ctx.remove(self.name, record)
        _withdraw(ctx, record)
        return None

    # --- rules -------------------------------------------------------------------------------------------
    def _find(self, ctx: Ctx, artefact_id: Any, kind: tuple[str, str, str, str]) -> tuple[Record, str] | None:
        for collection in (kind[1], kind[2]):
            found = ctx.get(collection, artefact_id)
            if found is not None:
                return found, collection
        owner = on_account_owner(ctx, artefact_id)
        if owner is not None and owner["transaction_type"]["id"] == kind[3]:
            return owner["payment_on_account"], ON_ACCOUNT
        return None

    def _lines(
        self,
        ctx: Ctx,
        items: list[dict[str, Any]],
        kind: tuple[str, str, str, str],
        contact: Record,
        errors: Invalid,
    ) -> list[Line]:
        if len(items) < 2:
            errors.add(
                "allocated_artefacts",
                "must name at least one invoice and one credit note or payment on account",
            )
            return []
        customer = kind[0] == "CUSTOMER"
        lines: list[Line] = []
        seen: set[str] = set()
        total = ZERO
        for i, item in enumerate(items):
            source = f"allocated_artefacts[{i}]"
            found = self._find(ctx, item.get("artefact_id"), kind)
            amount: Decimal | None = item.get("amount")
            if found is None:
                if item.get("artefact_id") is not None:
                    errors.add(f"{source}.artefact_id", "is invalid")
                continue
            target, collection = found
            if target["id"] in seen:
                errors.add(f"{source}.artefact_id", "is named twice")
                continue
            seen.add(target["id"])
            if target["contact"]["id"] != contact["id"]:
                errors.add(f"{source}.artefact_id", "belongs to another contact")
                continue
            owed = dec(target.get("outstanding_amount"))
            if status_of(target) not in ("UNPAID", "PART_PAID") or owed <= 0:
                errors.add(f"{source}.artefact_id", PAY_ONLY_UNPAID)
                continue
            if amount is None:
                continue
            debit = collection == kind[1]  # an invoice
            positive = debit if customer else not debit
            if amount == 0 or (amount > 0) != positive:
                sign = "greater" if positive else "less"
                what = "an invoice" if debit else "a credit note or payment on account"
                errors.add(
                    f"{source}.amount", f"must be {sign} than 0 for {what} in a {kind[0].lower()} allocation"
                )
                continue
            if abs(amount) > owed:
                errors.add(f"{source}.amount", f"is more than the outstanding amount ({format_money(owed)})")
                continue
            total += amount
            lines.append((target, collection, amount))
        if not errors and total != 0:
            errors.add("allocated_artefacts", SUM_NOT_ZERO)
        return lines


def _targets(ctx: Ctx, items: list[Record]) -> list[tuple[Record | None, str, Record]]:
    """(the artefact, or None for a payment on account; its collection; the line) of allocation lines."""
    found: list[tuple[Record | None, str, Record]] = []
    for item in items:
        link = item["artefact"]
        collection = str(link["$path"]).split("/")[1]
        target = None if collection == ON_ACCOUNT else ctx.get(collection, link["id"])
        found.append((target, collection, item))
    return found


def _refresh_owner(ctx: Ctx, on_account_id: str) -> None:
    owner = on_account_owner(ctx, on_account_id)
    if owner is not None:
        refresh_on_account(ctx, owner)


def _apply(ctx: Ctx, allocation: Record, items: list[Record]) -> None:
    """Make ``items`` the allocation's lines and book them on their invoices, credit notes and payments on
    account."""
    allocation["allocated_artefacts"] = items
    for target, collection, item in _targets(ctx, items):
        if collection == ON_ACCOUNT:
            _refresh_owner(ctx, item["artefact"]["id"])  # reads the stored allocation's lines
        elif target is not None:
            book(ctx, target, "contact_allocation", allocation, abs(dec(item["amount"])), None)


def _withdraw(ctx: Ctx, allocation: Record) -> list[Record]:
    """Take the allocation's lines off everything they settled; returns the lines."""
    items: list[Record] = list(allocation.get("allocated_artefacts") or [])
    allocation["allocated_artefacts"] = []
    for target, collection, item in _targets(ctx, items):
        if collection == ON_ACCOUNT:
            _refresh_owner(ctx, item["artefact"]["id"])
        elif target is not None:
            unbook(ctx, target, "contact_allocation", allocation["id"])
    return items


RESOURCES: list[type[Resource]] = [ContactAllocations]
