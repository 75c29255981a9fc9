"""OAuth 2.0 for Sage: the connection, the token pair, and where it is stored."""

from ._connection import Connection
from ._oauth import AuthorizationRequest, OAuthError, code_challenge, new_code_verifier
from ._store import FileTokenStore, MemoryTokenStore, TokenStore
from ._token import Token

__all__ = [
    "AuthorizationRequest",
    "Connection",
    "FileTokenStore",
    "MemoryTokenStore",
    "OAuthError",
    "Token",
    "TokenStore",
    "code_challenge",
    "new_code_verifier",
]
