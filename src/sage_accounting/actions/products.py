"""Products & Services: the items a business sells and buys.

Reading needs Read in Products & Services, Sales or Purchases (invoice lines name them); creating,
changing and deleting need Full in Products & Services.
"""

from __future__ import annotations

from ._common import (
    BOOL,
    ID,
    MONEY,
    SALES_PRICES,
    SALES_RATES,
    Body,
    Query,
    deleted_since,
    full,
    inp,
    read,
    search,
    since,
)
from ._crud import crud
from ._inputs import Choice
from ._registry import Action, ActionInput

__all__ = ["ACTIONS"]

READS = read("products", "sales", "purchases")
WRITES = full("products")


def _item_inputs(w: str, *, create: bool) -> tuple[ActionInput, ...]:
    product = w == "product"
    inputs = [
        inp("description", "Description", f"What the {w} is.", "Blue widget", sage=Body((w, "description")),
            required=create),
        inp("salesLedgerAccountId", "Sales Ledger Account Id", "The ledger account sales of it are posted to.",
            "example-2356795", sage=Body((w, "sales_ledger_account_id")), convert=ID, required=create),
        inp("purchaseLedgerAccountId", "Purchase Ledger Account Id",
            "The ledger account purchases of it are posted to.", "example-2356795",
            sage=Body((w, "purchase_ledger_account_id")), convert=ID, required=create and product),
        inp("itemCode", "Item Code", "Your code for it.", "WID-BLUE", sage=Body((w, "item_code"))),
        inp("notes", "Notes", "Notes.", "Sold in boxes of 10", sage=Body((w, "notes"))),
        inp("salesTaxRateId", "Sales Tax Rate Id", "The usual tax rate on sales.", "GB_STANDARD",
            sage=Body((w, "sales_tax_rate_id")), convert=ID),
        inp("purchaseTaxRateId", "Purchase Tax Rate Id", "The usual tax rate on purchases.", "GB_STANDARD",
            sage=Body((w, "purchase_tax_rate_id")), convert=ID),
        inp("usualSupplierId", "Usual Supplier Id", "The contact it is usually bought from.", "example-533242",
            sage=Body((w, "usual_supplier_id")), convert=ID),
        inp("costPrice", "Cost Price", "What it costs you.", "4.50", sage=Body((w, "cost_price"), "number"),
            convert=MONEY),
        inp("sourceGuid", "Source GUID", "An id from another system (imports).", "example-80430964",
            sage=Body((w, "source_guid"))),
        inp("purchaseDescription", "Purchase Description", "The description used on purchases.", "Widget, blue",
            sage=Body((w, "purchase_description"))),
        inp("active", "Active", "Whether it can be used on new transactions.", "true", sage=Body((w, "active")),
            convert=BOOL),
    ]  # fmt: skip
    if product:
        inputs += [
            inp("catalogItemTypeId", "Catalog Item Type Id", "STOCK_ITEM or PRODUCT (a non-stock item).",
                "STOCK_ITEM", sage=Body(("product", "catalog_item_type_id")),
                convert=Choice(("STOCK_ITEM", "PRODUCT"))),
            inp("salesPrices", "Sales Prices",
                "Selling prices: a list (or JSON text) of objects with price, and optionally price_name, "
                "price_includes_tax and product_sales_price_type_id.",
                '[{"price_name": "Selling Price", "price": "9.99", "price_includes_tax": false}]',
                sage=Body(("product", "sales_prices"), "array of price objects"), convert=SALES_PRICES),
        ]  # fmt: skip
    else:
        inputs.append(
            inp("salesRates", "Sales Rates",
                "Selling rates: a list (or JSON text) of objects with rate, and optionally rate_name, "
                "rate_includes_tax and service_rate_type_id.",
                '[{"rate_name": "Hourly", "rate": "75.00", "rate_includes_tax": false}]',
                sage=Body(("service", "sales_rates"), "array of rate objects"), convert=SALES_RATES)
        )  # fmt: skip
    return tuple(inputs)


def _item_filters(plural: str) -> tuple[ActionInput, ...]:
    return (
        since(plural.title()),
        deleted_since(plural),
        search("item code or description"),
        inp("active", "Active", f"true: only active {plural}; false: only inactive ones.", "true",
            sage=Query("active"), convert=BOOL),
    )  # fmt: skip


ACTIONS: tuple[Action, ...] = (
    *crud(name="Product", plural="Products", path="/products", noun="product", group="Products & services",
          reads=READS, writes=WRITES, toolset="products", model="Product",
          filters=_item_filters("products"), create=_item_inputs("product", create=True),
          update=_item_inputs("product", create=False),
          delete_note=" (a product used on transactions cannot be deleted: deactivate it)"),
    *crud(name="Service", plural="Services", path="/services", noun="service", group="Products & services",
          reads=READS, writes=WRITES, toolset="products", model="Service",
          filters=_item_filters("services"), create=_item_inputs("service", create=True),
          update=_item_inputs("service", create=False),
          delete_note=" (a service used on transactions cannot be deleted: deactivate it)"),
)  # fmt: skip
