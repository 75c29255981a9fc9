"""Python toolkit for Sage Business Cloud Accounting API v3.1.

>>> from sage_accounting import Connection, SageAccounting  # doctest: +SKIP
>>> sage = SageAccounting(Connection.from_env())             # doctest: +SKIP
>>> sage.businesses.lead().name                              # doctest: +SKIP
"""

from typing import TYPE_CHECKING

from . import _lazy
from ._version import __version__

if TYPE_CHECKING:
    from ._client import AsyncSageAccounting, SageAccounting
    from ._core import NOT_GIVEN, NotGiven, RetryConfig
    from ._errors import (
        APIConnectionError,
        APIStatusError,
        APITimeoutError,
        AuthenticationError,
        BadRequestError,
        BusinessMismatchError,
        ErrorItem,
        InternalServerError,
        MethodNotAllowedError,
        NotFoundError,
        PermissionDeniedError,
        RateLimitError,
        ReauthorizationRequired,
        SageError,
        TokenRefreshError,
        TokenStoreError,
        UnprocessableEntityError,
        UnsupportedMediaTypeError,
    )
    from ._limits import Limiter, RateBudget
    from ._models import Link
    from ._pagination import AsyncPage, AsyncPageRequest, Page
    from ._response import APIResponse
    from .auth import (
        AuthorizationRequest,
        Connection,
        FileTokenStore,
        MemoryTokenStore,
        OAuthError,
        Token,
        TokenStore,
    )

# Each public name is imported from its module on first use (``import sage_accounting`` stays light).
_EXPORTS = {
    "AsyncSageAccounting": "._client",
    "SageAccounting": "._client",
    "NOT_GIVEN": "._core",
    "NotGiven": "._core",
    "RetryConfig": "._core",
    "APIConnectionError": "._errors",
    "APIStatusError": "._errors",
    "APITimeoutError": "._errors",
    "AuthenticationError": "._errors",
    "BadRequestError": "._errors",
    "BusinessMismatchError": "._errors",
    "ErrorItem": "._errors",
    "InternalServerError": "._errors",
    "MethodNotAllowedError": "._errors",
    "NotFoundError": "._errors",
    "PermissionDeniedError": "._errors",
    "RateLimitError": "._errors",
    "ReauthorizationRequired": "._errors",
    "SageError": "._errors",
    "TokenRefreshError": "._errors",
    "TokenStoreError": "._errors",
    "UnprocessableEntityError": "._errors",
    "UnsupportedMediaTypeError": "._errors",
    "Limiter": "._limits",
    "RateBudget": "._limits",
    "Link": "._models",
    "AsyncPage": "._pagination",
    "AsyncPageRequest": "._pagination",
    "Page": "._pagination",
    "APIResponse": "._response",
    "AuthorizationRequest": ".auth",
    "Connection": ".auth",
    "FileTokenStore": ".auth",
    "MemoryTokenStore": ".auth",
    "OAuthError": ".auth",
    "Token": ".auth",
    "TokenStore": ".auth",
}
__getattr__, __dir__ = _lazy.exports(__name__, _EXPORTS)
_lazy.defer_httpx_cli()

__all__ = [
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
]
