"""Transactions (``/transactions``): the ledger postings behind every posted document, read only.

Every record that books something carries a ``transaction`` link (invoices and credit notes once released,
contact payments, contact allocations, other payments, journals); that link's ``$path`` leads here. The
transaction is derived from its origin each time it is read, so it is never out of step with it:

* ``date``, ``reference``, ``contact``, ``transaction_type`` and ``total`` come from the origin (``total``
  in the base currency, ``total_in_transaction_currency`` the same: the emulated businesses have one
  currency); ``origin`` links back to the document with its status, outstanding amount and due date.
* ``created_at`` / ``updated_at`` are the origin's, so ``updated_or_created_since`` finds what a sync needs
  (best-practices guide, "Data synch efficiencies": one call to ``/transactions`` instead of one per
  endpoint).
* A voided sales artefact's transaction is ``deleted: true`` ("cancelling an invoice also voids the
  transaction"); a deleted origin's transaction is gone and ``deleted_since`` lists it.

``expand_origin=true`` (swagger) shows the whole originating document. Filters (swagger): ``transaction_type_id``, ``from_date`` / ``to_date``, ``updated_from_date`` /
``updated_to_date``, ``has_attachments`` (the emulator has no attachments: ``true`` selects nothing).
Access: Journals, Read Only or Full Access.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from .._errors import not_found
from .._listing import parse_since
from .._money import format_money
from .._resource import Ctx, Record, Resource, area

READ_ROLES = frozenset({"read_only", "full_access"})
# Collections whose records book a transaction, with the field holding the transaction's total.
ORIGINS = {
    "sales_invoices": "total_amount",
    "sales_credit_notes": "total_amount",
    "purchase_invoices": "total_amount",
    "purchase_credit_notes": "total_amount",
    "contact_payments": "total_amount",
    "contact_allocations": None,
    "other_payments": "total_amount",
    "journals": "total",
}
TRANSACTION_KEYS = (
    "id", "displayed_as", "$path", "created_at", "updated_at", "date", "deleted", "reference", "total",
    "total_in_transaction_currency", "contact", "transaction_type", "origin", "audit_trail_id",
    "number_of_attachments",
)  # fmt: skip


def _origin_link(record: Record) -> Record:
    status = record.get("status")
    return {
        "id": record["id"],
        "displayed_as": record.get("displayed_as"),
        "$path": record["$path"],
        "links": list(record.get("links") or []),
        "due_date": record.get("due_date"),
        "outstanding_amount": record.get("outstanding_amount"),
        "currency": record.get("currency"),
        "status": status,
        "sent": record.get("sent"),
    }


def _allocated_total(record: Record) -> str:
    """An allocation moves no money overall; its transaction's total is what it settled (the debits)."""
    positive = sum(
        (
            Decimal(str(a["amount"]))
            for a in record.get("allocated_artefacts") or []
            if Decimal(str(a["amount"])) > 0
        ),
        Decimal(0),
    )
    return format_money(positive)


def transaction_of(name: str, record: Record) -> Record | None:
    """The transaction ``record`` (of collection ``name``) books, or None when it books none."""
    link = record.get("transaction")
    if not link:
        return None
    field = ORIGINS[name]
    total = record.get(field) if field else _allocated_total(record)
    status = (record.get("status") or {}).get("id")
    values: Record = {
        "id": link["id"],
        "displayed_as": record.get("displayed_as"),
        "$path": f"/transactions/{link['id']}",
        "created_at": record.get("created_at"),
        "updated_at": record.get("updated_at"),
        "date": record.get("date"),
        "deleted": status == "VOID",
        "reference": record.get("reference")
        or record.get("invoice_number")
        or record.get("credit_note_number"),
        "total": total,
        "total_in_transaction_currency": total,
        "contact": record.get("contact"),
        "transaction_type": record.get("transaction_type"),
        "origin": _origin_link(record),
        "audit_trail_id": None,
        "number_of_attachments": 0,
    }
    return {k: values[k] for k in TRANSACTION_KEYS}


def _on(value: str) -> bool:
    return value.strip().lower() in ("true", "1")


class Transactions(Resource):
    name = "transactions"
    verbs = frozenset({"list", "get"})
    read_access = area("Journals", READ_ROLES)
    date_field = "date"
    sortable = ("created_at", "updated_at", "date")
    search_fields = ("displayed_as", "reference")
    filters = {
        "transaction_type_id": lambda r, v: (r.get("transaction_type") or {}).get("id") == v,
        "updated_from_date": lambda r, v: (
            str(r.get("updated_at") or "") >= parse_since(v, "updated_from_date")
        ),
        "updated_to_date": lambda r, v: str(r.get("updated_at") or "")[:10] <= v.strip()[:10],
        "has_attachments": lambda r, v: _on(v) == ((r.get("number_of_attachments") or 0) > 0),
        "contact_id": lambda r, v: (r.get("contact") or {}).get("id") == v,
    }

    def records(self, ctx: Ctx) -> Iterable[Record]:
        found: list[Record] = []
        for name in ORIGINS:
            records = ctx.collection(name)
            for record_id in records.ordered_ids():
                # read to show, not to change: the origins are not compared again at the end of the request
                transaction = transaction_of(name, records.view(record_id))
                if transaction is not None:
                    found.append(transaction)
        return found

    def retrieve(self, ctx: Ctx, record_id: str) -> Record:
        # every origin collection indexes the transaction id it books: one look-up each
        for name in ORIGINS:
            records = ctx.collection(name)
            for origin_id in records.equal("transaction", record_id):
                transaction = transaction_of(name, records.view(origin_id))
                if transaction is not None:
                    return transaction
        raise not_found()

    def render(self, ctx: Ctx, record: Record, params: dict[str, str]) -> Record:
        """``expand_origin=true`` shows the whole originating document instead of its link."""
        if not _on(params.get("expand_origin", "")):
            return record
        parts = str(record["origin"]["$path"]).split("/")
        origin = ctx.get(parts[1], parts[2]) if len(parts) == 3 else None
        return {**record, "origin": origin} if origin is not None else record


RESOURCES: list[type[Resource]] = [Transactions]
