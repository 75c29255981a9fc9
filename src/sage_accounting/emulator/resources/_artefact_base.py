"""What sales and purchase invoices and credit notes share: the ``Artefact`` resource and payment bookkeeping.

Lifecycle (invoicing guide, "Changing The State Of An Invoice"): an artefact is created ``UNPAID`` or
``DRAFT`` (``status_id``), a sales invoice also ``PRO_FORMA`` ("Directly after creation, invoices can only be
UNPAID, DRAFT or PRO_FORMA"; the guide offers pro forma for sales invoices only, so credit notes and purchase
invoices refuse it). Drafts and pro formas are "not taken into account": no transaction, nothing owed, no
payments. ``POST /{id}/release`` turns either into ``UNPAID`` with a real number; ``PART_PAID`` and ``PAID``
come only from payments (``contact_payments``, which call ``book`` / ``unbook`` here).
``DELETE`` voids sales artefacts (``void_reason`` required, 200 with the voided record) and deletes purchase
ones (204). A draft (or pro forma) is deleted outright on both sides: drafts are "not taken into account" and
have no transaction to void, and the swagger only requires ``void_reason`` "unless status is DRAFT" — so a
draft ``DELETE`` removes it (204, seen by ``deleted_since``) instead of keeping a voided draft around; a pro
forma, handled by Sage exactly like a draft, is treated the same.

Numbering: a draft shows ``SI-DRAFT`` (the guide's example). The guide is silent on a pro forma's number, so
it shows the same kind of placeholder, ``SI-PRO_FORMA`` (prefix and status id), and gets its real number on
release, like a draft; neither uses up a number.

Addresses (sales only; invoicing guide, "Address"): the contact's main address is copied onto the artefact
as ``main_address_free_form`` and, complete, as ``main_address`` (swagger ``SalesArtefactAddress``); "the
same is true for the delivery address". A ``main_address`` / ``delivery_address`` or ``*_free_form`` sent in
the body overrides the copy. The copy is taken when the artefact is created or its contact changes, and is
kept afterwards: the contact's later edits do not reach issued documents (as with ``contact_name``).

All payment bookkeeping lives in fields Sage itself shows (``payments_allocations``, ``total_paid``,
``last_paid``), so the stored record stays exactly what the API renders.
"""

from __future__ import annotations

import copy
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, ClassVar, Literal

from .._errors import Invalid, invalid
from .._fields import F, Field, S
from .._money import ZERO, format_money
from .._resource import BOOKING_INDEXES, FULL, READ, WRITE, Ctx, Record, Resource, area, linked
from .._state import new_id
from ._artefact_calc import (
    PURCHASE_LINE_FIELDS,
    SALES_LINE_FIELDS,
    Shipping,
    breakdown,
    build_line,
    build_shipping,
    dec,
    shipping_link,
    totals,
)
from .contact_parts import country_group
from .financial_settings import check_not_before_start
from .invoice_settings import counter_key, document_prefix, invoice_settings

STATUS_NAMES = {
    "DRAFT": "Draft",
    "UNPAID": "Unpaid",
    "PART_PAID": "Part Paid",
    "PAID": "Paid",
    "VOID": "Void",
    "PRO_FORMA": "Pro Forma",
}
NOT_POSTED = ("DRAFT", "PRO_FORMA")  # "not taken into account": no transaction, nothing owed
PAYABLE = ("UNPAID", "PART_PAID")
ADDRESS_KINDS = ("main_address", "delivery_address")
PAY_ONLY_UNPAID = "You can only pay unpaid or part-paid invoices."

# Fields whose Sage default is not null (swagger booleans and arrays); every other unset field renders null.
DEFAULTS: dict[str, Any] = {
    "links": [],
    "editable": True,
    "vat_reverse_charge": False,
    "destination_consignment": False,
    "destination_vat_rates_in_use": False,
    "is_cis": False,
    "has_cis_labour": False,
    "has_cis_materials": False,
    "postponed_accounting": False,
    "import": False,
    "vat_exempt_consignment": False,
    "part_recoverable": False,
    "sent": False,
    "sent_by_email": False,
    "shipping_tax_breakdown": [],
    "base_currency_shipping_tax_breakdown": [],
    "corrections": [],
    "tax_reconciled": False,
    "migrated": False,
}


# The address a sales artefact accepts (postSalesInvoices.main_address / delivery_address); lengths as on
# contact addresses.
ADDRESS_FIELDS: tuple[Field, ...] = (
    S("address_line_1", 50),
    S("address_line_2", 50),
    S("city", 50),
    S("postal_code", 10),
    F("country_id", "id"),
    F("address_type_id", "id"),
    S("region", 50),
    F("country_group_id", "id"),
)
# Key order of swagger SalesArtefactAddress.
ARTEFACT_ADDRESS_KEYS = (
    "id", "displayed_as", "$path", "address_line_1", "address_line_2", "city", "postal_code", "country",
    "deleted_at", "address_type", "region", "country_group",
)  # fmt: skip


def reference_link(ctx: Ctx, name: str, ref_id: str, label: str) -> Record:
    """A link to a reference record (status, transaction type …), built by hand if the list lacks it."""
    record = ctx.get(name, ref_id)
    if record is not None:
        return {"id": record["id"], "displayed_as": record.get("displayed_as"), "$path": f"/{name}/{ref_id}"}
    return {"id": ref_id, "displayed_as": label, "$path": f"/{name}/{ref_id}"}


def status_of(record: Record) -> str:
    return str((record.get("status") or {}).get("id") or "")


def set_status(ctx: Ctx, record: Record, status: str) -> None:
    record["status"] = reference_link(ctx, "artefact_statuses", status, STATUS_NAMES[status])
    record["editable"] = status != "VOID"


def mark_contact_used(contact: Record | None) -> None:
    """A contact with transactions can no longer be deleted (the contacts resource reads this flag)."""
    if contact is not None:
        contact["deletable"] = False


def has_payments(record: Record) -> bool:
    return bool(record.get("payments_allocations")) or dec(record.get("total_paid")) != 0


def refresh_paid(record: Record, ctx: Ctx) -> None:
    """Recompute paid / outstanding / status from ``payments_allocations`` (drafts and voids owe nothing)."""
    entries = record.get("payments_allocations") or []
    paid = sum((dec(e["amount"]) for e in entries), ZERO)
    status = status_of(record)
    outstanding = ZERO if status in (*NOT_POSTED, "VOID") else dec(record["total_amount"]) - paid
    record["payments_allocations_total_amount"] = format_money(paid)
    record["total_paid"] = format_money(paid)
    record["outstanding_amount"] = format_money(outstanding)
    record["base_currency_outstanding_amount"] = format_money(outstanding)
    record["last_paid"] = max((e["date"] for e in entries), default=None)
    if status in ("UNPAID", "PART_PAID", "PAID"):
        set_status(ctx, record, "UNPAID" if paid == 0 else "PAID" if outstanding == 0 else "PART_PAID")


# What settles an artefact: the key its ``payments_allocations`` entries link the settling record by.
Settler = Literal["contact_payment", "contact_allocation"]


def book(
    ctx: Ctx, artefact: Record, via: Settler, source: Record, amount: Decimal, reference: str | None
) -> None:
    """Show ``amount`` of ``source`` settled on ``artefact``: one ``payments_allocations`` entry linking
    the record that settles it, a ``contact_payment`` or a ``contact_allocation`` (``via``)."""
    link = {"id": source["id"], "displayed_as": source.get("displayed_as"), "$path": source["$path"]}
    artefact.setdefault("payments_allocations", []).append(
        {
            "links": [],
            "date": source["date"],
            "type": (source.get("transaction_type") or {}).get("displayed_as"),
            "reference": reference,
            "amount": format_money(amount),
            "discount": "0.0",
            "stripe_transaction_id": None,
            "contact_allocation": link if via == "contact_allocation" else None,
            "artefact": None,
            "contact_payment": link if via == "contact_payment" else None,
            "displayed_as": source.get("displayed_as"),
            "negative_payment": False,
        }
    )
    refresh_paid(artefact, ctx)
    ctx.touch(artefact)


def unbook(ctx: Ctx, artefact: Record, via: Settler, source_id: str) -> None:
    """Take off ``artefact`` every entry :func:`book` made for one ``via`` record (deleted or edited)."""
    entries = artefact.get("payments_allocations") or []
    kept = [e for e in entries if (e.get(via) or {}).get("id") != source_id]
    if len(kept) != len(entries):
        artefact["payments_allocations"] = kept
        refresh_paid(artefact, ctx)
        ctx.touch(artefact)


def free_form(ctx: Ctx, address: Record) -> str:
    """An address as one text, in the invoicing guide's layout ("Some Where\nOver The Rainbow CA 90210"):
    the address lines, then city, region and postal code on one line. The guide's US example leaves out the
    business's own country; the emulator adds the country's name when it is another one, or when there is
    nothing else to show (as a contact address's ``displayed_as`` does)."""
    lines = [str(address.get(k)) for k in ("address_line_1", "address_line_2") if address.get(k)]
    place = " ".join(str(address[k]) for k in ("city", "region", "postal_code") if address.get(k))
    if place:
        lines.append(place)
    country = address.get("country") or {}
    if country.get("id") and (country["id"] != ctx.business.country or not lines):
        lines.append(str(country.get("displayed_as") or country["id"]).rsplit(" (", 1)[0])
    return "\n".join(lines)


def artefact_address(ctx: Ctx, values: Record, record_id: str | None = None) -> Record:
    """A SalesArtefactAddress: the artefact's own copy of an address (its own id). Its ``$path`` is built as in
    the invoicing guide's example (``/contacts/<the address's id>``); Sage has no endpoint for these."""
    rid = record_id or new_id()
    record: Record = {k: copy.deepcopy(values.get(k)) for k in ARTEFACT_ADDRESS_KEYS}
    record.update({"id": rid, "$path": f"/contacts/{rid}", "deleted_at": None})
    record["displayed_as"] = free_form(ctx, record)
    return record


def header_fields(
    *, sales: bool, lines_key: str, number_field: str | None, due_date: str | None
) -> tuple[Field, ...]:
    """The request fields of one artefact type (postSalesInvoices & co.); ``due_date`` is None, "optional" or
    "required"."""
    fields: list[Field] = [
        F("contact_id", "id", required=True),
        F("date", "date", required=True),
        S("contact_name", 255),
        S("contact_reference", 255),
        S("reference", 25),
        S("notes", 2000),
        F("net_amount", "money"),
        F("tax_amount", "money"),
        F("total_amount", "money"),
        F("currency_id", "id"),
        F("status_id", "id"),
        F(lines_key, "objects", required=True, fields=SALES_LINE_FIELDS if sales else PURCHASE_LINE_FIELDS),
    ]
    if due_date is not None:
        fields.append(F("due_date", "date", required=due_date == "required"))
    else:
        fields.append(F("original_invoice_date", "date"))
    if number_field is not None:
        fields.append(S(number_field, 25))
    if sales:
        fields += [
            S("terms_and_conditions", 2000),
            F("shipping_net_amount", "money"),
            F("shipping_tax_rate_id", "id"),
            F("shipping_tax_amount", "money"),
            F("shipping_total_amount", "money"),
            F("sent", "boolean"),
            S("main_address_free_form", 500),
            F("main_address", "object", fields=ADDRESS_FIELDS),
            S("delivery_address_free_form", 500),
            F("delivery_address", "object", fields=ADDRESS_FIELDS),
        ]
    else:
        fields.append(S("vendor_reference", 31))
    return tuple(fields)


class Artefact(Resource):
    """One of sales_invoices, sales_credit_notes, purchase_invoices, purchase_credit_notes."""

    verbs = frozenset({"list", "get", "create", "update", "delete"})
    actions = {"release": "release"}
    action_status = 201
    date_field = "date"
    search_fields: ClassVar[tuple[str, ...]] = ("displayed_as", "reference", "contact_name")
    filters = {
        "contact_id": linked("contact"),
        "status_id": lambda r, v: status_of(r) == v,
    }
    indexed_filters = {"contact_id": ("contact", str)}
    # --- per type --------------------------------------------------------------------------------------
    sales: ClassVar[bool]
    lines_key: ClassVar[str]
    record_keys: ClassVar[tuple[str, ...]]
    transaction_type: ClassVar[tuple[str, str]]  # (id, displayed_as)
    number_field: ClassVar[str | None] = None  # invoice_number / credit_note_number (sales only)
    number_prefix: ClassVar[str] = ""  # SI / SCN
    due_date: ClassVar[str | None] = None  # None (credit notes), "optional" (sales), "required" (purchases)
    noun: ClassVar[str] = "invoice"
    pro_forma: ClassVar[bool] = False  # whether status_id PRO_FORMA is accepted on create (sales invoices)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # Everything below follows from the type's own attributes: its area (swagger: Sales or Purchases,
        # Restricted Access writes, Full Access deletes) and its request fields.
        super().__init_subclass__(**kwargs)
        where = "Sales" if cls.sales else "Purchases"
        cls.read_access = area(where, READ)
        cls.write_access = area(where, WRITE)
        cls.delete_access = area(where, FULL)
        cls.create_fields = header_fields(
            sales=cls.sales, lines_key=cls.lines_key, number_field=cls.number_field, due_date=cls.due_date
        )
        number = cls.number_field
        cls.indexes = {
            **BOOKING_INDEXES,
            "contact": lambda r: (r.get("contact") or {}).get("id"),
            "number": (lambda r: r.get(number)) if number else (lambda r: None),
        }

    # --- verbs -----------------------------------------------------------------------------------------
    def create(self, ctx: Ctx, data: dict[str, Any], errors: Invalid) -> Record:
        record = self.compose(ctx, data, None, errors)
        if errors:
            return record
        ctx.collection(self.name)[record["id"]] = record
        mark_contact_used(ctx.get("contacts", record["contact"]["id"]))
        return record

    def update(self, ctx: Ctx, record: Record, data: dict[str, Any], errors: Invalid) -> Record:
        if status_of(record) == "VOID":
            raise invalid("base", f"A void {self.noun} cannot be edited.")
        new = self.compose(ctx, data, record, errors)
        if errors:
            return record
        record.clear()
        record.update(new)
        mark_contact_used(ctx.get("contacts", record["contact"]["id"]))
        return record

    def delete(self, ctx: Ctx, record: Record, params: dict[str, str]) -> Record | None:
        status = status_of(record)
        if status in NOT_POSTED:
            ctx.remove(self.name, record)
            return None
        if status == "VOID":
            raise invalid("base", f"The {self.noun} has already been voided.")
        if has_payments(record):
            verb = "voided" if self.sales else "deleted"
            raise invalid(
                "base", f"The {self.noun} has payments or allocations; delete them before it can be {verb}."
            )
        if not self.sales:
            ctx.remove(self.name, record)
            return None
        reason = (params.get("void_reason") or "").strip()
        if not reason:
            raise invalid("void_reason", "can't be blank")
        if len(reason) > 200:
            raise invalid("void_reason", "is too long (maximum is 200 characters)")
        set_status(ctx, record, "VOID")
        record["void_reason"] = reason
        refresh_paid(record, ctx)
        ctx.touch(record)
        return record

    def render(self, ctx: Ctx, record: Record, params: dict[str, str]) -> Record:
        # Sage lists an artefact's payments and allocations only when asked (show_payments_allocations)
        if params.get("show_payments_allocations", "").lower() == "true" or not record.get(
            "payments_allocations"
        ):
            return record
        return {**record, "payments_allocations": []}

    def release(self, ctx: Ctx, record: Record, payload: dict[str, Any]) -> Record:
        if status_of(record) not in NOT_POSTED:
            kinds = "draft or pro forma" if self.pro_forma else "draft"
            raise invalid("status", f"Only a {kinds} {self.noun} can be released.")
        set_status(ctx, record, "UNPAID")
        record["transaction"] = ctx.transaction_link(record)
        if self.number_field is not None:
            record[f"{self.number_field}_prefix"] = document_prefix(ctx, self.number_prefix)
            self._set_number(record, self._next_number(ctx))
        refresh_paid(record, ctx)
        ctx.touch(record)
        return record

    # --- building ---------------------------------------------------------------------------------------
    def _contact(
        self, ctx: Ctx, data: dict[str, Any], current: Record | None, errors: Invalid
    ) -> Record | None:
        if current is not None and "contact_id" not in data:
            return ctx.get("contacts", current["contact"]["id"])
        wanted = "CUSTOMER" if self.sales else "VENDOR"
        contact = ctx.get("contacts", data.get("contact_id"))
        if contact is None or wanted not in {t.get("id") for t in contact.get("contact_types") or []}:
            errors.add("contact_id", "Couldn't find Customer." if self.sales else "Couldn't find Supplier.")
            return None
        if current is not None and has_payments(current) and contact["id"] != current["contact"]["id"]:
            errors.add("contact_id", f"cannot be changed on an {self.noun} with payments or allocations")
        return contact

    def _status(self, data: dict[str, Any], current: Record | None, errors: Invalid) -> str:
        sent = data.get("status_id")
        if current is not None:
            status = status_of(current)
            if sent is not None and sent != status:
                errors.add("status_id", "cannot be changed here (release a draft with POST …/release)")
            return status
        if sent is None:
            return "UNPAID"
        allowed = ("DRAFT", "UNPAID", "PRO_FORMA") if self.pro_forma else ("DRAFT", "UNPAID")
        if sent not in allowed:
            # PART_PAID / PAID come from payments, VOID from DELETE; PRO_FORMA is for sales invoices only
            errors.add("status_id", "is not included in the list")
        return str(sent)

    def _address(
        self,
        ctx: Ctx,
        kind: str,
        data: dict[str, Any],
        current: Record | None,
        contact: Record | None,
        errors: Invalid,
    ) -> tuple[Record | None, str | None]:
        """(``kind`` address, its free form) of a sales artefact: sent, else copied from a new contact, else
        kept."""
        free_key = f"{kind}_free_form"
        kept = current.get(kind) if current is not None else None
        sent = data.get(kind)
        address: Record | None
        if sent:
            address = self._sent_address(ctx, kind, sent, kept, errors)
            text = address["displayed_as"]
        elif current is None or (contact is not None and contact["id"] != current["contact"]["id"]):
            found = ctx.get("addresses", ((contact or {}).get(kind) or {}).get("id"))
            address = artefact_address(ctx, found) if found is not None else None
            text = address["displayed_as"] if address is not None else None
        else:
            address, text = kept, current.get(free_key)
        if free_key in data:
            sent_text = data[free_key]
            text = sent_text if isinstance(sent_text, str) and sent_text.strip() else None
        return address, text

    def _sent_address(
        self, ctx: Ctx, kind: str, sent: dict[str, Any], kept: Record | None, errors: Invalid
    ) -> Record:
        """An address sent in the body: it replaces the copy (fields left out are empty). The country defaults
        to the business's, the type to Sales (SalesArtefactAddress: "defaults to Sales for Customers")."""
        country_id = sent.get("country_id") or ctx.business.country
        country = ctx.require("countries", country_id, f"{kind}.country_id", errors)
        type_id = sent.get("address_type_id") or ("SALES" if kind == "main_address" else "DELIVERY")
        address_type = ctx.require("address_types", type_id, f"{kind}.address_type_id", errors)
        group_id = sent.get("country_group_id")
        group = (
            {"id": group_id, "displayed_as": group_id, "$path": f"/country_groups/{group_id}"}
            if group_id
            else country_group(country_id)
        )
        values = {
            k: sent.get(k) for k in ("address_line_1", "address_line_2", "city", "postal_code", "region")
        }
        values.update(
            country=ctx.link("countries", country),
            address_type=ctx.link("address_types", address_type),
            country_group=group,
        )
        return artefact_address(ctx, values, (kept or {}).get("id"))

    def _lines(self, ctx: Ctx, data: dict[str, Any], current: Record | None, errors: Invalid) -> list[Record]:
        if current is not None and self.lines_key not in data:
            return list(current[self.lines_key])
        raw = data.get(self.lines_key)
        if not raw:
            if raw is not None:  # None already has its "can't be blank" from the field declaration
                errors.add(self.lines_key, "can't be blank")
            return []
        known = {line["id"] for line in current[self.lines_key]} if current is not None else set()
        return [
            build_line(
                ctx,
                item,
                f"{self.lines_key}[{i}]",
                errors,
                sales=self.sales,
                keep_id=item.get("id") if item.get("id") in known else None,
            )
            for i, item in enumerate(raw)
        ]

    def _due_date(
        self, ctx: Ctx, data: dict[str, Any], current: Record | None, contact: Record | None, day: str
    ) -> str | None:
        if self.due_date is None:
            return None
        if "due_date" in data and data["due_date"] is not None:
            return str(data["due_date"])
        if current is not None and "due_date" not in data:
            return current.get("due_date")
        if not day or self.due_date == "required":
            return None  # the field declaration has already reported it
        # Sales default (invoicing guide): date + the contact's credit_days, else the business's
        # (invoice settings customer_credit_days, 30 unless changed).
        credit = (contact or {}).get("credit_days")
        fallback = invoice_settings(ctx).get("customer_credit_days")
        days = credit if isinstance(credit, int) else fallback if isinstance(fallback, int) else 30
        return (date.fromisoformat(day) + timedelta(days=days)).isoformat()

    def _currency(self, ctx: Ctx, data: dict[str, Any], current: Record | None, errors: Invalid) -> Record:
        base = ctx.business.currency
        wanted = data.get("currency_id") or (
            current["currency"]["id"] if current and current.get("currency") else base
        )
        if ctx.get("currencies", wanted) is None:
            errors.add("currency_id", "is invalid")
        elif wanted != base:
            # The emulated businesses have no multi-currency subscription: only the base currency is valid.
            errors.add("currency_id", "Multi-currency is not enabled for this business")
        return reference_link(ctx, "currencies", base, base)

    def _number(
        self, ctx: Ctx, data: dict[str, Any], current: Record | None, status: str, errors: Invalid
    ) -> str | None:
        field = self.number_field
        if field is None:
            return None
        if status in NOT_POSTED:
            return f"{self.number_prefix}-{status}"  # SI-DRAFT (the guide's example), SI-PRO_FORMA
        sent = data.get(field)
        if sent:
            holders = ctx.collection(self.name).equal("number", sent)
            taken = bool(holders - {current["id"] if current is not None else None})
            if taken:
                errors.add(field, "has already been taken")
            return str(sent)
        if current is not None:
            return str(current.get(field))
        if errors:
            return None  # a request that fails must not use up a number
        return self._next_number(ctx)

    def _next_number(self, ctx: Ctx) -> str:
        """The next number of this sales document (prefix and counter from the invoice settings)."""
        counter = ctx.business.next_number(counter_key(ctx, self.number_prefix))
        return f"{document_prefix(ctx, self.number_prefix)}{counter}"

    def _set_number(self, record: Record, number: str) -> None:
        assert self.number_field is not None
        record[self.number_field] = number
        record["displayed_as"] = number

    def compose(self, ctx: Ctx, data: dict[str, Any], current: Record | None, errors: Invalid) -> Record:
        """The full record for a create (``current`` None) or an update, from the cleaned request."""

        def pick(name: str, default: Any = None) -> Any:
            if name in data:
                return data[name]
            return current.get(name) if current is not None else default

        contact = self._contact(ctx, data, current, errors)
        status = self._status(data, current, errors)
        day = str(pick("date") or "")
        if "date" in data:
            check_not_before_start(ctx, day, "date", errors)
        due = self._due_date(ctx, data, current, contact, day)
        if due and day and due < day:
            errors.add("due_date", "must be on or after the date")
        lines = self._lines(ctx, data, current, errors)
        shipping = build_shipping(ctx, data, current, errors) if self.sales else Shipping()
        currency = self._currency(ctx, data, current, errors)
        sums = totals(lines, shipping)
        total = sums.total
        for name, computed in (("net_amount", sums.net), ("tax_amount", sums.tax), ("total_amount", total)):
            sent = data.get(name)
            if sent is not None and sent != computed:
                errors.add(name, f"does not match the sum of the lines ({format_money(computed)})")
        if total < 0:
            errors.add("total_amount", "must be greater than or equal to 0")
        if current is not None and total < dec(current.get("total_paid")):
            errors.add(
                "total_amount", f"cannot be less than the amount already paid ({current['total_paid']})"
            )
        number = self._number(ctx, data, current, status, errors)
        addresses = (
            {kind: self._address(ctx, kind, data, current, contact, errors) for kind in ADDRESS_KINDS}
            if self.sales
            else {}
        )
        if errors or contact is None:
            return {}
        contact_changed = current is None or contact["id"] != current["contact"]["id"]
        values: Record = {**DEFAULTS, **(current or ctx.stamp(self.name))}
        values.update(
            updated_at=ctx.now_iso,
            transaction_type=reference_link(ctx, "transaction_types", *self.transaction_type),
            contact=ctx.link("contacts", contact),
            contact_name=data.get("contact_name")
            or (contact["name"] if contact_changed else pick("contact_name")),
            contact_reference=data.get("contact_reference")
            or (contact.get("reference") if contact_changed else pick("contact_reference")),
            date=day,
            reference=pick("reference"),
            notes=pick("notes"),
            currency=currency,
            exchange_rate="1.0",
            inverse_exchange_rate="1.0",
            net_amount=format_money(sums.net),
            tax_amount=format_money(sums.tax),
            total_amount=format_money(total),
            base_currency_net_amount=format_money(sums.net),
            base_currency_tax_amount=format_money(sums.tax),
            base_currency_total_amount=format_money(total),
            total_quantity=format_money(sums.quantity),
            payments_allocations_total_discount="0.0",
            payments_allocations=list(pick("payments_allocations", [])),
            void_reason=pick("void_reason"),
            tax_analysis=sums.analysis,
        )
        values[self.lines_key] = lines
        if self.due_date is not None:
            values["due_date"] = due
        else:
            values["original_invoice_date"] = pick("original_invoice_date")
        if self.sales:
            self._sales_values(ctx, values, data, pick, shipping, sums.discount)
            for kind, (address, text) in addresses.items():
                values[kind], values[f"{kind}_free_form"] = address, text
        else:
            values["vendor_reference"] = pick("vendor_reference")
            values["displayed_as"] = (
                values["vendor_reference"] or values["reference"] or values["contact_name"]
            )
        if number is not None:
            values[f"{self.number_field}_prefix"] = (
                current.get(f"{self.number_field}_prefix")
                if current is not None and status not in NOT_POSTED
                else document_prefix(ctx, self.number_prefix)
            )
            self._set_number(values, number)
        record = {k: values.get(k) for k in self.record_keys}
        # a posted (not draft or pro forma) artefact books a transaction (invoicing guide, "Side Effects")
        record["transaction"] = None if status in NOT_POSTED else ctx.transaction_link(current)
        set_status(ctx, record, status)
        refresh_paid(record, ctx)
        return record

    def _sales_values(
        self, ctx: Ctx, values: Record, data: dict[str, Any], pick: Any, shipping: Shipping, discount: Decimal
    ) -> None:
        tax_rows = breakdown(ctx, shipping.rate, shipping.tax)
        values.update(
            terms_and_conditions=pick("terms_and_conditions"),
            sent=bool(pick("sent", False)),
            shipping_net_amount=format_money(shipping.net),
            shipping_tax_rate=shipping_link(shipping),
            shipping_tax_amount=format_money(shipping.tax),
            shipping_tax_breakdown=tax_rows,
            shipping_total_amount=format_money(shipping.total),
            base_currency_shipping_net_amount=format_money(shipping.net),
            base_currency_shipping_tax_amount=format_money(shipping.tax),
            base_currency_shipping_tax_breakdown=[dict(r) for r in tax_rows],
            base_currency_shipping_total_amount=format_money(shipping.total),
            total_discount_amount=format_money(discount),
            base_currency_total_discount_amount=format_money(discount),
        )
