"""``/bank_accounts``: Bank, cash and credit card accounts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._base import CRUD, AsyncCRUD, Endpoint

if TYPE_CHECKING:
    from ..types import BankAccount  # noqa: F401 - named in quotes in the base classes

__all__ = ["AsyncBankAccounts", "BankAccounts"]

ENDPOINT = Endpoint(
    path="/bank_accounts",
    model="BankAccount",
    wrapper="bank_account",
    filters=frozenset(
        {
            "deleted_since",
            "exclude_stripe",
            "filter_inactive_bank_accounts",
            "nested_attributes",
            "updated_or_created_since",
        }
    ),
    retrieve_params=frozenset({"nested_attributes"}),
)


class BankAccounts(CRUD["BankAccount"]):
    """``client.bank_accounts``: Bank, cash and credit card accounts."""

    _endpoint = ENDPOINT


class AsyncBankAccounts(AsyncCRUD["BankAccount"]):
    """``client.bank_accounts`` on the async client: Bank, cash and credit card accounts."""

    _endpoint = ENDPOINT
