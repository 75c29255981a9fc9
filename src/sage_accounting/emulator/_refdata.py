"""Reference data Sage gives every business: lists, tax rates, a chart of accounts and bank accounts.

``reference_records(country)`` returns the read-only reference collections as Sage renders them (keys in
swagger order). ``chart_of_accounts(country)`` and ``default_bank_accounts(country)`` return request bodies
(the inner objects of ``{"ledger_account": ...}`` / ``{"bank_account": ...}``) that seeding posts through
the resources' own rules. Everything here is deterministic: fixed timestamps, no clock, no randomness.
"""

from __future__ import annotations

import copy
from typing import Any

from ._refdata_countries import COUNTRIES, CURRENCIES

Record = dict[str, Any]

# Sage's reference data is old: these are fixed so two emulators render identical records.
REFERENCE_CREATED_AT = "2013-07-03T10:38:09Z"
REFERENCE_UPDATED_AT = "2021-07-01T16:49:32Z"

COUNTRY_CURRENCY = {"GB": "GBP", "IE": "EUR"}

# Plain lists (Sage's ``Base`` model: id, displayed_as, $path), in the order Sage lists them.
ADDRESS_TYPES = (
    ("DELIVERY", "Delivery"),
    ("ACCOUNTS", "Accounts"),
    ("SALES", "Sales"),
    ("PURCHASING", "Purchasing"),
)
CONTACT_TYPES = (("CUSTOMER", "Customer"), ("VENDOR", "Supplier"))
CONTACT_PERSON_TYPES = (("ACCOUNTS", "Accounts"), ("SALES", "Sales"), ("PURCHASING", "Purchasing"))
ARTEFACT_STATUSES = (
    ("UNPAID", "Unpaid"),
    ("PART_PAID", "Part Paid"),
    ("PAID", "Paid"),
    ("VOID", "Void"),
    ("DRAFT", "Draft"),
    ("DISPUTED", "Disputed"),
    ("DECLINED", "Declined"),
    ("PRO_FORMA", "Pro Forma"),
    ("ACCEPTED", "Accepted"),
    ("ACCEPTED_BY_CUSTOMER", "Accepted by Customer"),
    ("DECLINED_BY_CUSTOMER", "Declined by Customer"),
)
BANK_ACCOUNT_TYPES = (
    ("CHECKING", "Current"),
    ("SAVINGS", "Savings"),
    ("CREDIT_CARD", "Credit Card"),
    ("CASH_IN_HAND", "Cash in Hand"),
    ("LOAN", "Loan"),
    ("OTHER", "Other"),
)
PAYMENT_METHODS = (
    ("CASH", "Cash"),
    ("CHECK", "Cheque"),
    ("ELECTRONIC", "Electronic"),
    ("CREDIT_DEBIT", "Credit/Debit Card"),
    ("ONLINE_PAYMENT", "PayPal"),
)
CATALOG_ITEM_TYPES = (("STOCK_ITEM", "Stock"), ("PRODUCT", "Non-stock"), ("SERVICE", "Service"))
LEDGER_ACCOUNT_TYPES = (
    ("SALES", "Sales"),
    ("OTHER_INCOME", "Other Income"),
    ("DIRECT_EXPENSES", "Direct Expenses"),
    ("OVERHEADS", "Overheads"),
    ("DEPRECIATION", "Depreciation"),
    ("CURRENT_ASSETS", "Current Assets"),
    ("FIXED_ASSETS", "Fixed Assets"),
    ("FUTURE_ASSETS", "Future Assets"),
    ("BANK", "Bank"),
    ("CURRENT_LIABILITY", "Current Liability"),
    ("FUTURE_LIABILITY", "Future Liability"),
    ("EQUITY", "Equity"),
    ("LINE_OF_CREDIT", "Credit Card / Loan"),
)
# Ordered by id, as Sage lists them; every type the banking guide names (payroll, tax and void payments
# included: they come from Sage's web app and payroll, and /transactions can be filtered by them).
TRANSACTION_TYPES = (
    ("BANK_OPENING_BALANCE", "Bank Opening Balance"),
    ("BANK_PAYMENT", "Bank Payment"),
    ("BANK_RECEIPT", "Bank Receipt"),
    ("BANK_TRANSFER", "Bank Transfer"),
    ("CORRECTION", "Correction"),
    ("CUSTOMER_ALLOCATION", "Customer Allocation"),
    ("CUSTOMER_RECEIPT", "Customer Receipt"),
    ("CUSTOMER_REFUND", "Customer Refund"),
    ("DEPOSIT", "Deposit"),
    ("JOURNAL", "Journal"),
    ("LEDGER_ACCOUNT_OPENING_BALANCE", "Ledger Account Opening Balance"),
    ("OPENING_BALANCE_JOURNAL", "Opening Balance Journal"),
    ("OTHER_PAYMENT", "Other Payment"),
    ("OTHER_PAYMENT_REFUND", "Other Payment Refund"),
    ("OTHER_RECEIPT", "Other Receipt"),
    ("OTHER_RECEIPT_REFUND", "Other Receipt Refund"),
    ("PENSION_PROVIDER_PAYMENT", "Pension Provider Payment"),
    ("PURCHASE_CORRECTIVE_INVOICE", "Purchase Corrective Invoice"),
    ("PURCHASE_CREDIT_NOTE", "Purchase Credit Note"),
    ("PURCHASE_DISCOUNT", "Purchase Discount"),
    ("PURCHASE_INVOICE", "Purchase Invoice"),
    ("PURCHASE_OPENING_BALANCE_CREDIT_NOTE", "Purchase Opening Balance Credit Note"),
    ("PURCHASE_OPENING_BALANCE_INVOICE", "Purchase Opening Balance Invoice"),
    ("PURCHASE_QUICK_ENTRY_CREDIT_NOTE", "Purchase Quick Entry Credit Note"),
    ("PURCHASE_QUICK_ENTRY_INVOICE", "Purchase Quick Entry Invoice"),
    ("REVENUE_PAYMENT", "Revenue Payment"),
    ("SALES_CORRECTIVE_INVOICE", "Sales Corrective Invoice"),
    ("SALES_CREDIT_NOTE", "Sales Credit Note"),
    ("SALES_DISCOUNT", "Sales Discount"),
    ("SALES_INVOICE", "Sales Invoice"),
    ("SALES_OPENING_BALANCE_CREDIT_NOTE", "Sales Opening Balance Credit Note"),
    ("SALES_OPENING_BALANCE_INVOICE", "Sales Opening Balance Invoice"),
    ("SALES_QUICK_ENTRY_CREDIT_NOTE", "Sales Quick Entry Credit Note"),
    ("SALES_QUICK_ENTRY_INVOICE", "Sales Quick Entry Invoice"),
    ("STAFF_PAYMENT", "Staff Payment"),
    ("STOCK_MOVEMENT", "Stock Movement"),
    ("TAX_PAYMENT", "Tax Payment"),
    ("TAX_RETURN", "Tax Return"),
    ("TAX_SCHEME_TRANSFER_PAYMENT", "Tax Scheme Transfer Payment"),
    ("VENDOR_ALLOCATION", "Supplier Allocation"),
    ("VENDOR_PAYMENT", "Supplier Payment"),
    ("VENDOR_REFUND", "Supplier Refund"),
    ("VOID_PAYMENT", "Void Payment"),
)

# Tax rates: (id, displayed_as, name, percentage). Percentages are strings as Sage renders them.
TAX_RATES: dict[str, tuple[tuple[str, str, str, str], ...]] = {
    "GB": (
        ("GB_STANDARD", "Standard 20.00%", "STANDARD", "20.0"),
        ("GB_LOWER", "Lower Rate 5.00%", "LOWER", "5.0"),
        ("GB_ZERO", "Zero Rated 0.00%", "ZERO", "0.0"),
        ("GB_EXEMPT", "Exempt 0.00%", "EXEMPT", "0.0"),
        ("GB_NO_TAX", "No VAT", "NO_TAX", "0.0"),
    ),
    "IE": (
        ("IE_STANDARD", "Standard 23.00%", "STANDARD", "23.0"),
        ("IE_REDUCED", "Reduced 13.50%", "REDUCED", "13.5"),
        ("IE_SECOND_REDUCED", "Second Reduced 9.00%", "SECOND_REDUCED", "9.0"),
        ("IE_LIVESTOCK", "Livestock 4.80%", "LIVESTOCK", "4.8"),
        ("IE_ZERO", "Zero Rated 0.00%", "ZERO", "0.0"),
        ("IE_EXEMPT", "Exempt 0.00%", "EXEMPT", "0.0"),
        ("IE_NO_TAX", "No VAT", "NO_TAX", "0.0"),
    ),
}


def _base(collection: str, pairs: tuple[tuple[str, str], ...], *, code_in_name: bool = False) -> list[Record]:
    return [
        {
            "id": rid,
            "displayed_as": f"{name} ({rid})" if code_in_name else name,
            "$path": f"/{collection}/{rid}",
        }
        for rid, name in pairs
    ]


def _tax_rate(rid: str, displayed_as: str, name: str, percentage: str) -> Record:
    return {
        "id": rid,
        "displayed_as": displayed_as,
        "$path": f"/tax_rates/{rid}",
        "created_at": REFERENCE_CREATED_AT,
        "updated_at": REFERENCE_UPDATED_AT,
        "name": name,
        "agency": None,
        "percentage": percentage,
        "percentages": [{"percentage": percentage, "from_date": "1900-01-01", "to_date": None}],
        "is_visible": True,
        "retailer": False,
        "editable": False,
        "deletable": False,
        "is_combined_rate": False,
    }


def _country(country: str) -> str:
    code = country.upper()
    if code not in TAX_RATES:
        raise ValueError(f"country must be GB or IE, not {country!r}")
    return code


_REFERENCE_CACHE: dict[str, dict[str, list[Record]]] = {}


def reference_records(country: str) -> dict[str, list[Record]]:
    """Every read-only reference collection of a ``country`` ("GB" or "IE") business, as Sage renders it.

    The result is a fresh copy each call: callers may store the records in a business and mutate them.
    """
    code = _country(country)
    cached = _REFERENCE_CACHE.get(code)
    if cached is None:
        cached = _REFERENCE_CACHE[code] = {
            "address_types": _base("address_types", ADDRESS_TYPES),
            "contact_types": _base("contact_types", CONTACT_TYPES),
            "contact_person_types": _base("contact_person_types", CONTACT_PERSON_TYPES),
            "countries": _base("countries", COUNTRIES, code_in_name=True),
            "currencies": _base("currencies", CURRENCIES, code_in_name=True),
            "artefact_statuses": _base("artefact_statuses", ARTEFACT_STATUSES),
            "bank_account_types": _base("bank_account_types", BANK_ACCOUNT_TYPES),
            "payment_methods": _base("payment_methods", PAYMENT_METHODS),
            "catalog_item_types": _base("catalog_item_types", CATALOG_ITEM_TYPES),
            "transaction_types": _base("transaction_types", TRANSACTION_TYPES),
            "ledger_account_types": _base("ledger_account_types", LEDGER_ACCOUNT_TYPES),
            "tax_rates": [_tax_rate(*row) for row in TAX_RATES[code]],
        }
    return copy.deepcopy(cached)


# --- chart of accounts ---------------------------------------------------------------------------------
# (nominal code, ledger account type, name, tax rate kind). The tax rate kind maps to a country's rate:
# S standard, L lower/reduced, Z zero, E exempt, N no tax (outside the scope of VAT).
_TAX_KIND = {
    "GB": {"S": "GB_STANDARD", "L": "GB_LOWER", "Z": "GB_ZERO", "E": "GB_EXEMPT", "N": "GB_NO_TAX"},
    "IE": {"S": "IE_STANDARD", "L": "IE_REDUCED", "Z": "IE_ZERO", "E": "IE_EXEMPT", "N": "IE_NO_TAX"},
}

_CHART: tuple[tuple[int, str, str, str], ...] = (
    # Fixed assets
    (10, "FIXED_ASSETS", "Freehold property", "N"),
    (11, "FIXED_ASSETS", "Leasehold property", "N"),
    (20, "FIXED_ASSETS", "Plant and machinery - Cost", "N"),
    (21, "FIXED_ASSETS", "Plant and machinery - Accumulated Depreciation", "N"),
    (30, "FIXED_ASSETS", "Office equipment and IT - Cost", "N"),
    (31, "FIXED_ASSETS", "Office equipment and IT - Accumulated Depreciation", "N"),
    (40, "FIXED_ASSETS", "Fixtures and fittings - Cost", "N"),
    (41, "FIXED_ASSETS", "Fixtures and fittings - Accumulated Depreciation", "N"),
    (50, "FIXED_ASSETS", "Motor Vehicles - Cost", "N"),
    (51, "FIXED_ASSETS", "Motor Vehicles - Accumulated Depreciation", "N"),
    (60, "FIXED_ASSETS", "Goodwill", "N"),
    # Current assets (the bank ledgers 1200/1210 come with the default bank accounts)
    (1000, "CURRENT_ASSETS", "Stock - Raw Materials", "N"),
    (1001, "CURRENT_ASSETS", "Stock - Finished Goods", "N"),
    (1002, "CURRENT_ASSETS", "Stock - Work in Progress", "N"),
    (1100, "CURRENT_ASSETS", "Trade Debtors", "N"),
    (1102, "CURRENT_ASSETS", "Other Debtors", "N"),
    (1103, "CURRENT_ASSETS", "Prepayments", "N"),
    (1104, "CURRENT_ASSETS", "Accrued Income", "N"),
    (1105, "CURRENT_ASSETS", "Directors Loan Account", "N"),
    (1230, "CURRENT_ASSETS", "Petty Cash", "N"),
    # Current liabilities
    (2100, "CURRENT_LIABILITY", "Trade Creditors", "N"),
    (2101, "CURRENT_LIABILITY", "Other Creditors", "N"),
    (2109, "CURRENT_LIABILITY", "Accruals", "N"),
    (2110, "CURRENT_LIABILITY", "Deferred Income", "N"),
    (2200, "CURRENT_LIABILITY", "Sales Tax Control Account", "N"),
    (2201, "CURRENT_LIABILITY", "Purchase Tax Control Account", "N"),
    (2202, "CURRENT_LIABILITY", "VAT Liability", "N"),
    (2210, "CURRENT_LIABILITY", "PAYE", "N"),
    (2211, "CURRENT_LIABILITY", "National Insurance", "N"),
    (2220, "CURRENT_LIABILITY", "Net Wages", "N"),
    (2230, "CURRENT_LIABILITY", "Pension Fund", "N"),
    (2330, "CURRENT_LIABILITY", "Corporation Tax", "N"),
    # Long term liabilities
    (2300, "FUTURE_LIABILITY", "Bank Loan", "N"),
    (2310, "FUTURE_LIABILITY", "Hire Purchase", "N"),
    # Equity
    (3000, "EQUITY", "Ordinary Shares", "N"),
    (3050, "EQUITY", "Capital Introduced", "N"),
    (3100, "EQUITY", "Drawings", "N"),
    (3200, "EQUITY", "Retained Earnings", "N"),
    # Sales
    (4000, "SALES", "Sales Type A", "S"),
    (4001, "SALES", "Sales Type B", "S"),
    (4002, "SALES", "Sales Type C", "S"),
    (4009, "SALES", "Discounts Allowed", "S"),
    (4100, "SALES", "Service Income", "S"),
    # Other income
    (4900, "OTHER_INCOME", "Other Income", "S"),
    (4905, "OTHER_INCOME", "Distribution and Carriage", "S"),
    (4910, "OTHER_INCOME", "Rent Income", "E"),
    (4920, "OTHER_INCOME", "Commissions Received", "S"),
    (4930, "OTHER_INCOME", "Bank Interest Received", "E"),
    # Direct expenses
    (5000, "DIRECT_EXPENSES", "Cost of sales - goods", "S"),
    (5001, "DIRECT_EXPENSES", "Cost of sales - materials", "S"),
    (5009, "DIRECT_EXPENSES", "Discounts Taken", "S"),
    (5100, "DIRECT_EXPENSES", "Carriage", "S"),
    (5200, "DIRECT_EXPENSES", "Opening Stock", "N"),
    (5201, "DIRECT_EXPENSES", "Closing Stock", "N"),
    (6000, "DIRECT_EXPENSES", "Subcontractor Costs", "S"),
    (6100, "DIRECT_EXPENSES", "Sales Commissions", "S"),
    # Overheads
    (7000, "OVERHEADS", "Gross Wages", "N"),
    (7006, "OVERHEADS", "Employers National Insurance", "N"),
    (7007, "OVERHEADS", "Employers Pensions", "N"),
    (7100, "OVERHEADS", "Rent", "E"),
    (7102, "OVERHEADS", "Water Rates", "E"),
    (7103, "OVERHEADS", "General Rates", "E"),
    (7104, "OVERHEADS", "Premises Insurance", "E"),
    (7200, "OVERHEADS", "Electricity", "L"),
    (7201, "OVERHEADS", "Gas", "L"),
    (7300, "OVERHEADS", "Fuel and Oil", "S"),
    (7301, "OVERHEADS", "Vehicle Repairs and Servicing", "S"),
    (7303, "OVERHEADS", "Vehicle Insurance", "E"),
    (7400, "OVERHEADS", "Travelling", "S"),
    (7401, "OVERHEADS", "Car Hire", "S"),
    (7402, "OVERHEADS", "Hotels", "S"),
    (7406, "OVERHEADS", "Subsistence", "S"),
    (7500, "OVERHEADS", "Printing", "S"),
    (7501, "OVERHEADS", "Postage and Carriage", "E"),
    (7502, "OVERHEADS", "Office Stationery", "S"),
    (7503, "OVERHEADS", "Books and Publications", "Z"),
    (7550, "OVERHEADS", "Telephone and Internet", "S"),
    (7600, "OVERHEADS", "Legal Fees", "S"),
    (7601, "OVERHEADS", "Audit and Accountancy Fees", "S"),
    (7602, "OVERHEADS", "Consultancy Fees", "S"),
    (7700, "OVERHEADS", "Equipment Hire", "S"),
    (7800, "OVERHEADS", "Repairs and Renewals", "S"),
    (7801, "OVERHEADS", "Cleaning", "S"),
    (7900, "OVERHEADS", "Bank Interest Paid", "E"),
    (7901, "OVERHEADS", "Bank Charges", "E"),
    (7903, "OVERHEADS", "Loan Interest Paid", "E"),
    (8100, "OVERHEADS", "Bad Debt Write Off", "N"),
    (8200, "OVERHEADS", "Donations", "N"),
    (8201, "OVERHEADS", "Subscriptions", "S"),
    (8203, "OVERHEADS", "Training Costs", "S"),
    (8204, "OVERHEADS", "Insurance", "E"),
    (8205, "OVERHEADS", "Software and IT Services", "S"),
    # Depreciation
    (8001, "DEPRECIATION", "Plant and machinery Depreciation", "N"),
    (8002, "DEPRECIATION", "Office equipment and IT Depreciation", "N"),
    (8003, "DEPRECIATION", "Fixtures and fittings Depreciation", "N"),
    (8004, "DEPRECIATION", "Motor Vehicles Depreciation", "N"),
)

# Irish names where Ireland's usual chart differs from the UK's.
_IE_NAMES = {
    2202: "VAT Liability (VAT 3)",
    2210: "PAYE / USC",
    2211: "PRSI",
    7006: "Employers PRSI",
    7102: "Water Charges",
    7103: "Commercial Rates",
}


def chart_of_accounts(country: str) -> list[Record]:
    """Request bodies for a new business's chart of accounts (``{"ledger_account": body}`` each)."""
    code = _country(country)
    rates = _TAX_KIND[code]
    bodies: list[Record] = []
    for nominal, kind, name, tax in sorted(_CHART):
        if code == "IE":
            name = _IE_NAMES.get(nominal, name)
        bodies.append(
            {
                "ledger_account_type_id": kind,
                "included_in_chart": True,
                "name": name,
                "display_name": name,
                "nominal_code": nominal,
                "tax_rate_id": rates[tax],
            }
        )
    return bodies


def default_bank_accounts(country: str) -> list[Record]:
    """Request bodies for the bank accounts a new business starts with (``{"bank_account": body}`` each)."""
    code = _country(country)
    if code == "GB":
        current_details: Record = {
            "account_name": "Current",
            "account_number": "41526374",
            "sort_code": "40-11-62",
        }
    else:
        current_details = {
            "account_name": "Current",
            "account_number": "41526374",
            "sort_code": "93-11-52",
            "bic": "AIBKIE2D",
            "iban": "IE51AIBK93115241526374",
        }
    return [
        {
            "bank_account_type_id": "CHECKING",
            "nominal_code": 1200,
            "currency_id": COUNTRY_CURRENCY[code],
            "bank_account_details": current_details,
        },
        {
            "bank_account_type_id": "CASH_IN_HAND",
            "nominal_code": 1210,
            "currency_id": COUNTRY_CURRENCY[code],
            "bank_account_details": {"account_name": "Cash in Hand"},
        },
    ]
