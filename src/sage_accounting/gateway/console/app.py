"""The console's ASGI app: routing, sign-in, sessions and CSRF, and the security headers of every answer.

:func:`create_app` builds it on a :class:`~sage_accounting.gateway.store.GatewayStore`; :func:`with_console`
puts it under ``/console`` of another ASGI app (the MCP server's).  Every page but the sign-in page needs a
session: without one a page answers 303 to the sign-in page (GET) or 401 with the sign-in form (POST),
never data; a form posted without the session's CSRF token gets 403 and changes nothing.
"""

from __future__ import annotations

import functools
import hmac
import secrets
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

import anyio.to_thread
import jinja2
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .auth import ConsoleAuth, Session

if TYPE_CHECKING:
    from ..executor import ClientFactory
    from ..store import GatewayStore

__all__ = ["CSP", "PREFIX", "Console", "create_app", "with_console"]

PREFIX = "/console"
SESSION_COOKIE = "sage_console"
SIGN_IN_COOKIE = "sage_console_sign_in"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
]
HERE = Path(__file__).parent
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})

Handler = Callable[[Request, Session, dict[str, list[str]]], Awaitable[Response]]


class Console:
    """What the pages share: the store, the sign-in, the templates, and the Sage connection approvals
    run on (``client_factory``; None: approving is refused with a one-line reason)."""

    def __init__(self, store: GatewayStore, client_factory: ClientFactory | None, *, secure: bool) -> None:
        self.store = store
        self.auth = ConsoleAuth(store.engine)
        self.client_factory = client_factory
        self.secure = secure
        self.templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(HERE / "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
        )
        self.verdict: Any = None  # the last AuditVerdict and when it was made (verifying reads every row)
        self.verified_at: Any = None
        self._businesses: list[tuple[str, str]] | None = None
        self._failed_at = -60.0

    async def run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """``fn`` in a worker thread (the store is synchronous)."""
        return await anyio.to_thread.run_sync(functools.partial(fn, *args, **kwargs))

    def render(self, template: str, status: int = 200, /, **context: Any) -> HTMLResponse:
        """The template ``template`` as an HTML answer."""
        html = self.templates.get_template(template).render(prefix=PREFIX, **context)
        return HTMLResponse(html, status_code=status)

    async def businesses(self) -> list[tuple[str, str]]:
        """The businesses the Sage connection reaches, (id, name) by name; [] when there is no connection."""
        if self._businesses is not None:
            return self._businesses
        # A connection that failed is tried again a minute later, not on every page.
        if self.client_factory is None or time.monotonic() - self._failed_at < 60:
            return []
        client = self.client_factory(None)
        try:
            response = await client.request("GET", "/businesses", params={"items_per_page": 200})
            items = (response.json() or {}).get("$items", [])
        except Exception:  # the matrix still works by business id
            self._failed_at = time.monotonic()
            return []
        finally:
            await client.close()
        found = [
            (str(i["id"]), str(i.get("name") or i.get("displayed_as") or i["id"]))
            for i in items
            if i.get("id")
        ]
        self._businesses = sorted(found, key=lambda b: b[1].lower())
        return self._businesses


class SecurityHeaders:
    """Adds the CSP, X-Frame-Options and friends to every answer of the wrapped app."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in _HEADERS if k not in names
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def with_console(app: ASGIApp, console: ASGIApp) -> ASGIApp:
    """``app`` with ``console`` answering ``/console`` and every path under it (lifespan stays ``app``'s)."""

    async def dispatch(scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] in ("http", "websocket") else ""
        if path == PREFIX or path.startswith(PREFIX + "/"):
            await console(scope, receive, send)
        else:
            await app(scope, receive, send)

    return dispatch


# --- requests ---------------------------------------------------------------------------------------


def console_of(request: Request) -> Console:
    """The :class:`Console` serving ``request``."""
    console: Console = request.app.state.console
    return console


async def form_of(request: Request) -> dict[str, list[str]]:
    """The posted form (``application/x-www-form-urlencoded``), every field's values."""
    body = await request.body()
    if len(body) > 1_000_000:
        return {}
    return parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)


def field(form: dict[str, list[str]], name: str, default: str = "") -> str:
    """The first value of ``name`` in ``form``."""
    values = form.get(name)
    return values[0] if values else default


def _sign_in_page(request: Request, status: int, error: str | None = None) -> Response:
    console = console_of(request)
    nonce = secrets.token_urlsafe(24)
    response = console.render("sign_in.html", status, csrf=nonce, error=error, session=None, nav=None)
    response.set_cookie(SIGN_IN_COOKIE, nonce, path=f"{PREFIX}/sign-in", httponly=True, samesite="strict",
                        secure=console.secure, max_age=3600)  # fmt: skip
    return response


def page(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """A route that needs a session (and, for a POST, the session's CSRF token)."""

    @functools.wraps(handler)
    async def endpoint(request: Request) -> Response:
        console = console_of(request)
        session = await console.run(console.auth.session, request.cookies.get(SESSION_COOKIE))
        if session is None:
            if request.method == "GET":
                return RedirectResponse(f"{PREFIX}/sign-in", status_code=303)
            return _sign_in_page(request, 401, "Sign in first.")
        form: dict[str, list[str]] = {}
        if request.method == "POST":
            form = await form_of(request)
            if not hmac.compare_digest(field(form, "csrf").encode(), session.csrf.encode()):
                return console.render("error.html", 403, session=session, nav=None, title="Refused",
                                      message="The form's security token is missing or out of date: reload the "
                                              "page and try again. Nothing was changed.")  # fmt: skip
        return await handler(request, session, form)

    return endpoint


async def sign_in(request: Request) -> Response:
    """The sign-in form (GET) and signing in with an admin token (POST)."""
    console = console_of(request)
    if request.method == "GET":
        return _sign_in_page(request, 200)
    form = await form_of(request)
    nonce = request.cookies.get(SIGN_IN_COOKIE, "")
    if not nonce or not hmac.compare_digest(field(form, "csrf").encode(), nonce.encode()):
        return console.render("error.html", 403, session=None, nav=None, title="Refused",
                              message="The sign-in form's security token is missing or out of date: open the "
                                      "sign-in page again.")  # fmt: skip
    token_id = await console.run(console.auth.token_id, field(form, "token").strip())
    if token_id is None:
        return _sign_in_page(request, 401, "That is not an admin token (agent keys cannot sign in). Create "
                                           "one with: sage-accounting console token")  # fmt: skip
    sid = await console.run(console.auth.start_session, token_id)
    response = RedirectResponse(PREFIX, status_code=303)
    response.set_cookie(SESSION_COOKIE, sid, path=PREFIX, httponly=True, samesite="strict",
                        secure=console.secure)  # fmt: skip
    response.delete_cookie(SIGN_IN_COOKIE, path=f"{PREFIX}/sign-in")
    return response


@page
async def sign_out(request: Request, session: Session, form: dict[str, list[str]]) -> Response:
    """End the session."""
    console = console_of(request)
    await console.run(console.auth.end_session, request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse(f"{PREFIX}/sign-in", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path=PREFIX)
    return response


async def _to_console(request: Request) -> Response:
    return RedirectResponse(PREFIX, status_code=303)


def create_app(
    store: GatewayStore,
    *,
    client_factory: ClientFactory | None = None,
    host: str = "127.0.0.1",
    secure: bool | None = None,
) -> ASGIApp:
    """The console on ``store``.  ``client_factory`` gives the Sage clients approved calls run on;
    ``secure`` (default: unless ``host`` is a loopback address) marks the session cookie Secure."""
    from . import pages

    console = Console(store, client_factory, secure=(host not in LOOPBACK) if secure is None else secure)
    routes = [
        Route("/", _to_console),
        Route(PREFIX, pages.overview),
        Route(f"{PREFIX}/", pages.overview),
        Route(f"{PREFIX}/sign-in", sign_in, methods=["GET", "POST"]),
        Route(f"{PREFIX}/sign-out", sign_out, methods=["POST"]),
        Route(f"{PREFIX}/agents", pages.agents, methods=["GET", "POST"]),
        Route(f"{PREFIX}/agents/{{name}}", pages.agent, methods=["GET", "POST"]),
        Route(f"{PREFIX}/agents/{{name}}/rotate-key", pages.rotate_key, methods=["POST"]),
        Route(f"{PREFIX}/agents/{{name}}/remove", pages.remove_agent, methods=["POST"]),
        Route(f"{PREFIX}/audit", pages.audit),
        Route(f"{PREFIX}/audit.csv", pages.audit_csv),
        Route(f"{PREFIX}/audit/verify", pages.verify, methods=["POST"]),
        Route(f"{PREFIX}/approvals", pages.approvals),
        Route(f"{PREFIX}/approvals/{{approval_id}}/approve", pages.approve, methods=["POST"]),
        Route(f"{PREFIX}/approvals/{{approval_id}}/deny", pages.deny, methods=["POST"]),
        Mount(f"{PREFIX}/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes)
    app.state.console = console
    return SecurityHeaders(app)
