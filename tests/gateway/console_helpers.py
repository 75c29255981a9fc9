"""Helpers of the console tests: the console app on a store (in process through httpx, or over a real
socket next to the MCP server), signing in, and the CSRF token of a page."""

from __future__ import annotations

import contextlib
import html
import re
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import uvicorn
from starlette.testclient import TestClient

from sage_accounting.gateway.console.app import create_app, with_console
from sage_accounting.gateway.console.auth import ConsoleAuth
from sage_accounting.gateway.executor import ClientFactory, Gateway
from sage_accounting.gateway.server import GatewayServer
from sage_accounting.gateway.store import GatewayStore

from .mcp_helpers import free_port


def csrf_of(page: str) -> str:
    """The CSRF token of the first form on ``page``."""
    found = re.search(r'name="csrf" value="([^"]*)"', page)
    assert found is not None, page[:500]
    return html.unescape(found.group(1))


def admin_token(store: GatewayStore) -> str:
    """A new admin token on ``store``."""
    return ConsoleAuth(store.engine).create_token(by="test")


def sign_in(client: httpx.Client, token: str) -> httpx.Response:
    """Sign in with ``token`` through the sign-in form (as a browser would); returns the POST's answer."""
    form = client.get("/console/sign-in")
    return client.post("/console/sign-in", data={"token": token, "csrf": csrf_of(form.text)})


@contextlib.contextmanager
def console_client(
    store: GatewayStore, factory: ClientFactory | None = None, base_url: str = "http://127.0.0.1", **app: Any
) -> Iterator[TestClient]:
    """The console on ``store`` in process, through httpx (redirects not followed)."""
    with TestClient(
        create_app(store, client_factory=factory, **app), base_url=base_url, follow_redirects=False
    ) as client:
        yield client


@contextlib.contextmanager
def signed_in(store: GatewayStore, factory: ClientFactory | None = None) -> Iterator[TestClient]:
    """A console client with a session."""
    with console_client(store, factory) as client:
        assert sign_in(client, admin_token(store)).status_code == 303
        yield client


@contextlib.contextmanager
def served_with_console(gateway: Gateway) -> Iterator[str]:
    """``mcp serve --http``'s app (MCP at /mcp, the console at /console) on a real loopback socket; yields
    the base URL."""
    server = GatewayServer(gateway)
    console = create_app(gateway.store, client_factory=gateway.client_factory, host="127.0.0.1")
    app = with_console(server.http_app(), console)
    port = free_port()
    uv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the gateway did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        uv.should_exit = True
        thread.join(10)
