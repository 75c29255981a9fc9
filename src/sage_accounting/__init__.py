"""Python toolkit for Sage Business Cloud Accounting API v3.1.

>>> from sage_accounting import Connection, SageAccounting  # doctest: +SKIP
>>> sage = SageAccounting(Connection.from_env())             # doctest: +SKIP
>>> sage.businesses.lead().name                              # doctest: +SKIP
"""

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
from ._version import __version__
from .auth import (
    AuthorizationRequest,
    Connection,
    FileTokenStore,
    MemoryTokenStore,
    OAuthError,
    Token,
    TokenStore,
)

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
