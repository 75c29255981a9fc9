"""The public surface: pinned ``__all__``, sync/async parity, version."""

from __future__ import annotations

import inspect

import sage_accounting
from sage_accounting import AsyncSageAccounting, SageAccounting
from sage_accounting.resources import RESOURCES

EXPECTED_ALL = {
    "NOT_GIVEN",
    "APIConnectionError",
    "APIResponse",
    "APIStatusError",
    "APITimeoutError",
    "AsyncPage",
    "AsyncPageRequest",
    "AsyncSageAccounting",
    "AuthenticationError",
    "AuthorizationRequest",
    "BadRequestError",
    "BusinessMismatchError",
    "Connection",
    "ErrorItem",
    "FileTokenStore",
    "InternalServerError",
    "Limiter",
    "Link",
    "MemoryTokenStore",
    "MethodNotAllowedError",
    "NotFoundError",
    "NotGiven",
    "OAuthError",
    "Page",
    "PermissionDeniedError",
    "RateBudget",
    "RateLimitError",
    "ReauthorizationRequired",
    "RetryConfig",
    "SageAccounting",
    "SageError",
    "Token",
    "TokenRefreshError",
    "TokenStore",
    "TokenStoreError",
    "UnprocessableEntityError",
    "UnsupportedMediaTypeError",
    "__version__",
}

IN_SCOPE = {
    "contacts",
    "contact_persons",
    "contact_types",
    "addresses",
    "ledger_accounts",
    "ledger_account_types",
    "sales_invoices",
    "sales_credit_notes",
    "purchase_invoices",
    "purchase_credit_notes",
    "contact_payments",
    "bank_accounts",
    "products",
    "services",
    "tax_rates",
    "journals",
    "businesses",
    "user",
    "address_types",
    "contact_person_types",
    "countries",
    "currencies",
    "artefact_statuses",
    "bank_account_types",
    "payment_methods",
    "transaction_types",
}


def test_all_is_pinned() -> None:
    assert set(sage_accounting.__all__) == EXPECTED_ALL
    assert len(sage_accounting.__all__) == len(EXPECTED_ALL)
    for name in sage_accounting.__all__:
        assert hasattr(sage_accounting, name), name


def test_version() -> None:
    assert sage_accounting.__version__ == "0.1.0"


def test_every_in_scope_resource_is_an_attribute() -> None:
    assert {name for name, _, _ in RESOURCES} == IN_SCOPE


# Verbs whose async form returns an awaitable, async-iterable list request rather than a coroutine.
LIST_VERBS = ("list", "list_raw", "deleted")


def _public_methods(cls: type) -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(member)
        for name, member in inspect.getmembers(cls, callable)
        if not name.startswith("_")
    }


def test_sync_and_async_clients_expose_the_same_methods() -> None:
    sync_methods = set(_public_methods(SageAccounting))
    async_methods = set(_public_methods(AsyncSageAccounting))
    assert sync_methods == async_methods
    assert set(SageAccounting.__annotations__) >= IN_SCOPE
    assert set(AsyncSageAccounting.__annotations__) >= IN_SCOPE


def test_sync_and_async_resources_expose_the_same_methods_and_parameters() -> None:
    for name, sync_cls, async_cls in RESOURCES:
        sync_methods = _public_methods(sync_cls)
        async_methods = _public_methods(async_cls)
        assert set(sync_methods) == set(async_methods), name
        for method, signature in sync_methods.items():
            assert list(signature.parameters) == list(async_methods[method].parameters), (name, method)
            assert inspect.iscoroutinefunction(getattr(async_cls, method)) or method in LIST_VERBS, (
                name,
                method,
            )


def test_domain_verbs_exist() -> None:
    assert hasattr(SageAccounting.__annotations__, "__contains__")
    from sage_accounting.resources import Businesses, PurchaseInvoices, SalesInvoices

    for verb in ("void", "release", "list", "retrieve", "create", "update", "delete"):
        assert callable(getattr(SalesInvoices, verb))
    assert callable(PurchaseInvoices.release)
    assert callable(Businesses.lead)


def test_public_names_have_docstrings() -> None:
    for name in sage_accounting.__all__:
        obj = getattr(sage_accounting, name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            assert obj.__doc__, name
