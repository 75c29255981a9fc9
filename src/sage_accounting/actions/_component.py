"""The Sage component's own description and connection, as its ``component.json`` gives them."""

from __future__ import annotations

from typing import Any

__all__ = ["COMPONENT"]

COMPONENT: dict[str, Any] = {
    "component": "sage",
    "label": "Sage Accounting",
    "description": "Manage contacts and others connected to your Sage account.",
    "base_url": "https://api.accounting.sage.com/v3.1",
    "connection": {
        "key": "oauth2",
        "label": "OAuth 2.0",
        "type": "OAuth 2.0 - Authorization Code",
        "inputs": [
            {"key": "authorizeUrl", "label": "Authorize URL", "required": True, "hidden": True,
             "default": "https://www.sageone.com/oauth2/auth/central?filter=apiv3.1"},
            {"key": "tokenUrl", "label": "Token URL", "required": True, "hidden": True,
             "default": "https://oauth.accounting.sage.com/token"},
            {"key": "clientId", "label": "Client ID", "required": True,
             "comments": "Client Identifier of your app for Sage"},
            {"key": "clientSecret", "label": "Client Secret", "type": "password", "required": True,
             "comments": "Client Secret of your app for Sage"},
            {"key": "scopes", "label": "Scopes", "required": True, "default": "full_access",
             "comments": "Space separated OAuth 2.0 permission scopes for Sage: full_access or readonly"},
        ],
    },
}  # fmt: skip
