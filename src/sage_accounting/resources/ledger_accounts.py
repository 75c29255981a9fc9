"""``/ledger_accounts``: The chart of accounts (no delete at Sage)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._base import (
    AsyncCreateMixin,
    AsyncListMixin,
    AsyncRetrieveMixin,
    AsyncUpdateMixin,
    CreateMixin,
    Endpoint,
    ListMixin,
    RetrieveMixin,
    UpdateMixin,
)

if TYPE_CHECKING:
    from ..types import LedgerAccount  # noqa: F401 - named in quotes in the base classes

__all__ = ["AsyncLedgerAccounts", "LedgerAccounts"]

ENDPOINT = Endpoint(
    path="/ledger_accounts",
    model="LedgerAccount",
    wrapper="ledger_account",
    filters=frozenset(
        {
            "exclude_deleted_entries",
            "filter_inactive_bank_accounts",
            "from_date",
            "ledger_account_classification_id",
            "ledger_account_type_id",
            "not_visible_in",
            "search",
            "show_balance_details",
            "show_control_accounts",
            "show_included_in_chart",
            "sort_order_from_user_setting",
            "to_date",
            "updated_or_created_since",
            "visible_in",
        }
    ),
    retrieve_params=frozenset(
        {"exclude_deleted_entries", "from_date", "nested_attributes", "show_balance_details", "to_date"}
    ),
)


class LedgerAccounts(
    ListMixin["LedgerAccount"],
    RetrieveMixin["LedgerAccount"],
    CreateMixin["LedgerAccount"],
    UpdateMixin["LedgerAccount"],
):
    """``client.ledger_accounts``: The chart of accounts (no delete at Sage)."""

    _endpoint = ENDPOINT


class AsyncLedgerAccounts(
    AsyncListMixin["LedgerAccount"],
    AsyncRetrieveMixin["LedgerAccount"],
    AsyncCreateMixin["LedgerAccount"],
    AsyncUpdateMixin["LedgerAccount"],
):
    """``client.ledger_accounts`` on the async client: The chart of accounts (no delete at Sage)."""

    _endpoint = ENDPOINT
