"""Sales quotes and estimates (``/sales_quotes``, ``/sales_estimates``): offers to a customer, priced like a
sales invoice but booking nothing.

They share the sales artefacts' model (``_artefact_base.Artefact``: contact, addresses, lines, shipping,
discounts, tax and totals computed the same way); what differs:

* ``quote_lines`` / ``estimate_lines``; ``expiry_date`` is required (swagger ``postSalesQuotes``) and not
  before ``date``;
* numbered from creation (``SQ-1``, ``SE-1``; prefix and next number from the invoice settings), drafts
  included, since a quote is never released;
* ``status``: ``DRAFT``, ``PENDING`` (the default), ``ACCEPTED`` or ``DECLINED``, changed with ``PUT``
  (the reference material names no quote status ids: these are the states Sage's web app shows);
* no ledger transaction, no payments, nothing outstanding; ``DELETE`` removes the quote.

``GET /sales_quotes/{id}`` with ``Accept: application/pdf`` answers the printed quote (``pdf.py``).
Access: Sales (read: Read Only and up; write: Restricted Access and up; delete: Full Access).
"""

from __future__ import annotations

from typing import Any, ClassVar

from .._errors import Invalid
from .._fields import F
from .._resource import Ctx, Record
from ._artefact_base import Artefact, reference_link, status_of
from .pdf import render_document

SALES_QUOTE_KEYS = (
    "id", "displayed_as", "$path", "created_at", "updated_at", "links", "editable", "vat_reverse_charge",
    "tax_calculation_method", "destination_consignment", "destination_vat_rates_in_use", "contact",
    "quote_number_prefix", "quote_number", "contact_name", "contact_reference", "date", "expiry_date",
    "reference", "main_address_free_form", "main_address", "delivery_address_free_form", "delivery_address",
    "notes", "terms_and_conditions", "shipping_net_amount", "shipping_tax_rate", "shipping_tax_amount",
    "shipping_tax_breakdown", "shipping_total_amount", "net_amount", "tax_amount", "total_amount",
    "currency", "exchange_rate", "inverse_exchange_rate", "base_currency_shipping_net_amount",
    "base_currency_shipping_tax_amount", "base_currency_shipping_tax_breakdown",
    "base_currency_shipping_total_amount", "total_quantity", "total_discount_amount",
    "base_currency_total_discount_amount", "base_currency_net_amount", "base_currency_tax_amount",
    "base_currency_total_amount", "payments_allocations_total_amount", "payments_allocations_total_discount",
    "total_paid", "status", "sent", "sent_by_email", "quote_lines", "tax_analysis", "detailed_tax_analysis",
    "tax_address_region", "withholding_tax_rate", "withholding_tax_amount",
    "base_currency_withholding_tax_amount", "profit_analysis", "tax_reconciled", "invoice",
)  # fmt: skip
# the swagger's SalesEstimate is the SalesQuote with "estimate" for "quote"
SALES_ESTIMATE_KEYS = tuple(k.replace("quote", "estimate") for k in SALES_QUOTE_KEYS)
QUOTE_STATUSES = {"DRAFT": "Draft", "PENDING": "Pending", "ACCEPTED": "Accepted", "DECLINED": "Declined"}


class _Offer(Artefact):
    """What quotes and estimates share: the sales artefact's arithmetic, their own status and no ledger."""

    sales = True
    lines_key = "quote_lines"  # each kind sets its own (the artefact base reads one when a class is made)
    actions: ClassVar[dict[str, str]] = {}  # nothing to release: a quote books nothing
    action_status = 200
    sortable = ("created_at", "updated_at", "date", "expiry_date")
    noun = "quote"

    def _status(self, data: dict[str, Any], current: Record | None, errors: Invalid) -> str:
        # the shared machinery prices the offer as an unpaid invoice would be priced; the offer's own
        # status is set in compose()
        return "UNPAID"

    def _offer_status(self, data: dict[str, Any], current: Record | None, errors: Invalid) -> str:
        sent = data.get("status_id")
        if sent is None:
            return status_of(current) if current is not None else "PENDING"
        if sent not in QUOTE_STATUSES:
            errors.add("status_id", "is not included in the list")
        return str(sent)

    def _number(
        self, ctx: Ctx, data: dict[str, Any], current: Record | None, status: str, errors: Invalid
    ) -> str | None:
        assert self.number_field is not None
        if current is not None and not data.get(self.number_field):
            return str(current.get(self.number_field))
        return super()._number(ctx, data, current, status, errors)

    def compose(self, ctx: Ctx, data: dict[str, Any], current: Record | None, errors: Invalid) -> Record:
        status = self._offer_status(data, current, errors)
        day = data.get("date") or (current or {}).get("date")
        expiry = data.get("expiry_date") or (current or {}).get("expiry_date")
        if day and expiry and str(expiry) < str(day):
            errors.add("expiry_date", "must be on or after the date")
        # an offer keeps no payments: the shared machinery reads an empty list of them
        base = {**current, "payments_allocations": []} if current is not None else None
        record = super().compose(ctx, data, base, errors)
        if not record:
            return record
        values = {
            **record,
            "expiry_date": expiry,
            "status": reference_link(ctx, "artefact_statuses", status, QUOTE_STATUSES.get(status, status)),
            "editable": True,
            "invoice": (current or {}).get("invoice"),
            "profit_analysis": None,
        }
        return {k: values.get(k) for k in self.record_keys}

    def delete(self, ctx: Ctx, record: Record, params: dict[str, str]) -> Record | None:
        ctx.remove(self.name, record)
        return None

    def render_pdf(self, ctx: Ctx, record: Record) -> bytes:
        """The printed quote or estimate (``Accept: application/pdf``)."""
        return render_document(ctx, self.name, record)


class SalesQuotes(_Offer):
    name = "sales_quotes"
    wrapper = "sales_quote"
    lines_key = "quote_lines"
    record_keys = SALES_QUOTE_KEYS
    transaction_type = ("SALES_QUOTE", "Sales Quote")
    number_field = "quote_number"
    number_prefix = "SQ"
    search_fields = ("quote_number", "reference", "contact_name")


class SalesEstimates(_Offer):
    name = "sales_estimates"
    wrapper = "sales_estimate"
    lines_key = "estimate_lines"
    record_keys = SALES_ESTIMATE_KEYS
    transaction_type = ("SALES_ESTIMATE", "Sales Estimate")
    number_field = "estimate_number"
    number_prefix = "SE"
    noun = "estimate"
    search_fields = ("estimate_number", "reference", "contact_name")


# the artefact base builds each type's request fields; an offer also takes its expiry date
for _offer in (SalesQuotes, SalesEstimates):
    _offer.create_fields = (*_offer.create_fields, F("expiry_date", "date", required=True))

RESOURCES: tuple[type[Artefact], ...] = (SalesQuotes, SalesEstimates)
