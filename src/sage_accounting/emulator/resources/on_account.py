"""Payments on account (``GET /payments_on_account``): the unallocated part of contact payments.

A contact payment whose ``total_amount`` exceeds what it allocates keeps the rest as a payment on account
(payments guide, "the payment is not fully allocated"); its id is what refunds and contact allocations name
as ``artefact_id``. The records live inside their payments (``contact_payment.payment_on_account``); this
read-only collection lists them, with their ``outstanding_amount`` and status as refunds and allocations use
them up. Sage's swagger has no such path, but the payments guide's ``$path`` of a payment on account
(``/payments_on_account/{id}``) leads here. Access follows contact payments: Bank, any role but No Access.
"""

from __future__ import annotations

from collections.abc import Iterable

from .._errors import not_found
from .._resource import READ, Ctx, Record, Resource, area, linked
from .payments import on_account_owner


class PaymentsOnAccount(Resource):
    name = "payments_on_account"
    verbs = frozenset({"list", "get"})
    read_access = area("Bank", READ)
    date_field = "date"
    sortable = ("created_at", "updated_at", "date")
    search_fields = ("displayed_as", "reference", "contact_name")
    filters = {
        "contact_id": linked("contact"),
        "status_id": linked("status"),
    }

    def records(self, ctx: Ctx) -> Iterable[Record]:
        return [
            p["payment_on_account"]
            for p in ctx.collection("contact_payments").values()
            if p.get("payment_on_account")
        ]

    def retrieve(self, ctx: Ctx, record_id: str) -> Record:
        owner = on_account_owner(ctx, record_id)
        if owner is None:
            raise not_found()
        return dict(owner["payment_on_account"])


RESOURCES: list[type[Resource]] = [PaymentsOnAccount]
