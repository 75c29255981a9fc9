"""The OAuth callback on a loopback port, and opening the browser at the authorize URL.

The redirect URI registered for the app (``http://127.0.0.1:8765/callback`` by default) names the port:
a tiny HTTP server listens there for the one request the browser makes after the user allows (or
denies) access, answers with a short page, and hands the query back.  Nothing it receives is logged.
"""

from __future__ import annotations

import html
import os
import shlex
import subprocess
import threading
import webbrowser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from ._errors import CliError, ExitCode

__all__ = ["CallbackServer", "is_loopback", "open_browser"]

_LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


def is_loopback(uri: str) -> bool:
    """Whether ``uri`` is an ``http://`` URL on this machine (so its callback can be caught here)."""
    parts = urlsplit(uri)
    return parts.scheme == "http" and (parts.hostname or "") in _LOOPBACK


_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>sage-accounting</title>
<style>body{{font-family:sans-serif;max-width:32rem;margin:3rem auto}}</style></head>
<body><h1 id="result">{title}</h1><p>{text}</p></body></html>"""


class CallbackServer:
    """Listens on the redirect URI's host and port for the OAuth callback (use as a context manager)."""

    def __init__(self, redirect_uri: str) -> None:
        parts = urlsplit(redirect_uri)
        self.redirect_uri = redirect_uri
        self.path = parts.path or "/"
        host = parts.hostname or "127.0.0.1"
        self.host = "127.0.0.1" if host == "localhost" else host
        try:
            self.port = parts.port or 80
        except ValueError as exc:
            raise CliError(f"redirect_uri {redirect_uri!r} has a bad port ({exc})", ExitCode.USAGE) from None
        self.query: str | None = None
        self._done = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                if parts.path != outer.path or outer._done.is_set():
                    self._answer(404, "Not found", "This is the sage-accounting sign-in callback.")
                    return
                query = parts.query
                if "code=" in query:
                    self._answer(
                        200, "Signed in", "sage-accounting has the authorisation: you can close this tab."
                    )
                elif "error=" in query:
                    self._answer(200, "Not signed in", "Access was not granted: see the terminal.")
                else:
                    self._answer(400, "Not signed in", "The callback carried no code: see the terminal.")
                outer.query = query
                outer._done.set()

            def _answer(self, status: int, title: str, text: str) -> None:
                body = _PAGE.format(title=html.escape(title), text=html.escape(text)).encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                """Silent: the request line carries the authorisation code."""

        return Handler

    def __enter__(self) -> CallbackServer:
        ThreadingHTTPServer.allow_reuse_address = True
        try:
            server = ThreadingHTTPServer((self.host, self.port), self._handler())
        except OSError as exc:
            raise CliError(
                f"cannot listen on {self.host}:{self.port} for the sign-in callback ({exc.strerror or exc}): "
                "stop the program using that port, or register another loopback redirect URI with the app "
                "and set it with `sage-accounting config set redirect_uri URI`",
                ExitCode.OTHER,
            ) from None
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )
        self._thread.start()
        return self

    def wait(self, timeout: float) -> str | None:
        """The callback's query string, or ``None`` if it did not come within ``timeout`` seconds."""
        self._done.wait(timeout)
        return self.query

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)


def open_browser(url: str, command: str | None) -> subprocess.Popen[bytes] | bool:
    """Open ``url``: with ``command`` (``%s`` is replaced by the URL, else it is appended), else with
    ``$BROWSER`` the same way, else with :mod:`webbrowser`.  Returns the process started, or whether
    :mod:`webbrowser` managed."""
    chosen = command or os.environ.get("BROWSER", "").split(os.pathsep)[0]
    if not chosen:
        try:
            return webbrowser.open(url)
        except webbrowser.Error:
            return False
    try:
        argv = shlex.split(chosen)
    except ValueError as exc:
        source = "--browser-command" if command else "BROWSER"
        raise CliError(
            f"{source} {chosen!r} cannot be parsed ({exc}): fix its quoting", ExitCode.USAGE
        ) from None
    if not argv:
        raise CliError("--browser-command is empty", ExitCode.USAGE)
    if any("%s" in arg for arg in argv):
        argv = [arg.replace("%s", url) for arg in argv]
    else:
        argv.append(url)
    try:
        return subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
    except OSError as exc:
        raise CliError(
            f"cannot run the browser command {argv[0]!r}: {exc.strerror or exc}; fix --browser-command / "
            "BROWSER, or use --no-browser and open the URL yourself",
            ExitCode.USAGE,
        ) from None
