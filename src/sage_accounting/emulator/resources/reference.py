"""Reference lists: read-only collections Sage fills for every business (types, countries, currencies, tax rates)."""

from __future__ import annotations

from .._resource import READ, Resource


class ReferenceList(Resource):
    """A read-only list. Ids are upper-case (``CUSTOMER``, ``GBP``, ``GB_STANDARD``)."""

    verbs = frozenset({"list", "get"})
    search_fields = ("displayed_as", "id")


def _reference(name: str) -> type[ReferenceList]:
    return type(f"Reference_{name}", (ReferenceList,), {"name": name})


class TaxRates(ReferenceList):
    name = "tax_rates"
    # swagger: Sales, Purchases, Bank (any role) or Settings (Full Access, Read Only)
    read_access = (
        ("Sales", READ),
        ("Purchases", READ),
        ("Bank", READ),
        ("Settings", frozenset({"full_access", "read_only"})),
    )


class ArtefactStatuses(ReferenceList):
    name = "artefact_statuses"
    read_access = (("Sales", READ), ("Purchases", READ))


RESOURCES: list[type[Resource]] = [
    *(
        _reference(name)
        for name in (
            "address_types",
            "contact_types",
            "contact_person_types",
            "countries",
            "currencies",
            "bank_account_types",
            "payment_methods",
            "transaction_types",
            "ledger_account_types",
            "catalog_item_types",
        )
    ),
    TaxRates,
    ArtefactStatuses,
]
