"""The two clients: :class:`SageAccounting` (blocking) and :class:`AsyncSageAccounting` (asyncio).

Both take a :class:`~sage_accounting.Connection` and expose one attribute per Sage resource::

    from sage_accounting import Connection, FileTokenStore, SageAccounting

    conn = Connection("client-id", "client-secret", store=FileTokenStore("sage-token.json"))
    with SageAccounting(conn, business_id="...") as sage:
        for contact in sage.contacts.list(items_per_page=200, attributes="all"):
            print(contact.name, contact.credit_limit)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from . import resources
from ._base_client import AsyncPipeline, CallOptions, Params, SyncPipeline, Timeout
from ._core import DEFAULT_MAX_RETRIES, NOT_GIVEN, NotGiven, RetryConfig
from ._response import APIResponse
from .auth._connection import Connection

__all__ = ["AsyncSageAccounting", "SageAccounting"]


def _limits(connection: Connection) -> httpx.Limits:
    cap = connection.limiter.max_concurrency
    return httpx.Limits(max_connections=cap, max_keepalive_connections=min(cap, 50))


class SageAccounting(SyncPipeline):
    """Blocking client for Sage Business Cloud Accounting v3.1.

    ``business_id`` is sent as ``X-Business`` on every call (``None``: the user's lead business);
    ``max_retries`` (default 2) and ``timeout`` apply to every call and can be overridden per call;
    ``retry`` tunes the backoff.  ``transport``/``http_client`` replace the network (for example the
    emulator's in-process transport).  Use as a context manager, or call :meth:`close`.
    """

    contacts: resources.Contacts
    contact_persons: resources.ContactPersons
    contact_types: resources.ContactTypes
    addresses: resources.Addresses
    ledger_accounts: resources.LedgerAccounts
    ledger_account_types: resources.LedgerAccountTypes
    sales_invoices: resources.SalesInvoices
    sales_credit_notes: resources.SalesCreditNotes
    purchase_invoices: resources.PurchaseInvoices
    purchase_credit_notes: resources.PurchaseCreditNotes
    contact_payments: resources.ContactPayments
    bank_accounts: resources.BankAccounts
    products: resources.Products
    services: resources.Services
    tax_rates: resources.TaxRates
    journals: resources.Journals
    businesses: resources.Businesses
    user: resources.UserResource
    address_types: resources.AddressTypes
    contact_person_types: resources.ContactPersonTypes
    countries: resources.Countries
    currencies: resources.Currencies
    artefact_statuses: resources.ArtefactStatuses
    bank_account_types: resources.BankAccountTypes
    payment_methods: resources.PaymentMethods
    transaction_types: resources.TransactionTypes

    def __init__(
        self,
        connection: Connection,
        *,
        business_id: str | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        retry: RetryConfig | None = None,
        default_headers: Mapping[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
        http_client: httpx.Client | None = None,
    ) -> None:
        super().__init__(
            connection,
            business_id=business_id,
            max_retries=max_retries,
            timeout=timeout,
            retry=retry or RetryConfig(),
            default_headers=default_headers,
        )
        if http_client is not None and transport is not None:
            raise TypeError("give transport or http_client, not both")
        self._owns_http = http_client is None
        self._http = http_client or httpx.Client(
            transport=transport or connection.transport, timeout=self.timeout, limits=_limits(connection)
        )
        for name, sync_cls, _ in resources.RESOURCES:
            setattr(self, name, sync_cls(self))

    def with_options(
        self,
        *,
        business_id: str | NotGiven | None = NOT_GIVEN,
        max_retries: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        retry: RetryConfig | None = None,
    ) -> SageAccounting:
        """A client sharing this one's connection and HTTP pool, with some settings changed."""
        settings = self._clone_settings(business_id, max_retries, timeout, retry)
        clone = SageAccounting(self.connection, http_client=self._http, **settings)
        clone._owns_http = False
        return clone

    def with_business(self, business_id: str | None) -> SageAccounting:
        """A client for another business of the same user (shares the connection and pool)."""
        return self.with_options(business_id=business_id)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Params = None,
        json: Any = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        business_id: str | NotGiven | None = NOT_GIVEN,
        max_retries: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
    ) -> APIResponse:
        """Call any endpoint (``path`` under the API root) with auth, retries and errors applied.

        >>> sage.request("GET", "/financial_settings").json()  # doctest: +SKIP
        """
        opts = CallOptions(business_id=business_id, max_retries=max_retries, timeout=timeout, headers=headers)
        return APIResponse(
            self._send(method, path, params=params, json_body=json, content=content, opts=opts)
        )

    def close(self) -> None:
        """Close the HTTP pool (if this client created it)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> SageAccounting:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<SageAccounting {self.connection.api_url} business={self.business_id or 'lead'}>"


class AsyncSageAccounting(AsyncPipeline):
    """Async twin of :class:`SageAccounting`: same attributes and methods, ``await``-ed.

    ``list()`` returns an object you can ``await`` (first page) or ``async for`` over (every record).
    """

    contacts: resources.AsyncContacts
    contact_persons: resources.AsyncContactPersons
    contact_types: resources.AsyncContactTypes
    addresses: resources.AsyncAddresses
    ledger_accounts: resources.AsyncLedgerAccounts
    ledger_account_types: resources.AsyncLedgerAccountTypes
    sales_invoices: resources.AsyncSalesInvoices
    sales_credit_notes: resources.AsyncSalesCreditNotes
    purchase_invoices: resources.AsyncPurchaseInvoices
    purchase_credit_notes: resources.AsyncPurchaseCreditNotes
    contact_payments: resources.AsyncContactPayments
    bank_accounts: resources.AsyncBankAccounts
    products: resources.AsyncProducts
    services: resources.AsyncServices
    tax_rates: resources.AsyncTaxRates
    journals: resources.AsyncJournals
    businesses: resources.AsyncBusinesses
    user: resources.AsyncUserResource
    address_types: resources.AsyncAddressTypes
    contact_person_types: resources.AsyncContactPersonTypes
    countries: resources.AsyncCountries
    currencies: resources.AsyncCurrencies
    artefact_statuses: resources.AsyncArtefactStatuses
    bank_account_types: resources.AsyncBankAccountTypes
    payment_methods: resources.AsyncPaymentMethods
    transaction_types: resources.AsyncTransactionTypes

    def __init__(
        self,
        connection: Connection,
        *,
        business_id: str | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        retry: RetryConfig | None = None,
        default_headers: Mapping[str, str] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        super().__init__(
            connection,
            business_id=business_id,
            max_retries=max_retries,
            timeout=timeout,
            retry=retry or RetryConfig(),
            default_headers=default_headers,
        )
        if http_client is not None and transport is not None:
            raise TypeError("give transport or http_client, not both")
        self._owns_http = http_client is None
        self._http = http_client or httpx.AsyncClient(
            transport=transport or connection.async_transport,
            timeout=self.timeout,
            limits=_limits(connection),
        )
        for name, _, async_cls in resources.RESOURCES:
            setattr(self, name, async_cls(self))

    def with_options(
        self,
        *,
        business_id: str | NotGiven | None = NOT_GIVEN,
        max_retries: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        retry: RetryConfig | None = None,
    ) -> AsyncSageAccounting:
        """A client sharing this one's connection and HTTP pool, with some settings changed."""
        settings = self._clone_settings(business_id, max_retries, timeout, retry)
        clone = AsyncSageAccounting(self.connection, http_client=self._http, **settings)
        clone._owns_http = False
        return clone

    def with_business(self, business_id: str | None) -> AsyncSageAccounting:
        """A client for another business of the same user (shares the connection and pool)."""
        return self.with_options(business_id=business_id)

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Params = None,
        json: Any = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        business_id: str | NotGiven | None = NOT_GIVEN,
        max_retries: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
    ) -> APIResponse:
        """Call any endpoint (``path`` under the API root) with auth, retries and errors applied."""
        opts = CallOptions(business_id=business_id, max_retries=max_retries, timeout=timeout, headers=headers)
        response = await self._send(method, path, params=params, json_body=json, content=content, opts=opts)
        return APIResponse(response)

    async def close(self) -> None:
        """Close the HTTP pool (if this client created it)."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> AsyncSageAccounting:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def __repr__(self) -> str:
        return f"<AsyncSageAccounting {self.connection.api_url} business={self.business_id or 'lead'}>"
