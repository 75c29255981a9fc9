"""``/payment_methods``: Reference list: payment methods."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._base import AsyncReadOnly, Endpoint, ReadOnly

if TYPE_CHECKING:
    from ..types import PaymentMethod  # noqa: F401 - named in quotes in the base classes

__all__ = ["AsyncPaymentMethods", "PaymentMethods"]

ENDPOINT = Endpoint(
    path="/payment_methods",
    model="PaymentMethod",
    wrapper=None,
    filters=frozenset(),
    retrieve_params=frozenset(),
)


class PaymentMethods(ReadOnly["PaymentMethod"]):
    """``client.payment_methods``: Reference list: payment methods."""

    _endpoint = ENDPOINT


class AsyncPaymentMethods(AsyncReadOnly["PaymentMethod"]):
    """``client.payment_methods`` on the async client: Reference list: payment methods."""

    _endpoint = ENDPOINT
