"""Sales and purchase invoices and credit notes."""

from __future__ import annotations

from .._models import Date, Link, Money, SageModel, SageRecord

__all__ = [
    "ArtefactLine",
    "PaymentAllocation",
    "PurchaseCreditNote",
    "PurchaseInvoice",
    "SalesCreditNote",
    "SalesInvoice",
    "TaxAnalysis",
]


class ArtefactLine(SageModel):
    """One line of an invoice or credit note."""

    id: str | None = None
    displayed_as: str | None = None
    description: str | None = None
    product: Link | None = None
    service: Link | None = None
    ledger_account: Link | None = None
    quantity: Money = None
    unit_price: Money = None
    unit_price_includes_tax: bool | None = None
    net_amount: Money = None
    tax_rate: Link | None = None
    tax_amount: Money = None
    total_amount: Money = None
    discount_amount: Money = None
    discount_percentage: Money = None
    base_currency_unit_price: Money = None
    base_currency_net_amount: Money = None
    base_currency_tax_amount: Money = None
    base_currency_total_amount: Money = None
    base_currency_discount_amount: Money = None


class TaxAnalysis(SageModel):
    """Totals per tax rate on an invoice."""

    tax_rate: Link | None = None
    net_amount: Money = None
    tax_amount: Money = None
    total_amount: Money = None
    goods_amount: Money = None
    service_amount: Money = None


class PaymentAllocation(SageModel):
    """A payment allocated to an invoice."""

    links: list[Link] | None = None
    date: Date = None
    type: str | None = None
    reference: str | None = None
    amount: Money = None
    discount: Money = None
    displayed_as: str | None = None


class _Artefact(SageRecord):
    transaction: Link | None = None
    transaction_type: Link | None = None
    contact: Link | None = None
    contact_name: str | None = None
    contact_reference: str | None = None
    date: Date = None
    reference: str | None = None
    notes: str | None = None
    editable: bool | None = None
    net_amount: Money = None
    tax_amount: Money = None
    total_amount: Money = None
    total_quantity: Money = None
    total_discount_amount: Money = None
    total_paid: Money = None
    outstanding_amount: Money = None
    payments_allocations_total_amount: Money = None
    payments_allocations_total_discount: Money = None
    currency: Link | None = None
    exchange_rate: Money = None
    base_currency_net_amount: Money = None
    base_currency_tax_amount: Money = None
    base_currency_total_amount: Money = None
    base_currency_outstanding_amount: Money = None
    status: Link | None = None
    void_reason: str | None = None
    tax_analysis: list[TaxAnalysis] | None = None
    payments_allocations: list[PaymentAllocation] | None = None
    last_paid: Date = None
    tax_address_region: Link | None = None
    withholding_tax_rate: Money = None
    withholding_tax_amount: Money = None
    migrated: bool | None = None
    tax_reconciled: bool | None = None


class _SalesArtefact(_Artefact):
    main_address: SageModel | None = None
    delivery_address: SageModel | None = None
    main_address_free_form: str | None = None
    delivery_address_free_form: str | None = None
    terms_and_conditions: str | None = None
    shipping_net_amount: Money = None
    shipping_tax_rate: Link | None = None
    shipping_tax_amount: Money = None
    shipping_total_amount: Money = None
    sent: bool | None = None
    sent_by_email: bool | None = None


class SalesInvoice(_SalesArtefact):
    """A sales invoice (``/sales_invoices``)."""

    invoice_number_prefix: str | None = None
    invoice_number: str | None = None
    due_date: Date = None
    invoice_lines: list[ArtefactLine] | None = None


class SalesCreditNote(_SalesArtefact):
    """A sales credit note (``/sales_credit_notes``)."""

    credit_note_number_prefix: str | None = None
    credit_note_number: str | None = None
    original_invoice_date: Date = None
    credit_note_lines: list[ArtefactLine] | None = None


class PurchaseInvoice(_Artefact):
    """A purchase invoice (``/purchase_invoices``)."""

    vendor_reference: str | None = None
    due_date: Date = None
    invoice_lines: list[ArtefactLine] | None = None


class PurchaseCreditNote(_Artefact):
    """A purchase credit note (``/purchase_credit_notes``)."""

    vendor_reference: str | None = None
    original_invoice_date: Date = None
    credit_note_lines: list[ArtefactLine] | None = None
