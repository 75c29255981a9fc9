"""The ledger: the chart of accounts (ledger accounts) and the tax rates.

Reading ledger accounts needs Read in any area (every area posts to them); creating and changing them
needs Full in Settings.  Reading tax rates needs Read in Sales, Purchases, Bank or Settings.  Both sit
in the ``settings`` toolset.
"""

from __future__ import annotations

from ._common import (
    BOOL,
    ID,
    SEED,
    Body,
    Path,
    Query,
    action,
    full,
    inp,
    items_per_page,
    list_inputs,
    page,
    path_id,
    query_id,
    read,
    search,
    since,
    sorted_inputs,
)
from ._inputs import Choice, Integer
from ._registry import Action, ActionInput

__all__ = ["ACTIONS"]

READS = read()
WRITES = full("settings")
TAX_READS = read("sales", "purchases", "bank", "settings")
_NAME = "Provide a string value for a name."
_L = "ledger_account"


def _ledger_inputs(*, update: bool) -> tuple[ActionInput, ...]:
    inputs = [
        inp("displayName", "Display Name", "Provide a string value for the display name.", "Example Name",
            sage=Body((_L, "display_name")), required=True),
        inp("includedInChart", "Include In Chart",
            "This flag determines if the account will be included in the chart of accounts.", "true",
            sage=Body((_L, "included_in_chart")), convert=BOOL, required=True, default=False),
        inp("ledgerAccountTypeId", "Ledger Account Type Id",
            "Provide the unique identifier of a ledger account type.", "example-2356795",
            sage=Body((_L, "ledger_account_type_id")), convert=ID, required=True),
        inp("name", "Name", _NAME, "Example Name", sage=Body((_L, "name")), required=True),
        inp("nominalCode", "Nominal Code",
            "Provide an unique integer value for the nominal code of the ledger account.", "1",
            sage=Body((_L, "nominal_code"), "integer"), convert=Integer(1, 99_999_999), required=True),
        inp("taxRateId", "Tax Rate Id", "Provide the unique identifier of a tax rate id.", "example-238953e2",
            sage=Body((_L, "tax_rate_id")), convert=ID),
    ]  # fmt: skip
    if update:
        inputs += [
            inp("accountId", "Account Id", "Provide the unique identifier of the account Id.", "example-2356795",
                sage=Path("accountId"), convert=ID, required=True),
            inp("gifiCode", "Gifi Code", "Provide a value for The General Index of Financial Information.", "NA",
                sage=Body((_L, "gifi_code"), "integer in the Sage schema"), convert=Integer(), sample=8000),
        ]  # fmt: skip
    return sorted_inputs(inputs)


_VISIBLE_IN = Choice(
    ("banking", "sales", "expenses", "other_payments", "other_receipts", "journals", "reporting")
)
_GROUP = "Chart of accounts"
_MODEL = "LedgerAccount"

_LEDGER = [
    action("createLedgerAccount", "Create Ledger Account", "Create a new Ledger account", "POST",
           "/ledger_accounts", _ledger_inputs(update=False), kind="create", group=_GROUP, access=WRITES,
           toolset="settings", tags=SEED, model=_MODEL),
    action("getLedgerAccount", "Get Ledger Account", "Get the information and metadata of a Ledger account",
           "GET", "/ledger_accounts/{ledgerAccountId}",
           (path_id("ledgerAccountId", "Ledger Account Id", "a ledger account", "example-2356795"),), kind="get",
           group=_GROUP, access=READS, toolset="settings", tags=SEED, model=_MODEL),
    action("listLedgerAccounts", "List Ledger Accounts", "List all Ledger accounts", "GET", "/ledger_accounts",
           list_inputs(
               query_id("ledgerAccountTypeId", "Ledger Account Type Id", "ledger_account_type_id",
                        "Only accounts of this type (SALES, OVERHEADS, BANK …).", "SALES"),
               inp("visibleIn", "Visible In", "Only accounts visible in this area of Sage.", "sales",
                   sage=Query("visible_in"), convert=_VISIBLE_IN),
               search("name, display name or nominal code"),
               seed=(items_per_page(), page(), since())), kind="list", group=_GROUP, access=READS,
           toolset="settings", tags=SEED, model=_MODEL),
    action("updateLedgerAccount", "Update Ledger Account",
           "Update the information and metadata of a Ledger account by Id", "PUT", "/ledger_accounts/{accountId}",
           _ledger_inputs(update=True), kind="update", group=_GROUP, access=WRITES, toolset="settings",
           tags=SEED, model=_MODEL),
]  # fmt: skip

_TAXES = [
    action("listTaxRates", "List Tax Rates", "List all tax rates", "GET", "/tax_rates",
           list_inputs(since("Tax Rates"),
                       inp("usage", "Usage", "Only rates usable for sales or for purchasing.", "sales",
                           sage=Query("usage"), convert=Choice(("sales", "purchasing")))),
           kind="list", group="Taxes", access=TAX_READS, toolset="settings", model="TaxRate"),
    action("getTaxRate", "Get Tax Rate", "Get the information and metadata of a tax rate by Id", "GET",
           "/tax_rates/{taxRateId}", (path_id("taxRateId", "Tax Rate Id", "a tax rate", "GB_STANDARD"),),
           kind="get", group="Taxes", access=TAX_READS, toolset="settings", model="TaxRate"),
]  # fmt: skip

ACTIONS: tuple[Action, ...] = (*_LEDGER, *_TAXES)
