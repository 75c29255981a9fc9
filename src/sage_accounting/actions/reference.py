"""Reference data and context: the lists of types, statuses, countries and currencies every area uses,
the businesses the user can reach and the user.

All of them are readable with Read in any area (the ``reference`` toolset).
"""

from __future__ import annotations

from ._common import ID, SEED, Path, action, inp, list_inputs, read
from ._registry import Action

__all__ = ["ACTIONS"]

READS = read()
_GROUP = "Reference lists"


def _reference(key: str, label: str, description: str, path: str, model: str, *, seed: bool) -> Action:
    return action(key, label, description, "GET", path, list_inputs(), kind="list", group=_GROUP,
                  access=READS, toolset="reference", tags=SEED if seed else frozenset(), model=model)  # fmt: skip


_LISTS = [
    _reference("listAddressTypes", "List Address Types", "List all address types", "/address_types",
               "AddressType", seed=True),
    _reference("listContactTypes", "List Contact Types", "List all contact types", "/contact_types",
               "ContactType", seed=True),
    _reference("listCountries", "List Countries", "List all countries", "/countries", "Country", seed=True),
    _reference("listCurrencies", "List Currencies", "List all currencies", "/currencies", "Currency", seed=True),
    _reference("listLedgerAccountTypes", "List Ledger Account Types", "List all Ledger account types",
               "/ledger_account_types", "LedgerAccountType", seed=True),
    _reference("listArtefactStatuses", "List Artefact Statuses",
               "List all artefact (invoice, credit note) statuses", "/artefact_statuses", "ArtefactStatus",
               seed=False),
    _reference("listBankAccountTypes", "List Bank Account Types", "List all bank account types",
               "/bank_account_types", "BankAccountType", seed=False),
    _reference("listPaymentMethods", "List Payment Methods", "List all payment methods", "/payment_methods",
               "PaymentMethod", seed=False),
    _reference("listTransactionTypes", "List Transaction Types", "List all transaction types",
               "/transaction_types", "TransactionType", seed=False),
    _reference("listContactPersonTypes", "List Contact Person Types", "List all contact person types",
               "/contact_person_types", "ContactPersonType", seed=False),
]  # fmt: skip

_CONTEXT_GROUP = "Businesses & user"

_CONTEXT = [
    action("listBusinesses", "List Businesses", "List the businesses the signed-in user can access", "GET",
           "/businesses", list_inputs(), kind="list", group=_CONTEXT_GROUP, access=READS, toolset="reference",
           model="Business"),
    action("getBusiness", "Get Business", "Get a business of the user by Id (lead: the user's lead business)",
           "GET", "/businesses/{businessId}",
           (inp("businessId", "Business Id", "The business id, or lead for the user's lead business.", "lead",
                sage=Path("businessId"), convert=ID, required=True, default="lead"),), kind="get",
           group=_CONTEXT_GROUP, access=READS, toolset="reference", model="Business"),
    action("getUser", "Get User", "Get the signed-in user", "GET", "/user", (), kind="get",
           group=_CONTEXT_GROUP, access=READS, toolset="reference", model="User", title="Get the signed-in user"),
]  # fmt: skip

ACTIONS: tuple[Action, ...] = (*_LISTS, *_CONTEXT)
