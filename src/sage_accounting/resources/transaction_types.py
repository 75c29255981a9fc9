"""``/transaction_types``: Reference list: transaction types."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._base import AsyncReadOnly, Endpoint, ReadOnly

if TYPE_CHECKING:
    from ..types import TransactionType  # noqa: F401 - named in quotes in the base classes

__all__ = ["AsyncTransactionTypes", "TransactionTypes"]

ENDPOINT = Endpoint(
    path="/transaction_types",
    model="TransactionType",
    wrapper=None,
    filters=frozenset({"valid_for_business"}),
    retrieve_params=frozenset(),
)


class TransactionTypes(ReadOnly["TransactionType"]):
    """``client.transaction_types``: Reference list: transaction types."""

    _endpoint = ENDPOINT


class AsyncTransactionTypes(AsyncReadOnly["TransactionType"]):
    """``client.transaction_types`` on the async client: Reference list: transaction types."""

    _endpoint = ENDPOINT
