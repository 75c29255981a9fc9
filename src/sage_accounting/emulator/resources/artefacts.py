"""Sales and purchase invoices and credit notes (``/sales_invoices``, ``/sales_credit_notes``,
``/purchase_invoices``, ``/purchase_credit_notes``).

The four share one model (``_artefact_base.Artefact``); what differs is declared here: the contact type
(CUSTOMER / VENDOR), numbering (``SI-n`` / ``SCN-n`` on sales; purchases carry the supplier's reference),
shipping and discounts (sales only), ``due_date`` (defaulted on sales invoices, required on purchase
invoices, absent on credit notes), what ``DELETE`` does (void vs delete) and Sage's response key order.
"""

from __future__ import annotations

from .._resource import Ctx, Record, Resource
from ._artefact_base import Artefact
from .pdf import render_document

SALES_INVOICE_KEYS = (
    "id", "displayed_as", "$path", "created_at", "updated_at", "links", "editable", "vat_reverse_charge",
    "tax_calculation_method", "destination_consignment", "destination_vat_rates_in_use", "transaction",
    "transaction_type", "deleted_at", "is_cis", "cis_applicable_amount",
    "base_currency_cis_applicable_amount", "total_after_cis_deduction",
    "base_currency_total_after_cis_deduction", "has_cis_labour", "has_cis_materials", "contact",
    "recurring_invoice", "invoice_number_prefix", "invoice_number", "contact_name", "contact_reference",
    "date", "due_date", "reference", "main_address_free_form", "main_address", "delivery_address_free_form",
    "delivery_address", "notes", "terms_and_conditions", "shipping_net_amount", "shipping_tax_rate",
    "shipping_tax_amount", "shipping_tax_breakdown", "shipping_total_amount", "net_amount", "tax_amount",
    "total_amount", "payments_allocations_total_amount", "payments_allocations_total_discount",
    "total_paid", "outstanding_amount", "currency", "exchange_rate", "inverse_exchange_rate",
    "base_currency_shipping_net_amount", "base_currency_shipping_tax_amount",
    "base_currency_shipping_tax_breakdown", "base_currency_shipping_total_amount", "total_quantity",
    "total_discount_amount", "base_currency_total_discount_amount", "base_currency_net_amount",
    "base_currency_tax_amount", "base_currency_total_amount", "base_currency_outstanding_amount", "status",
    "sent", "sent_by_email", "void_reason", "invoice_lines", "tax_analysis", "detailed_tax_analysis",
    "payments_allocations", "last_paid", "original_quote_estimate", "tax_address_region",
    "delivery_performance_date", "withholding_tax_rate", "withholding_tax_amount",
    "base_currency_withholding_tax_amount", "corrections", "tax_reconciled", "migrated",
)  # fmt: skip
SALES_CREDIT_NOTE_KEYS = (
    "id", "displayed_as", "$path", "created_at", "updated_at", "links", "editable", "vat_reverse_charge",
    "tax_calculation_method", "destination_consignment", "destination_vat_rates_in_use", "transaction",
    "transaction_type", "deleted_at", "is_cis", "cis_applicable_amount",
    "base_currency_cis_applicable_amount", "total_after_cis_deduction",
    "base_currency_total_after_cis_deduction", "has_cis_labour", "has_cis_materials", "contact",
    "credit_note_number_prefix", "credit_note_number", "contact_name", "contact_reference", "date",
    "original_invoice_date", "reference", "main_address_free_form", "main_address",
    "delivery_address_free_form", "delivery_address", "notes", "terms_and_conditions",
    "shipping_net_amount", "shipping_tax_rate", "shipping_tax_amount", "shipping_tax_breakdown",
    "total_quantity", "shipping_total_amount", "net_amount", "tax_amount", "total_amount",
    "payments_allocations_total_amount", "payments_allocations_total_discount", "total_paid",
    "outstanding_amount", "currency", "exchange_rate", "inverse_exchange_rate",
    "base_currency_shipping_net_amount", "base_currency_shipping_tax_amount",
    "base_currency_shipping_tax_breakdown", "base_currency_shipping_total_amount", "total_discount_amount",
    "base_currency_total_discount_amount", "base_currency_net_amount", "base_currency_tax_amount",
    "base_currency_total_amount", "base_currency_outstanding_amount", "status", "sent", "sent_by_email",
    "void_reason", "credit_note_lines", "tax_analysis", "detailed_tax_analysis", "payments_allocations",
    "last_paid", "tax_address_region", "tax_reconciled", "migrated", "withholding_tax_rate",
    "withholding_tax_amount", "base_currency_withholding_tax_amount",
)  # fmt: skip
_PURCHASE_HEAD = (
    "id", "displayed_as", "$path", "created_at", "updated_at", "links", "editable", "vat_reverse_charge",
    "transaction", "transaction_type", "postponed_accounting", "import", "vat_exempt_consignment",
    "deleted_at", "is_cis", "cis_applicable_amount", "base_currency_cis_applicable_amount",
    "total_after_cis_deduction", "base_currency_total_after_cis_deduction", "has_cis_labour",
    "has_cis_materials", "contact", "base_currency_total_itc_amount", "total_itc_amount",
    "base_currency_total_itr_amount", "total_itr_amount", "part_recoverable", "contact_name",
    "contact_reference", "date",
)  # fmt: skip
_PURCHASE_AMOUNTS = (
    "reference", "vendor_reference", "notes", "total_quantity", "net_amount", "tax_amount", "total_amount",
    "payments_allocations_total_amount", "payments_allocations_total_discount", "total_paid",
    "outstanding_amount", "currency", "exchange_rate", "inverse_exchange_rate", "base_currency_net_amount",
    "base_currency_tax_amount", "base_currency_total_amount", "base_currency_outstanding_amount", "status",
    "void_reason",
)  # fmt: skip
PURCHASE_INVOICE_KEYS = (
    *_PURCHASE_HEAD, "due_date", *_PURCHASE_AMOUNTS, "invoice_lines", "tax_analysis",
    "detailed_tax_analysis", "payments_allocations", "last_paid", "tax_address_region",
    "withholding_tax_rate", "withholding_tax_amount", "base_currency_withholding_tax_amount", "corrections",
    "tax_reconciled", "migrated", "tax_calculation_method",
)  # fmt: skip
PURCHASE_CREDIT_NOTE_KEYS = (
    *_PURCHASE_HEAD, "original_invoice_date", *_PURCHASE_AMOUNTS, "credit_note_lines", "tax_analysis",
    "detailed_tax_analysis", "payments_allocations", "last_paid", "tax_address_region", "tax_reconciled",
    "migrated", "tax_calculation_method", "withholding_tax_rate", "withholding_tax_amount",
    "base_currency_withholding_tax_amount",
)  # fmt: skip

INVOICE_SORT = ("created_at", "updated_at", "date", "due_date")
CREDIT_NOTE_SORT = ("created_at", "updated_at", "date")


class SalesInvoices(Artefact):
    name = "sales_invoices"
    wrapper = "sales_invoice"
    sales = True
    lines_key = "invoice_lines"
    record_keys = SALES_INVOICE_KEYS
    transaction_type = ("SALES_INVOICE", "Sales Invoice")
    number_field = "invoice_number"
    number_prefix = "SI"
    pro_forma = True  # invoicing guide: "You can create draft and pro forma sales invoices"
    due_date = "optional"
    sortable = INVOICE_SORT
    search_fields = ("invoice_number", "reference", "contact_name")

    def render_pdf(self, ctx: Ctx, record: Record) -> bytes:
        """The printed invoice (``Accept: application/pdf``)."""
        return render_document(ctx, self.name, record)


class SalesCreditNotes(Artefact):
    name = "sales_credit_notes"
    wrapper = "sales_credit_note"
    sales = True
    lines_key = "credit_note_lines"
    record_keys = SALES_CREDIT_NOTE_KEYS
    transaction_type = ("SALES_CREDIT_NOTE", "Sales Credit Note")
    number_field = "credit_note_number"
    number_prefix = "SCN"
    noun = "credit note"
    sortable = CREDIT_NOTE_SORT
    search_fields = ("credit_note_number", "reference", "contact_name")

    def render_pdf(self, ctx: Ctx, record: Record) -> bytes:
        """The printed credit note (``Accept: application/pdf``)."""
        return render_document(ctx, self.name, record)


class PurchaseInvoices(Artefact):
    name = "purchase_invoices"
    wrapper = "purchase_invoice"
    sales = False
    lines_key = "invoice_lines"
    record_keys = PURCHASE_INVOICE_KEYS
    transaction_type = ("PURCHASE_INVOICE", "Purchase Invoice")
    due_date = "required"
    sortable = INVOICE_SORT
    search_fields = ("vendor_reference", "reference", "contact_name")


class PurchaseCreditNotes(Artefact):
    name = "purchase_credit_notes"
    wrapper = "purchase_credit_note"
    sales = False
    lines_key = "credit_note_lines"
    record_keys = PURCHASE_CREDIT_NOTE_KEYS
    transaction_type = ("PURCHASE_CREDIT_NOTE", "Purchase Credit Note")
    noun = "credit note"
    sortable = CREDIT_NOTE_SORT
    search_fields = ("vendor_reference", "reference", "contact_name")


RESOURCES: list[type[Resource]] = [SalesInvoices, SalesCreditNotes, PurchaseInvoices, PurchaseCreditNotes]
